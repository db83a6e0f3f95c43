/**
 * A typed client for the magic-link sign-in API. No runtime dependency beyond `fetch`.
 *
 * Every method resolves to a discriminated union: `{ ok: true, data }` or `{ ok: false, error, ... }`
 * where `error` is one of the codes that route can really give. It never retries by itself (least of
 * all a 429): it tells you `retryAfterSeconds` and gives a `userMessage` you can show as it is.
 * It throws only when no API answered (network failure, or a body that is not this API's envelope).
 */
import { formatUnit } from '../lambdas/contract/locales';
import { fill } from '../lambdas/contract/locales/page';
import { messages as englishMessages } from '../lambdas/contract/locales/en/messages';
import { VALIDATION_FIELDS, type MessageStrings } from '../lambdas/contract/locales/messages';
import {
  ERROR_RETRY_AFTER,
  ERROR_STATUS,
  type ErrorCode,
  type GetChallengeData,
  type GetChallengeError,
  type GetSessionData,
  type GetSessionError,
  type RefreshAccessTokenData,
  type RefreshAccessTokenError,
  type RequestMagicLinkBody,
  type RequestMagicLinkData,
  type RequestMagicLinkError,
  type SignOutData,
  type SignOutError,
  type VerifyBody,
  type VerifyData,
  type VerifyError,
} from './generated';

export * from './generated';
export type { MessageStrings } from '../lambdas/contract/locales/messages';
export type { Locale } from '../lambdas/contract/locales';

export interface FieldIssue {
  readonly field: string;
  readonly issue: string;
}

export interface Success<T> {
  readonly ok: true;
  readonly status: number;
  readonly data: T;
  readonly requestId: string;
}

export interface Failure<C extends ErrorCode> {
  readonly ok: false;
  readonly status: number;
  readonly error: C;
  /** The API's own one-sentence message (for logs; show `userMessage` to people). */
  readonly message: string;
  readonly details: readonly FieldIssue[];
  /** Seconds to wait before trying again, on 429 and 503; otherwise null. */
  readonly retryAfterSeconds: number | null;
  readonly docUrl: string;
  readonly requestId: string;
  /** A sentence to show the person, in the style the error reference recommends. */
  readonly userMessage: string;
}

export type Result<T, C extends ErrorCode> = Success<T> | Failure<C>;

/** Names for the success data, as earlier versions of this client exported them. */
export type MagicLinkRequested = RequestMagicLinkData;
export type SignedIn = VerifyData;
export type ActiveSession = GetSessionData;
export type SignedOut = SignOutData;
export type RefreshedAccessToken = RefreshAccessTokenData;

/** Thrown when no answer from this API came back: the network failed, or something else answered. */
export class MagicLinkTransportError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MagicLinkTransportError';
  }
}

/**
 * The sentence to show a person for each code, in the language of `messages` (English by default;
 * import another locale's from `magic-link-auth/messages/<tag>`, e.g. `messages/de`).
 */
export function userMessage(
  code: ErrorCode,
  retryAfterSeconds: number | null,
  details: readonly FieldIssue[] = [],
  messages: MessageStrings = englishMessages,
): string {
  const field = code === 'validation_failed' ? VALIDATION_FIELDS.find((name) => details.some((d) => d.field === name)) : undefined;
  const wait = retryAfterSeconds ?? ERROR_RETRY_AFTER[code] ?? 0;
  return fill(messages[field === undefined ? code : (`validation_failed.${field}` as const)], {
    minutes: formatUnit(Math.max(1, Math.ceil(wait / 60)), 'minute', messages.locale),
    seconds: formatUnit(wait, 'second', messages.locale),
  });
}

/**
 * A fresh RFC 7636 pair: keep `verifier` in this browser (never send it until verify), send
 * `challenge` with the request. Uses the platform's WebCrypto (browsers, Node 20+).
 */
export async function createPkcePair(): Promise<{ verifier: string; challenge: string }> {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  const verifier = base64url(bytes);
  return { verifier, challenge: await codeChallengeFor(verifier) };
}

/** The S256 `code_challenge` of a verifier: base64url SHA-256, unpadded. */
export async function codeChallengeFor(verifier: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A solved challenge, as `requestMagicLink` sends it (`proof_of_work`). */
export type ProofOfWork = NonNullable<RequestMagicLinkBody['proof_of_work']>;

/**
 * Solves a challenge from `getChallenge()` with WebCrypto: tries the numbers up to `maxnumber`, a batch
 * of digests at a time, until SHA-256 of the salt and the number is the challenge (about half of
 * `maxnumber` hashes on average).
 */
export async function solveChallenge(issued: GetChallengeData): Promise<ProofOfWork> {
  const target = issued.challenge.match(/../g)!.map((pair) => parseInt(pair, 16));
  const encoder = new TextEncoder();
  for (let start = 0; start <= issued.maxnumber; start += 1000) {
    const numbers = Array.from({ length: Math.min(1000, issued.maxnumber + 1 - start) }, (_, i) => start + i);
    const digests = await Promise.all(numbers.map((n) => globalThis.crypto.subtle.digest('SHA-256', encoder.encode(issued.salt + n))));
    const found = digests.findIndex((digest) => new Uint8Array(digest).every((byte, i) => byte === target[i]));
    if (found >= 0) return { algorithm: issued.algorithm, challenge: issued.challenge, number: start + found, salt: issued.salt, signature: issued.signature };
  }
  throw new Error('the challenge has no solution up to its maxnumber');
}

export interface MagicLinkClientOptions {
  /** The API's base URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com`. */
  readonly baseUrl: string;
  /** A `fetch` to use instead of the global one. */
  readonly fetch?: typeof fetch;
  /**
   * The language of every result's `userMessage` (English by default), e.g.
   * `import { messages } from 'magic-link-auth/messages/de'`.
   */
  readonly messages?: MessageStrings;
}

interface Envelope {
  success: boolean;
  data?: unknown;
  error?: string;
  message?: string;
  details?: FieldIssue[];
  retry_after?: number | null;
  doc_url?: string;
  request_id?: string;
}

export class MagicLinkClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly messages: MessageStrings;

  constructor(options: MagicLinkClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.messages = options.messages ?? englishMessages;
  }

  /**
   * `POST /v1/auth/magic-link`: mails a single-use sign-in link and code. Same answer for known and
   * unknown addresses. Pass `codeChallenge` (see `createPkcePair`) to bind the sign-in to this browser,
   * and `redirectTo` (allowlisted by the deployment) for the hosted page to go to after sign-in, or
   * `authorizationRequest` (what `/oauth2/authorize` was opened with) for an OpenID Connect client.
   * `locale` (BCP 47) asks for the mail in that language when the deployment speaks it.
   * When the deployment is under pressure (`magic_link_challenge_required`) it gets a challenge, solves
   * it (`solveChallenge`) and asks once more, unless `solveChallenge: false`; `proofOfWork` sends one
   * already solved.
   */
  async requestMagicLink(
    email: string,
    options: { codeChallenge?: string; redirectTo?: string; authorizationRequest?: RequestMagicLinkBody['authorization_request']; locale?: string; proofOfWork?: ProofOfWork; solveChallenge?: boolean } = {},
  ): Promise<Result<MagicLinkRequested, RequestMagicLinkError>> {
    const body: RequestMagicLinkBody = {
      email,
      ...(options.codeChallenge === undefined ? {} : { code_challenge: options.codeChallenge }),
      ...(options.redirectTo === undefined ? {} : { redirect_to: options.redirectTo }),
      ...(options.authorizationRequest === undefined ? {} : { authorization_request: options.authorizationRequest }),
      ...(options.locale === undefined ? {} : { locale: options.locale }),
      ...(options.proofOfWork === undefined ? {} : { proof_of_work: options.proofOfWork }),
    };
    const result = await this.call<MagicLinkRequested, RequestMagicLinkError>('POST', '/v1/auth/magic-link', { body });
    if (result.ok || result.error !== 'magic_link_challenge_required' || options.solveChallenge === false || options.proofOfWork !== undefined) return result;
    const issued = await this.getChallenge();
    if (!issued.ok) return result;
    return this.requestMagicLink(email, { ...options, proofOfWork: await solveChallenge(issued.data) });
  }

  /** `GET /v1/auth/challenge`: a proof-of-work challenge to solve (`solveChallenge`) when a link request asks for one. */
  getChallenge(): Promise<Result<GetChallengeData, GetChallengeError>> {
    return this.call('GET', '/v1/auth/challenge', {});
  }

  /**
   * `POST /v1/auth/verify`: consumes the link's token (from `#token=` in the link) and starts a
   * session. A bound link also needs the `codeVerifier` this browser kept.
   */
  verify(token: string, options: { codeVerifier?: string } = {}): Promise<Result<SignedIn, VerifyError>> {
    const body: VerifyBody = { token, ...(options.codeVerifier === undefined ? {} : { code_verifier: options.codeVerifier }) };
    return this.call('POST', '/v1/auth/verify', { body });
  }

  /** `POST /v1/auth/verify` with the 6-digit code from the email instead of the link. */
  verifyCode(email: string, code: string, options: { codeVerifier?: string } = {}): Promise<Result<SignedIn, VerifyError>> {
    const body: VerifyBody = { email, code, ...(options.codeVerifier === undefined ? {} : { code_verifier: options.codeVerifier }) };
    return this.call('POST', '/v1/auth/verify', { body });
  }

  /** `GET /v1/auth/session`: the session a token belongs to. */
  getSession(sessionToken: string): Promise<Result<ActiveSession, GetSessionError>> {
    return this.call('GET', '/v1/auth/session', { sessionToken });
  }

  /**
   * `POST /v1/auth/token`: a new access token (a short-lived RS256 JWT for your own backend) while the
   * session lives; `session_invalid` once it is signed out or expired.
   */
  refreshAccessToken(sessionToken: string): Promise<Result<RefreshedAccessToken, RefreshAccessTokenError>> {
    return this.call('POST', '/v1/auth/token', { sessionToken });
  }

  /** `POST /v1/auth/sign-out`: revokes the session at once; `everywhere` revokes every session of its address. */
  signOut(sessionToken: string, options: { everywhere?: boolean } = {}): Promise<Result<SignedOut, SignOutError>> {
    return this.call('POST', '/v1/auth/sign-out', { sessionToken, ...(options.everywhere ? { body: { everywhere: true } } : {}) });
  }

  private async call<T, C extends ErrorCode>(
    method: string,
    path: string,
    options: { body?: unknown; sessionToken?: string },
  ): Promise<Result<T, C>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.sessionToken !== undefined) headers.authorization = `Bearer ${options.sessionToken}`;
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch (cause) {
      throw new MagicLinkTransportError(`${method} ${path} failed: ${(cause as Error).message}`, undefined, { cause });
    }
    let envelope: Envelope;
    try {
      envelope = (await response.json()) as Envelope;
    } catch (cause) {
      throw new MagicLinkTransportError(`${method} ${path} answered ${response.status} without a JSON body`, response.status, { cause });
    }
    if (envelope.success === true && response.ok) {
      return { ok: true, status: response.status, data: envelope.data as T, requestId: envelope.request_id ?? '' };
    }
    const code = envelope.error;
    if (envelope.success !== false || typeof code !== 'string' || !(code in ERROR_STATUS)) {
      throw new MagicLinkTransportError(`${method} ${path} answered ${response.status} with a body that is not this API's envelope`, response.status);
    }
    const retryAfterSeconds = envelope.retry_after ?? null;
    const details = envelope.details ?? [];
    return {
      ok: false,
      status: response.status,
      error: code as C,
      message: envelope.message ?? '',
      details,
      retryAfterSeconds,
      docUrl: envelope.doc_url ?? '',
      requestId: envelope.request_id ?? '',
      userMessage: userMessage(code as ErrorCode, retryAfterSeconds, details, this.messages),
    };
  }
}

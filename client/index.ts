/**
 * A typed client for the magic-link sign-in API. No runtime dependency beyond `fetch`.
 *
 * Every method resolves to a discriminated union: `{ ok: true, data }` or `{ ok: false, error, ... }`
 * where `error` is one of the codes that route can really give. It never retries by itself (least of
 * all a 429): it tells you `retryAfterSeconds` and gives a `userMessage` you can show as it is.
 * It throws only when no API answered (network failure, or a body that is not this API's envelope).
 */
import {
  ERROR_STATUS,
  type ErrorCode,
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

const minutes = (seconds: number | null) => Math.max(1, Math.ceil((seconds ?? 3600) / 60));

/** The sentence to show a person for each code. */
export function userMessage(code: ErrorCode, retryAfterSeconds: number | null, details: readonly FieldIssue[] = []): string {
  switch (code) {
    case 'magic_link_ip_limit_exceeded':
      return `Too many sign-in requests from your network. Please try again in ${minutes(retryAfterSeconds)} minutes.`;
    case 'magic_link_email_limit_exceeded':
      return `Too many sign-in links were requested for this email address. Please check your inbox (and spam folder), or try again in ${minutes(retryAfterSeconds)} minutes.`;
    case 'magic_link_capacity_exceeded':
      return `Sign-in emails are paused for a while because of unusually high demand. Please try again in ${minutes(retryAfterSeconds)} minutes.`;
    case 'magic_link_already_used':
      return "This sign-in link was already used. If you're already signed in elsewhere, use that session. Otherwise, request a fresh link.";
    case 'magic_link_device_mismatch':
      return 'This sign-in was requested on another device or browser. Open the link there, or type the 6-digit code from the email on the device where you asked to sign in.';
    case 'magic_link_code_invalid':
      return "That code isn't right. Check the 6-digit code in your most recent sign-in email and try again.";
    case 'magic_link_code_attempts_exceeded':
      return `Too many wrong codes were entered for this email address. Please use the link in the email, or try again in ${minutes(retryAfterSeconds)} minutes.`;
    case 'magic_link_code_ip_limit_exceeded':
      return `Too many wrong codes were entered from this network. Please use the link in the email, or try again in ${minutes(retryAfterSeconds)} minutes.`;
    case 'magic_link_expired':
      return 'This sign-in link has expired. Please request a fresh link.';
    case 'magic_link_not_found':
      return "This sign-in link isn't valid. Make sure you opened the whole link from your most recent email, or request a fresh one.";
    case 'session_invalid':
      return 'Your session has ended. Please sign in again.';
    case 'sign_in_not_allowed':
      return "This email address can't be used to sign in here. Please use another address, or ask the service's operators to admit this one.";
    case 'validation_failed':
      return details.some((d) => d.field === 'email')
        ? 'Please enter a valid email address.'
        : details.some((d) => d.field === 'code')
          ? 'Please enter the 6-digit code from the email.'
          : details.some((d) => d.field === 'token')
          ? "This sign-in link isn't complete. Open the whole link from your email, or request a fresh one."
          : 'Some of the information sent was not valid. Please check it and try again.';
    case 'email_delivery_failed':
      return "We couldn't send the sign-in email. Please check the address and try again in a moment.";
    case 'service_unavailable':
      return `The service is busy right now. Please try again in ${retryAfterSeconds ?? 5} seconds.`;
    case 'invalid_json':
    case 'payload_too_large':
    case 'unsupported_media_type':
    case 'route_not_found':
    case 'method_not_allowed':
    case 'internal_error':
      return 'Something went wrong. Please try again later.';
  }
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

export interface MagicLinkClientOptions {
  /** The API's base URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com`. */
  readonly baseUrl: string;
  /** A `fetch` to use instead of the global one. */
  readonly fetch?: typeof fetch;
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

  constructor(options: MagicLinkClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
  }

  /**
   * `POST /v1/auth/magic-link`: mails a single-use sign-in link and code. Same answer for known and
   * unknown addresses. Pass `codeChallenge` (see `createPkcePair`) to bind the sign-in to this browser,
   * and `redirectTo` (allowlisted by the deployment) for the hosted page to go to after sign-in, or
   * `authorizationRequest` (what `/oauth2/authorize` was opened with) for an OpenID Connect client.
   * `locale` (BCP 47) asks for the mail in that language when the deployment speaks it.
   */
  requestMagicLink(
    email: string,
    options: { codeChallenge?: string; redirectTo?: string; authorizationRequest?: RequestMagicLinkBody['authorization_request']; locale?: string } = {},
  ): Promise<Result<MagicLinkRequested, RequestMagicLinkError>> {
    const body: RequestMagicLinkBody = {
      email,
      ...(options.codeChallenge === undefined ? {} : { code_challenge: options.codeChallenge }),
      ...(options.redirectTo === undefined ? {} : { redirect_to: options.redirectTo }),
      ...(options.authorizationRequest === undefined ? {} : { authorization_request: options.authorizationRequest }),
      ...(options.locale === undefined ? {} : { locale: options.locale }),
    };
    return this.call('POST', '/v1/auth/magic-link', { body });
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
      userMessage: userMessage(code as ErrorCode, retryAfterSeconds, details),
    };
  }
}

/**
 * The hosted page as an OpenID Connect provider (authorization code flow with PKCE): the registered
 * clients, the authorization request's checks, and the token endpoint's grants. Pure orchestration
 * over the store, signer and client-secret ports; OAuth's error codes only (the handlers map them to HTTP).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { accessTokenClaims, sessionIdClaim, signingInput, type AccessTokenSettings } from './access-tokens';
import { CHALLENGE_PATTERN, VERIFIER_PATTERN, challengeFor } from './codes';
import { ipRateLimitKey } from './ip';
import { rateLimitWindow } from './limits';
import type { ClientSecrets, OidcStore, SignInMethod, TokenSigner } from './ports';
import { TOKEN_SOURCE, generateToken, hashToken } from './tokens';

export type OidcClientType = 'public' | 'confidential';

/** A registered client, as the construct's `oidcClients` prop gives it (its secret lives in Secrets Manager). */
export interface OidcClient {
  readonly clientId: string;
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly type: OidcClientType;
}

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._-]{3,64}$/;

/** How long an authorization code works: at most a minute (RFC 6749 §4.1.2 advises 10 minutes at most). */
export const AUTHORIZATION_CODE_LIFETIME_SECONDS = 60;

/** The scopes this provider knows; others in a request are ignored (RFC 6749 §3.3). */
export const SCOPES = ['openid', 'email'] as const;

/** The claims the ID token and UserInfo may carry. */
export const CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'sid', 'email', 'email_verified'] as const;

/** `state` and `nonce` are the client's own opaque values; a bound on their size keeps them off the body limit. */
const MAX_OPAQUE_LENGTH = 1024;

/**
 * Failed client authentications one client may have from one network in an hour before that network's
 * failures are answered "try later" (a correct secret still works): per network, so no one elsewhere
 * can lock a client out, and the secrets (48+ random characters) are not guessable anyway.
 */
export const CLIENT_FAILURES_PER_HOUR = 20;

/** True for https URLs, and for http on a loopback host. */
function acceptableUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** A redirect URI in its normalized form (the comparison's), or null when it cannot be one. */
export function normalizeRedirectUri(uri: unknown): string | null {
  if (typeof uri !== 'string' || uri.includes('#') || !URL.canParse(uri)) return null;
  const url = new URL(uri);
  return acceptableUrl(url) ? url.href : null;
}

/** Checks the registry (the construct at synth, the functions at start): a problem, or the clients normalized. */
export function checkOidcClients(value: unknown): { ok: true; clients: OidcClient[] } | { ok: false; problem: string } {
  if (!Array.isArray(value)) return { ok: false, problem: 'must be a list of clients' };
  const clients: OidcClient[] = [];
  for (const entry of value as Partial<OidcClient>[]) {
    const id = entry?.clientId;
    if (typeof id !== 'string' || !CLIENT_ID_PATTERN.test(id)) return { ok: false, problem: `clientId must be 3 to 64 characters of A-Z, a-z, 0-9, ".", "_", "-", got "${String(id)}"` };
    if (clients.some((client) => client.clientId === id)) return { ok: false, problem: `clientId "${id}" is registered twice` };
    if (typeof entry.name !== 'string' || entry.name.trim() === '' || entry.name.length > 100) return { ok: false, problem: `client ${id}: name must be 1 to 100 characters` };
    if (entry.type !== 'public' && entry.type !== 'confidential') return { ok: false, problem: `client ${id}: type must be "public" or "confidential"` };
    if (!Array.isArray(entry.redirectUris) || entry.redirectUris.length === 0) return { ok: false, problem: `client ${id}: redirectUris must list at least one URI` };
    const uris: string[] = [];
    for (const uri of entry.redirectUris) {
      const normalized = normalizeRedirectUri(uri);
      if (normalized === null) return { ok: false, problem: `client ${id}: redirect URI "${String(uri)}" must be an absolute https URL (http only on a loopback host) without a fragment` };
      uris.push(normalized);
    }
    clients.push({ clientId: id, name: entry.name.trim(), redirectUris: uris, type: entry.type });
  }
  return { ok: true, clients };
}

/** What a valid authorization request asks, as the link keeps it until sign-in. */
export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  /** The granted scopes, space-separated: `openid`, and `email` when asked. */
  readonly scope: string;
  readonly state?: string;
  readonly nonce?: string;
  /** PKCE S256 challenge: required of public clients. */
  readonly codeChallenge?: string;
}

/** OAuth's error codes this provider answers with (RFC 6749 §4.1.2.1 and §5.2, OpenID Connect Core §3.1.2.6). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type';

export type AuthorizeOutcome =
  | { readonly kind: 'ok'; readonly client: OidcClient; readonly request: AuthorizationRequest }
  /** The client or the redirect URI cannot be trusted: shown on a page, never redirected to (RFC 6749 §4.1.2.1). */
  | { readonly kind: 'error_page'; readonly problem: string }
  /** Anything else: sent back to the redirect URI. */
  | { readonly kind: 'redirect_error'; readonly redirectUri: string; readonly error: OAuthErrorCode; readonly description: string; readonly state?: string };

/** The parameters of an authorization request, each at most once (a repeated one is `null`). */
export type AuthorizeParameters = Readonly<Record<string, string | null | undefined>>;

/**
 * Checks an authorization request against the registry: the client and the redirect URI first (an
 * error page when either is wrong), then the rest (errors sent back to the redirect URI).
 */
export function checkAuthorizationRequest(clients: readonly OidcClient[], params: AuthorizeParameters): AuthorizeOutcome {
  const clientId = params.client_id;
  const client = clients.find((candidate) => candidate.clientId === clientId);
  if (client === undefined) return { kind: 'error_page', problem: clientId ? 'This app is not registered with the sign-in service.' : 'The request names no app (client_id).' };
  const redirectUri = normalizeRedirectUri(params.redirect_uri);
  if (redirectUri === null || !client.redirectUris.includes(redirectUri)) {
    return { kind: 'error_page', problem: 'The address to return to (redirect_uri) is not one this app registered.' };
  }
  const state = params.state ?? undefined;
  const fail = (error: OAuthErrorCode, description: string): AuthorizeOutcome => ({ kind: 'redirect_error', redirectUri, error, description, ...(state === undefined ? {} : { state }) });
  const repeated = Object.entries(params).find(([, value]) => value === null);
  if (repeated) return fail('invalid_request', `${repeated[0]} is repeated`);
  return checkParameters(client, redirectUri, params as Readonly<Record<string, string | undefined>>, state, fail);
}

function checkParameters(
  client: OidcClient,
  redirectUri: string,
  params: Readonly<Record<string, string | undefined>>,
  state: string | undefined,
  fail: (error: OAuthErrorCode, description: string) => AuthorizeOutcome,
): AuthorizeOutcome {
  if (state !== undefined && state.length > MAX_OPAQUE_LENGTH) return fail('invalid_request', `state is longer than ${MAX_OPAQUE_LENGTH} characters`);
  if (params.request !== undefined) return fail('request_not_supported', 'request objects are not supported');
  if (params.request_uri !== undefined) return fail('request_uri_not_supported', 'request_uri is not supported');
  if (params.response_type === undefined) return fail('invalid_request', 'response_type is required');
  if (params.response_type !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');
  const scopes = (params.scope ?? '').split(' ').filter(Boolean);
  if (!scopes.includes('openid')) return fail('invalid_scope', 'scope must include openid');
  if (params.nonce !== undefined && (params.nonce === '' || params.nonce.length > MAX_OPAQUE_LENGTH)) return fail('invalid_request', `nonce must be 1 to ${MAX_OPAQUE_LENGTH} characters`);
  if (params.code_challenge_method !== undefined && params.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  const challenge = params.code_challenge;
  if (challenge === undefined && client.type === 'public') return fail('invalid_request', 'code_challenge (PKCE, S256) is required');
  if (challenge !== undefined && !CHALLENGE_PATTERN.test(challenge)) return fail('invalid_request', 'code_challenge must be the base64url SHA-256 of a code_verifier');
  if (challenge !== undefined && params.code_challenge_method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
  // No session to reuse silently: every sign-in needs the person.
  if ((params.prompt ?? '').split(' ').includes('none')) return fail('login_required', 'signing in needs the person');
  return {
    kind: 'ok',
    client,
    request: {
      clientId: client.clientId,
      redirectUri,
      scope: SCOPES.filter((scope) => scopes.includes(scope)).join(' '),
      ...(state === undefined ? {} : { state }),
      ...(params.nonce === undefined ? {} : { nonce: params.nonce }),
      ...(challenge === undefined ? {} : { codeChallenge: challenge }),
    },
  };
}

/** The redirect URI with these parameters added to its query (kept in their order). */
export function withQuery(redirectUri: string, parameters: Readonly<Record<string, string | undefined>>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}

/** A refresh token: `<family id>.<secret>`; the family is found by its id, the secret checked by its hash. */
const REFRESH_TOKEN_PATTERN = new RegExp(`^(${TOKEN_SOURCE})\\.(${TOKEN_SOURCE})$`);

/** An authorization code: 256 random bits, base64url. */
const AUTHORIZATION_CODE_PATTERN = new RegExp(`^${TOKEN_SOURCE}$`);

/** What verify stores for a sign-in that came through `/oauth2/authorize`. */
export interface NewAuthorizationCode {
  /** The code's SHA-256: the item's identity. */
  readonly codeHash: string;
  readonly request: AuthorizationRequest;
  readonly userId: string;
  readonly email: string;
  readonly signInId: string;
  /** When the person signed in. */
  readonly authTime: number;
  readonly method: SignInMethod;
  /** The session's end: the refresh tokens die with it. */
  readonly sessionExpiresAt: number;
  readonly expiresAt: number;
  readonly retainUntil: number;
}

/** Issues a code for a completed sign-in: the code itself (for the redirect) and what the store keeps. */
export function newAuthorizationCode(subject: Omit<NewAuthorizationCode, 'codeHash' | 'expiresAt' | 'retainUntil'>, retentionSeconds: number): { code: string; item: NewAuthorizationCode } {
  const code = generateToken();
  const expiresAt = subject.authTime + AUTHORIZATION_CODE_LIFETIME_SECONDS;
  return { code, item: { ...subject, codeHash: hashToken(code), expiresAt, retainUntil: expiresAt + retentionSeconds } };
}

/** Where the hosted page sends the person after a sign-in with an authorization request (RFC 9207's `iss` included). */
export function authorizationResponse(request: AuthorizationRequest, code: string, issuer: string): string {
  return withQuery(request.redirectUri, { code, state: request.state, iss: issuer });
}

/** A token endpoint refusal: OAuth's code and a description safe to show. */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    /** How the client authenticated when `invalid_client`: `basic` asks for a `WWW-Authenticate` challenge. */
    readonly options: { readonly scheme?: 'basic'; readonly retryAfterSeconds?: number } = {},
  ) {
    super(`${error}: ${description}`);
    this.name = 'OAuthError';
  }
}

/** The client's credentials as the request carried them. */
export interface ClientCredentials {
  readonly clientId?: string;
  readonly secret?: string;
  /** `basic`: the Authorization header; `post`: the form; `none`: client_id only. */
  readonly method: 'basic' | 'post' | 'none';
}

export interface TokenRequest {
  readonly grantType?: string;
  readonly code?: string;
  readonly redirectUri?: string;
  readonly codeVerifier?: string;
  readonly refreshToken?: string;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly refresh_token: string;
  readonly scope: string;
  readonly id_token?: string;
}

/** Constant-time comparison of a presented secret with the stored one (hashed first: equal lengths). */
function secretsEqual(presented: string, stored: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(stored)) && presented.length === stored.length;
}

export type OidcSettings = AccessTokenSettings & { readonly sessionRetentionSeconds: number };

/** The token endpoint: client authentication, the code exchange and refresh-token rotation. */
export class OidcTokenService {
  constructor(
    private readonly store: OidcStore,
    private readonly signer: TokenSigner,
    private readonly secrets: ClientSecrets,
    private readonly clients: readonly OidcClient[],
    private readonly settings: OidcSettings,
  ) {}

  /** Authenticates the client (RFC 6749 §2.3), counting failures per client and network. */
  async authenticate(credentials: ClientCredentials, sourceIp: string, now: Date): Promise<OidcClient> {
    const scheme = credentials.method === 'basic' ? { scheme: 'basic' as const } : {};
    const client = this.clients.find((candidate) => candidate.clientId === credentials.clientId);
    if (client === undefined) throw new OAuthError('invalid_client', 'unknown client', scheme);
    if (client.type === 'public') {
      if (credentials.secret !== undefined) throw new OAuthError('invalid_client', 'a public client has no secret', scheme);
      return client;
    }
    const stored = await this.secrets.get(client.clientId);
    if (credentials.secret !== undefined && stored !== undefined && secretsEqual(credentials.secret, stored)) return client;
    const ipKey = ipRateLimitKey(sourceIp);
    // API Gateway always sends one; a direct invocation may not, and that is the caller's error.
    if (ipKey === null) throw new OAuthError('invalid_request', 'the request has no valid source address', scheme);
    const window = rateLimitWindow(Math.floor(now.getTime() / 1000));
    const counted = await this.store.countClientFailure({ clientId: client.clientId, ipKey, window, limit: CLIENT_FAILURES_PER_HOUR });
    if (counted === 'limit_exceeded') {
      throw new OAuthError('invalid_client', 'too many failed client authentications from this network; try again later', { ...scheme, retryAfterSeconds: Math.max(1, window.end - Math.floor(now.getTime() / 1000)) });
    }
    throw new OAuthError('invalid_client', credentials.secret === undefined ? 'client authentication is required' : 'client authentication failed', scheme);
  }

  async token(client: OidcClient, request: TokenRequest, now: Date): Promise<TokenResponse> {
    if (request.grantType === 'authorization_code') return this.exchangeCode(client, request, now);
    if (request.grantType === 'refresh_token') return this.refresh(client, request, now);
    if (request.grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
    throw new OAuthError('unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  }

  private async exchangeCode(client: OidcClient, request: TokenRequest, now: Date): Promise<TokenResponse> {
    if (!request.code) throw new OAuthError('invalid_request', 'code is required');
    if (!request.redirectUri) throw new OAuthError('invalid_request', 'redirect_uri is required');
    if (request.codeVerifier !== undefined && !VERIFIER_PATTERN.test(request.codeVerifier)) throw new OAuthError('invalid_request', 'code_verifier must be 43 to 128 unreserved characters');
    if (client.type === 'public' && request.codeVerifier === undefined) throw new OAuthError('invalid_request', 'code_verifier is required');
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (!AUTHORIZATION_CODE_PATTERN.test(request.code)) throw new OAuthError('invalid_grant', 'the code is invalid, expired or used');
    const familyId = generateToken();
    const consumed = await this.store.exchangeAuthorizationCode({
      codeHash: hashToken(request.code),
      clientId: client.clientId,
      redirectUri: normalizeRedirectUri(request.redirectUri) ?? request.redirectUri,
      ...(request.codeVerifier === undefined ? {} : { challenge: challengeFor(request.codeVerifier) }),
      now: nowSeconds,
      familyId,
    });
    if (consumed.outcome !== 'exchanged') {
      // A code used twice was stolen or replayed: what its first use issued is revoked (RFC 6749 §4.1.2).
      if (consumed.outcome === 'used' && consumed.familyId !== undefined) await this.store.revokeRefreshFamily({ familyId: consumed.familyId, now: nowSeconds });
      throw new OAuthError('invalid_grant', 'the code is invalid, expired or used, or was issued for another client, redirect_uri or code_verifier');
    }
    const { code } = consumed;
    const secret = generateToken();
    const created = await this.store.createRefreshFamily({
      familyId,
      refreshHash: hashToken(secret),
      clientId: client.clientId,
      scope: code.scope,
      userId: code.userId,
      email: code.email,
      signInId: code.signInId,
      authTime: code.authTime,
      sessionExpiresAt: code.sessionExpiresAt,
      retainUntil: code.sessionExpiresAt + this.settings.sessionRetentionSeconds,
    });
    // A second use of the code revoked the family before this one could start it.
    if (created === 'revoked') throw new OAuthError('invalid_grant', 'the code was used more than once');
    const subject = { userId: code.userId, email: code.email, signInId: code.signInId };
    const [accessToken, idToken] = await Promise.all([
      this.sign(accessTokenClaims(this.settings, subject, nowSeconds)),
      this.sign({
        iss: this.settings.issuer,
        sub: code.userId,
        aud: client.clientId,
        exp: nowSeconds + this.settings.accessTokenLifetimeSeconds,
        iat: nowSeconds,
        auth_time: code.authTime,
        ...(code.nonce === undefined ? {} : { nonce: code.nonce }),
        // A one-time secret sent to the address (the link, or its code): RFC 8176's `otp`.
        amr: ['otp'],
        sid: sessionIdClaim(code.signInId),
        email: code.email,
        email_verified: true,
      }),
    ]);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.settings.accessTokenLifetimeSeconds, refresh_token: `${familyId}.${secret}`, scope: code.scope, id_token: idToken };
  }

  private async refresh(client: OidcClient, request: TokenRequest, now: Date): Promise<TokenResponse> {
    if (!request.refreshToken) throw new OAuthError('invalid_request', 'refresh_token is required');
    const match = REFRESH_TOKEN_PATTERN.exec(request.refreshToken);
    const invalid = new OAuthError('invalid_grant', 'the refresh token is invalid, revoked, or its session ended');
    if (match === null) throw invalid;
    const [, familyId, presented] = match as unknown as [string, string, string];
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const secret = generateToken();
    const rotated = await this.store.rotateRefreshToken({ familyId, refreshHash: hashToken(presented), nextHash: hashToken(secret), clientId: client.clientId, now: nowSeconds });
    if (rotated.outcome !== 'rotated') {
      // A rotated token came back: one of two holders is not the client, so the family ends (RFC 9700 §4.14.2).
      if (rotated.outcome === 'reused') await this.store.revokeRefreshFamily({ familyId, now: nowSeconds });
      throw invalid;
    }
    const { family } = rotated;
    // Refresh tokens live as long as their session: signed out (here or everywhere) or expired, they stop.
    const session = await this.store.getSession(family.signInId);
    if (session === null || session.revokedAt !== undefined || (session.sessionExpiresAt ?? 0) <= nowSeconds) throw invalid;
    const accessToken = await this.sign(accessTokenClaims(this.settings, { userId: family.userId, email: family.email, signInId: family.signInId }, nowSeconds));
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.settings.accessTokenLifetimeSeconds, refresh_token: `${familyId}.${secret}`, scope: family.scope };
  }

  private async sign(claims: object): Promise<string> {
    const input = signingInput({ alg: 'RS256', typ: 'JWT', kid: this.signer.keyId }, claims);
    const { signature } = await this.signer.sign(input);
    return `${input}.${signature.toString('base64url')}`;
  }
}

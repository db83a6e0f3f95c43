import { randomBytes } from 'node:crypto';
import type { TokenSigner } from './ports';
import { hashToken } from './tokens';

/** The settings an access token is made with, under the names `lambdas/settings.ts` gives them. */
export interface AccessTokenSettings {
  /** Seconds an access token is good for: the most a signed-out session's last token still works. */
  readonly accessTokenLifetimeSeconds: number;
  /** `iss`: where verifiers find `/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** `aud`: what a verifier (API Gateway's JWT authorizer) expects. */
  readonly audience: string;
}

/** Whom a token is for: a live session's user and its sign-in. */
export interface TokenSubject {
  readonly userId: string;
  readonly email: string;
  /** The session's sign-in id: only a one-way hash of it goes into the token (`sid`). */
  readonly signInId: string;
}

export interface AccessToken {
  readonly token: string;
  readonly expiresAt: Date;
}

export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly jti: string;
  readonly sid: string;
  readonly email: string;
  readonly email_verified: true;
}

/**
 * `sid`: the same for every token of one session and different for each session, without revealing
 * anything that works: the sign-in id (itself the link token's hash, and the session token's first
 * half) hashed again under a label of its own, so it cannot be turned back into the session token's id.
 */
export function sessionIdClaim(signInId: string): string {
  return hashToken(`sid:${signInId}`);
}

/** The claims of a token issued at `nowSeconds`. */
export function accessTokenClaims(settings: AccessTokenSettings, subject: TokenSubject, nowSeconds: number): AccessTokenClaims {
  return {
    iss: settings.issuer,
    sub: subject.userId,
    aud: settings.audience,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + settings.accessTokenLifetimeSeconds,
    jti: randomBytes(16).toString('base64url'),
    sid: sessionIdClaim(subject.signInId),
    email: subject.email,
    email_verified: true,
  };
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** What JWS signs (RFC 7515): the base64url header and claims joined by a dot. */
export function signingInput(header: { readonly alg: 'RS256'; readonly typ: 'JWT'; readonly kid: string }, claims: object): string {
  return `${encode(header)}.${encode(claims)}`;
}

/** Issues RS256 access tokens (JWTs) with the deployment's current signing key. */
export class AccessTokens {
  constructor(
    private readonly signer: TokenSigner,
    private readonly settings: AccessTokenSettings,
  ) {}

  async issue(subject: TokenSubject, now: Date): Promise<AccessToken> {
    const claims = accessTokenClaims(this.settings, subject, Math.floor(now.getTime() / 1000));
    const input = signingInput({ alg: 'RS256', typ: 'JWT', kid: this.signer.keyId }, claims);
    const { signature } = await this.signer.sign(input);
    return { token: `${input}.${signature.toString('base64url')}`, expiresAt: new Date(claims.exp * 1000) };
  }
}

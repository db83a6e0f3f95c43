import { TOKEN_SOURCE, generateToken, hashToken } from './tokens';

/**
 * A session token is `<sign-in id>.<secret>`: the id locates the sign-in record (it is the stored
 * hash of the link token, useless for signing in), the secret is 256 fresh random bits of which only
 * a hash is stored. This split-token form lets one conditional write both consume the link and start
 * the session, and one consistent read check a session, without a secondary index.
 */
export const SESSION_TOKEN_PATTERN = new RegExp(`^(${TOKEN_SOURCE})\\.(${TOKEN_SOURCE})$`);

export interface IssuedSession {
  /** Handed to the caller once; never stored. */
  readonly token: string;
  /** What the store keeps to recognise the token. */
  readonly secretHash: string;
}

export function issueSessionToken(signInId: string): IssuedSession {
  const secret = generateToken();
  return { token: `${signInId}.${secret}`, secretHash: hashToken(secret) };
}

export interface ParsedSessionToken {
  readonly signInId: string;
  readonly secretHash: string;
}

/** Splits a session token, or returns null when it does not have the shape this service issues. */
export function parseSessionToken(token: string): ParsedSessionToken | null {
  const match = SESSION_TOKEN_PATTERN.exec(token);
  if (!match) return null;
  return { signInId: match[1]!, secretHash: hashToken(match[2]!) };
}

/** Reads the token out of an `Authorization: Bearer <token>` header value. */
export function bearerToken(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(authorization);
  return match ? match[1]! : null;
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random bytes in every link and session secret: 256 bits. */
export const TOKEN_BYTES = 32;

/** base64url of 32 bytes, unpadded: exactly 43 characters of [A-Za-z0-9_-]. The one place this shape is written. */
export const TOKEN_SOURCE = '[A-Za-z0-9_-]{43}';
export const TOKEN_PATTERN = new RegExp(`^${TOKEN_SOURCE}$`);

/** A new 256-bit secret from the operating system's CSPRNG, base64url-encoded. */
export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** True when `value` has the exact shape of a token this service issues. */
export function isWellFormedToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/**
 * SHA-256 of a token, base64url. Only this is stored: a copy of the table cannot be turned back
 * into a working link or session. (The tokens are 256-bit random, so an unsalted fast hash is the
 * right tool: there is nothing to brute-force.)
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Constant-time comparison of two hashes produced by `hashToken`. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * SHA-256 of an email address, hex: groups an address's sign-ins in the table (`user_hash`), which holds
 * the address anyway. Logs and counter keys use the keyed `emailHash` instead.
 */
export function userHash(email: string): string {
  return createHash('sha256').update(email, 'utf8').digest('hex');
}

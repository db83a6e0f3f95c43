import { createHash, createHmac, randomInt } from 'node:crypto';
import { inboxOf } from './email';
import { TOKEN_PATTERN } from './tokens';

/**
 * The one-time code mailed with each link, and the browser binding (RFC 7636's S256 method).
 *
 * A 6-digit code has only 10^6 values, so its stored hash is keyed with a secret the table does not
 * hold: a copy of the table alone yields no live code. Guessing is bounded by a per-address budget of
 * wrong codes (`AttemptBudget`).
 */

/** Exactly six decimal digits. */
export const CODE_PATTERN = /^[0-9]{6}$/;

/** RFC 7636 `code_verifier`: 43 to 128 unreserved characters. */
export const VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

/** RFC 7636 S256 `code_challenge`: base64url SHA-256, unpadded, the same shape as a token. */
export const CHALLENGE_PATTERN = TOKEN_PATTERN;

/** A uniformly random code from the operating system's CSPRNG, leading zeros kept. */
export function generateCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The S256 challenge of a verifier: what the requesting browser sent when it asked for the link. */
export function challengeFor(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * An address as logs (`email_hash`) and rate-limit counters name it: an HMAC under the deployment's
 * secret, so a log line or a counter key cannot be turned back into the address by hashing a list of
 * guesses. It names the inbox (`inboxOf`): `ada+1@` and `ada@` share their limits, since they share a
 * mailbox. (The table's `user_hash`, the user's key, is the unkeyed `userHash` of the exact address.)
 */
export function emailHash(secret: string, email: string): string {
  return createHmac('sha256', secret).update(`address\n${inboxOf(email)}`, 'utf8').digest('hex');
}

/**
 * What the table keeps of a code: an HMAC of the address and the code under the deployment's secret,
 * so a copy of the table yields no code without the secret.
 */
export function codeHash(secret: string, email: string, code: string): string {
  return createHmac('sha256', secret).update(`${email}\n${code}`, 'utf8').digest('base64url');
}

/**
 * Proof-of-work challenges in ALTCHA's open shape (algorithm SHA-256; a salt carrying its expiry; the
 * challenge, SHA-256 of the salt and a secret number up to `maxnumber`; an HMAC signature of the
 * challenge). Stateless: nothing is stored when one is issued, the signature proves it is ours, the
 * salt says until when, and single use is the store's (the challenge written once, in the request's
 * own transaction). Loaded only by the requests that carry or ask for one.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** How long a challenge can be solved and used for: minutes for a browser's seconds of work. */
export const CHALLENGE_LIFETIME_SECONDS = 300;

export const POW_ALGORITHM = 'SHA-256';

/** What the challenge route gives a client: what to find, and the proof it is ours. */
export interface PowChallenge {
  readonly algorithm: typeof POW_ALGORITHM;
  /** SHA-256 (hex) of `salt` followed by the number to find. */
  readonly challenge: string;
  /** The number is at most this: the work is about half of it in hashes. */
  readonly maxnumber: number;
  /** Random, ending `?expires=<epoch seconds>`. */
  readonly salt: string;
  /** HMAC-SHA-256 (hex) of `challenge` under the deployment's key. */
  readonly signature: string;
}

/** A solved challenge as a request carries it: the challenge's fields and the number found. */
export interface PowSolution {
  readonly algorithm: string;
  readonly challenge: string;
  readonly number: number;
  readonly salt: string;
  readonly signature: string;
}

/** A solution that checked out: its challenge (the single-use key) and when it stops counting. */
export interface CheckedSolution {
  readonly id: string;
  readonly expiresAt: number;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The challenges' key, derived from the deployment's secret so it is never the secret itself. */
export function powKey(secret: string): Buffer {
  return createHmac('sha256', secret).update('proof-of-work', 'utf8').digest();
}

const sign = (key: Buffer, challenge: string) => createHmac('sha256', key).update(challenge, 'utf8').digest('hex');

/** A new challenge of difficulty `maxnumber`, valid for `CHALLENGE_LIFETIME_SECONDS` from `nowSeconds`. */
export function issueChallenge(key: Buffer, maxnumber: number, nowSeconds: number): PowChallenge {
  const salt = `${randomBytes(12).toString('hex')}?expires=${nowSeconds + CHALLENGE_LIFETIME_SECONDS}`;
  const challenge = sha256(salt + String(randomInt(0, maxnumber + 1)));
  return { algorithm: POW_ALGORITHM, challenge, maxnumber, salt, signature: sign(key, challenge) };
}

/**
 * Whether `solution` solves a challenge this key signed, before its expiry: `invalid` (not ours, tampered
 * or the wrong number) or `expired`, else its id and expiry.
 */
export function checkSolution(key: Buffer, solution: PowSolution, nowSeconds: number): CheckedSolution | 'invalid' | 'expired' {
  const expires = /\?expires=(\d{1,12})$/.exec(solution.salt);
  const expected = Buffer.from(sign(key, solution.challenge), 'hex');
  const given = Buffer.from(solution.signature, 'hex');
  const signed = given.length === expected.length && timingSafeEqual(given, expected);
  if (solution.algorithm !== POW_ALGORITHM || expires === null || !signed || sha256(solution.salt + String(solution.number)) !== solution.challenge) return 'invalid';
  const expiresAt = Number(expires[1]);
  return expiresAt > nowSeconds ? { id: solution.challenge, expiresAt } : 'expired';
}

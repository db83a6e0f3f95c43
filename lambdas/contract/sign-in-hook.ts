/**
 * The `beforeSignIn` function's contract, defined once: the event the request and verify functions
 * send it (a synchronous invoke) and the answer they accept. docs/api.md documents both from here.
 */
import type { SignInAttempt } from '../domain/ports';

/** What the team's function receives. */
export interface BeforeSignInEvent {
  /** Bumped only by a change a function written against this one would misread. */
  readonly version: 1;
  /** `request`: a link is asked for, before anything is written or mailed; `verify`: a link or code is used. */
  readonly trigger: 'request' | 'verify';
  /** The address, trimmed, lower-cased, its domain in punycode. */
  readonly email: string;
  /** The address's domain, in the same form. */
  readonly domain: string;
  /** The caller's IP, when known (every request; a verify by code). */
  readonly source_ip?: string;
  /** At verify: how the sign-in is being completed. */
  readonly method?: 'link' | 'code';
}

/** What it must answer; anything else (or an error, or no answer in time) is a failure, ruled by `beforeSignInOnError`. */
export interface BeforeSignInAnswer {
  readonly allow: boolean;
}

export function beforeSignInEvent(attempt: SignInAttempt): BeforeSignInEvent {
  return {
    version: 1,
    trigger: attempt.trigger,
    email: attempt.email,
    domain: attempt.domain,
    ...(attempt.sourceIp === undefined ? {} : { source_ip: attempt.sourceIp }),
    ...(attempt.method === undefined ? {} : { method: attempt.method }),
  };
}

/** The answer's `allow`, or null when the payload is not a JSON object with a boolean `allow`. */
export function readBeforeSignInAnswer(payload: string): boolean | null {
  let answer: unknown;
  try {
    answer = JSON.parse(payload);
  } catch {
    return null;
  }
  const allow = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Partial<BeforeSignInAnswer>).allow : undefined;
  return typeof allow === 'boolean' ? allow : null;
}

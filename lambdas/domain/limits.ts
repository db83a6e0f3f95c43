import { hashEmail } from './tokens';

/** Length of a rate-limit window: the limits count per clock hour. */
export const RATE_LIMIT_WINDOW_SECONDS = 3600;

export interface RateLimitWindow {
  /** Epoch seconds at which the window opened (a multiple of the window length). */
  readonly start: number;
  /** Epoch seconds at which the window closes; its counters expire then. */
  readonly end: number;
}

/**
 * The fixed one-hour window `nowSeconds` falls in. Fixed windows keep every counter update a single
 * conditional write with no read, and make `retry_after: 3600` always enough: whoever waits that long
 * is in a later window with a fresh counter. The price is that a burst straddling a window edge can
 * reach twice the limit within a few minutes; the limits are sized with that in mind.
 */
export function rateLimitWindow(nowSeconds: number, length = RATE_LIMIT_WINDOW_SECONDS): RateLimitWindow {
  const start = nowSeconds - (nowSeconds % length);
  return { start, end: start + length };
}

/**
 * Counter identifiers for one window, each a hash of the address, never the address:
 * - `ip`: requests from one network, whatever the address;
 * - `ipEmail`: requests from one network for one address (the per-address limit a stranger can spend
 *   only from their own network, so they cannot lock the owner out);
 * - `email`: requests for one address from every network together (the inbox's ceiling).
 */
export function rateLimitCounterIds(ipKey: string, email: string, window: RateLimitWindow) {
  const emailHash = hashEmail(email);
  return {
    ip: `ip#${ipKey}#${window.start}`,
    ipEmail: `ipemail#${ipKey}#${emailHash}#${window.start}`,
    email: `email#${emailHash}#${window.start}`,
  } as const;
}

/** The counter of wrong one-time codes entered for one address in one window (hashed, never the address). */
export function codeAttemptCounterId(email: string, window: RateLimitWindow): string {
  return `code#${hashEmail(email)}#${window.start}`;
}

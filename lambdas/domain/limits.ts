
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
 * Counter identifiers for one window, by the address's key (`emailKey`: keyed, never the address):
 * - `ip`: requests from one network, whatever the address;
 * - `ipEmail`: requests from one network for one address (the per-address limit a stranger can spend
 *   only from their own network, so they cannot lock the owner out);
 * - `email`: requests for one address from every network together (the inbox's ceiling).
 */
export function rateLimitCounterIds(ipKey: string, emailHash: string, window: RateLimitWindow) {
  return {
    ip: `ip#${ipKey}#${window.start}`,
    ipEmail: `ipemail#${ipKey}#${emailHash}#${window.start}`,
    email: `email#${emailHash}#${window.start}`,
  } as const;
}

/**
 * The deployment's hourly mail budget is split over this many counters (shards), so concurrent
 * requests rarely write the same item: on DynamoDB, transactions that touch one item at the same
 * moment cancel each other, and a single global counter would cap the whole service's request rate.
 */
export const MAIL_BUDGET_SHARDS = 10;

/** Shards a request tries before answering that the budget is spent (each try is one transaction). */
export const MAIL_BUDGET_TRIES = 3;

/**
 * The budget's shards for one window: each shard's id and its share of the budget. Shares add up to
 * the budget exactly, so the ceiling is never exceeded; a small budget uses fewer shards.
 */
export function mailBudgetShards(budget: number, window: RateLimitWindow): { readonly id: string; readonly limit: number }[] {
  const count = Math.min(MAIL_BUDGET_SHARDS, budget);
  return Array.from({ length: count }, (_, shard) => ({
    id: `mail#${window.start}#${shard}`,
    limit: Math.floor(budget / count) + (shard < budget % count ? 1 : 0),
  }));
}

/** The counter of wrong one-time codes entered for one address in one window, by the address's key. */
export function codeAttemptCounterId(emailHash: string, window: RateLimitWindow): string {
  return `code#${emailHash}#${window.start}`;
}

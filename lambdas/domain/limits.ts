
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
 * The deployment's hourly mail budget is split over this many counters (shards), so concurrent
 * requests rarely write the same item: on DynamoDB, transactions that touch one item at the same
 * moment cancel each other, and a single global counter would cap the whole service's request rate.
 */
export const MAIL_BUDGET_SHARDS = 10;

/** Shards a request tries before answering that the budget is spent (each try is one transaction). */
export const MAIL_BUDGET_TRIES = 3;

/** One shard of the mail budget: its number within the window, and its share of the budget. */
export interface MailBudgetShard {
  readonly shard: number;
  readonly limit: number;
}

/**
 * The budget's shards, each with its share. Shares add up to the budget exactly, so the ceiling is
 * never exceeded; a small budget uses fewer shards.
 */
export function mailBudgetShards(budget: number): MailBudgetShard[] {
  const count = Math.min(MAIL_BUDGET_SHARDS, budget);
  return Array.from({ length: count }, (_, shard) => ({
    shard,
    limit: Math.floor(budget / count) + (shard < budget % count ? 1 : 0),
  }));
}

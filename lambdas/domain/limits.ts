
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
  /** `0`, `1`, … in the shared part; `r0`, `r1`, … in the reserve. */
  readonly shard: number | string;
  readonly limit: number;
}

/**
 * The budget's shards, each with its share. Shares add up to the budget exactly, so the ceiling is
 * never exceeded; a small budget uses fewer shards.
 */
export function mailBudgetShards(budget: number): MailBudgetShard[] {
  return split(budget, Math.min(MAIL_BUDGET_SHARDS, budget)).map((limit, shard) => ({ shard, limit }));
}

/** A shard of the budget's shared part: `open` of its `limit` need no proof of work. */
export interface SharedBudgetShard extends MailBudgetShard {
  readonly open: number;
}

/** How the hourly mail budget is split: what any address may draw on, and what only returning ones may. */
export interface MailBudgetPlan {
  /** Any address: each shard's first `open` mails need no solved challenge, the rest do. */
  readonly shared: readonly SharedBudgetShard[];
  /** Only an address with a user (a completed sign-in), once its tried shared shards are spent. */
  readonly reserve: readonly MailBudgetShard[];
}

/**
 * The reserve serves an address only while its inbox has had fewer than this many requests in the hour
 * (a person signing in needs one mail, a resend two), so an attacker's own signed-in addresses drain it
 * two mails each, not `inboxLimitPerHour` each.
 */
export const RESERVE_MAILS_PER_INBOX = 2;

/** The shard names of the reserve: `r0`, `r1`, … beside the shared part's `0`, `1`, … in the same window. */
const RESERVE_SHARD_PREFIX = 'r';

/**
 * The budget split by the settings' percentages: `reservePercent` of it kept for returning addresses,
 * and, of the rest, the part before `thresholdPercent` of the whole budget is spent open to requests
 * without a proof of work. Each part is sharded like the budget, its shares adding up exactly.
 */
export function mailBudgetPlan(budget: number, reservePercent: number, thresholdPercent: number): MailBudgetPlan {
  const reserved = Math.floor((budget * reservePercent) / 100);
  const shared = mailBudgetShards(budget - reserved);
  const open = split(Math.min(budget - reserved, Math.floor((budget * thresholdPercent) / 100)), shared.length);
  return {
    shared: shared.map((shard, i) => ({ ...shard, open: open[i]! })),
    reserve: mailBudgetShards(reserved).map(({ shard, limit }) => ({ shard: `${RESERVE_SHARD_PREFIX}${shard}`, limit })),
  };
}

/** `total` over `count` parts adding up to it exactly, the first ones one more when it does not divide. */
function split(total: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(total / count) + (i < total % count ? 1 : 0));
}

/**
 * What one network may request in an hour: the `ip` limit, and never more than `sharePercent` of the
 * mail budget (at least one), so a small budget cannot be spent from one address. A share of 100 is
 * no share: the network's own limit alone, and a spent budget answers as a spent budget.
 */
export function networkLimit(ipLimit: number, budget: number, sharePercent: number): number {
  if (sharePercent >= 100) return ipLimit;
  return Math.min(ipLimit, Math.max(1, Math.floor((budget * sharePercent) / 100)));
}

/**
 * What the domain needs from the outside world. Adapters in `lambdas/adapters` implement these with
 * AWS; the domain never imports an AWS SDK.
 */
import type { MailBudgetShard, RateLimitWindow } from './limits';

export interface NewLink {
  /** Hash of the link token: the record's identity. */
  readonly id: string;
  readonly email: string;
  /** Epoch seconds after which the link no longer signs in. */
  readonly expiresAt: number;
  /** Epoch seconds after which the store may delete the record. */
  readonly retainUntil: number;
  readonly createdAt: number;
  /** S256 challenge of the requesting browser's verifier when the link is bound to that browser. */
  readonly challenge?: string;
  /** Keyed hash of the address and the one-time code: how the code finds this sign-in. */
  readonly codeId: string;
  /** Where the person goes after signing in, already checked against the allowlist. */
  readonly redirectTo?: string;
  /** The address's unkeyed hash (`userHash`): how signing out everywhere finds this sign-in's session. */
  readonly userHash: string;
}

/**
 * A link request, counted against three limits in its hour, each by its own name from setting to key:
 * - `ip` (`ipLimitPerHour`): requests from one network, whatever the address;
 * - `email` (`emailLimitPerHour`): requests from one network for one address, the per-address limit a
 *   stranger can spend only from their own network, so they cannot lock the owner out;
 * - `inbox` (`inboxLimitPerHour`): requests for one address from every network together, the inbox's
 *   ceiling.
 * The store keeps each count under its own key (`table-layout.ts`).
 */
export interface LinkRequest {
  /** The requesting network (`ipRateLimitKey`). */
  readonly ipKey: string;
  /** The address's keyed hash (`emailHash`). */
  readonly emailHash: string;
  /** The hour the request counts in: its counters' window. */
  readonly window: RateLimitWindow;
  /** Each limit's ceiling for the window. */
  readonly limits: { readonly ip: number; readonly email: number; readonly inbox: number };
  /** The shard of the deployment's mail budget this request counts against, and its share. */
  readonly mailBudget: MailBudgetShard;
  readonly link: NewLink;
}

/**
 * The outcome of counting a request against its limits and the mail budget and storing its link and
 * code, all or nothing. `email_limit_exceeded` stands for either address limit (`email` or `inbox`).
 * `code_taken`: another sign-in of this address holds the same code (about 1 in 200,000): draw again.
 */
export type LinkRequestOutcome = 'created' | 'ip_limit_exceeded' | 'email_limit_exceeded' | 'capacity_exceeded' | 'code_taken';

/** What a sign-in record looked like when a consume was refused (absent when there was none). */
export interface SignInSnapshot {
  readonly linkExpiresAt: number;
  readonly usedAt?: number;
  /** Present when the sign-in is bound to the browser that asked for it. */
  readonly challenge?: string;
}

export interface ConsumeLink {
  readonly id: string;
  /** Epoch seconds; the link must expire strictly after this. */
  readonly now: number;
  /** S256 of the verifier this request sent, if any; a bound sign-in is consumed only when it matches. */
  readonly challenge?: string;
  readonly sessionSecretHash: string;
  readonly sessionExpiresAt: number;
  readonly retainUntil: number;
}

export type ConsumeOutcome =
  | { readonly outcome: 'consumed'; readonly email: string; readonly redirectTo?: string }
  | { readonly outcome: 'refused'; readonly record: SignInSnapshot | null };

export interface SessionRecord {
  readonly email: string;
  readonly sessionSecretHash?: string;
  readonly sessionExpiresAt?: number;
  readonly revokedAt?: number;
}

export interface RevokeSession {
  readonly id: string;
  readonly sessionSecretHash: string;
  readonly now: number;
  readonly retainUntil: number;
}

/** The wrong-code budget of one address in one window. */
export interface AttemptBudget {
  /** The address's keyed hash (`emailHash`). */
  readonly emailHash: string;
  readonly window: RateLimitWindow;
  readonly limit: number;
}

export type CodeConsumeOutcome = ConsumeOutcome | { readonly outcome: 'attempts_exceeded' };

export interface AuthStore {
  /** Counts the request against its three limits and the mail budget and stores the link and code, in one atomic step. */
  recordLinkRequest(request: LinkRequest): Promise<LinkRequestOutcome>;
  /** Undoes a recorded request whose mail was never sent: its counts given back, its link and code deleted, at once. */
  releaseLinkRequest(request: LinkRequest): Promise<void>;
  /** Marks the link used and starts its session, only if it exists, is unused, unexpired and (if bound) the challenge matches. */
  consumeLink(request: ConsumeLink): Promise<ConsumeOutcome>;
  /** The sign-in a code id points to, or null. Strongly consistent. */
  findCode(codeId: string): Promise<{ readonly signInId: string; readonly redirectTo?: string } | null>;
  /** `consumeLink` for a sign-in found by its code, only while the address's wrong-code budget lasts. */
  consumeByCode(request: ConsumeLink & { readonly email: string; readonly redirectTo?: string; readonly attempts: AttemptBudget }): Promise<CodeConsumeOutcome>;
  /** Counts one wrong code against the budget; `attempts_exceeded` (and nothing counted) when it is spent. */
  countWrongCode(attempts: AttemptBudget): Promise<'counted' | 'attempts_exceeded'>;
  /** Strongly consistent read of a sign-in record's session, or null. */
  getSession(id: string): Promise<SessionRecord | null>;
  /** Revokes a live session whose secret matches; its address, or null when there was none. */
  revokeSession(request: RevokeSession): Promise<{ readonly email: string } | null>;
  /** Revokes every live session of an address (by its hash); how many it revoked. */
  revokeAllSessions(request: { readonly userHash: string; readonly now: number; readonly retainUntil: number }): Promise<number>;
}

export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
}

/** The deployment's secret that keys the one-time codes' hashes; read once per container. */
export interface CodeSecret {
  get(): Promise<string>;
}

/**
 * What the domain needs from the outside world. Adapters in `lambdas/adapters` implement these with
 * AWS; the domain never imports an AWS SDK.
 */

export interface NewLink {
  /** Hash of the link token: the record's identity. */
  readonly id: string;
  readonly email: string;
  /** Epoch seconds after which the link no longer signs in. */
  readonly expiresAt: number;
  /** Epoch seconds after which the store may delete the record. */
  readonly retainUntil: number;
  readonly createdAt: number;
}

export interface LinkRequest {
  readonly ipCounterId: string;
  readonly emailCounterId: string;
  readonly ipLimit: number;
  readonly emailLimit: number;
  /** Epoch seconds at which both counters' window ends. */
  readonly windowEnd: number;
  readonly link: NewLink;
}

/** The outcome of counting a request against both limits and storing its link, all or nothing. */
export type LinkRequestOutcome = 'created' | 'ip_limit_exceeded' | 'email_limit_exceeded';

/** What a sign-in record looked like when a consume was refused (absent when there was none). */
export interface SignInSnapshot {
  readonly linkExpiresAt: number;
  readonly usedAt?: number;
}

export interface ConsumeLink {
  readonly id: string;
  /** Epoch seconds; the link must expire strictly after this. */
  readonly now: number;
  readonly sessionSecretHash: string;
  readonly sessionExpiresAt: number;
  readonly retainUntil: number;
}

export type ConsumeOutcome =
  | { readonly outcome: 'consumed'; readonly email: string }
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

export interface AuthStore {
  /** Counts the request against both limits and stores the link in one atomic step. */
  recordLinkRequest(request: LinkRequest): Promise<LinkRequestOutcome>;
  /** Marks the link used and starts its session, only if it exists, is unused and unexpired. */
  consumeLink(request: ConsumeLink): Promise<ConsumeOutcome>;
  /** Strongly consistent read of a sign-in record's session, or null. */
  getSession(id: string): Promise<SessionRecord | null>;
  /** Revokes a live session whose secret matches; false when there was none. */
  revokeSession(request: RevokeSession): Promise<boolean>;
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

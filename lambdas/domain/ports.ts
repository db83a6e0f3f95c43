/**
 * What the domain needs from the outside world. Adapters in `lambdas/adapters` implement these with
 * AWS; the domain never imports an AWS SDK.
 */
import type { MailBudgetShard, RateLimitWindow } from './limits';
import type { CheckedSolution } from './proof-of-work';
import type { AuthorizationRequest, NewAuthorizationCode } from './oidc';

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
  /** Keyed hash of the address and the one-time code (`codeHash`): what a typed code is checked against. */
  readonly codeHash: string;
  /** Where the person goes after signing in, already checked against the allowlist. */
  readonly redirectTo?: string;
  /** The OpenID Connect authorization request the sign-in was asked with, already checked against the registry. */
  readonly authorizationRequest?: AuthorizationRequest;
  /**
   * The address's unkeyed hash (`userHash`): how signing out everywhere finds this sign-in, and the key of
   * the address's one live code, which this sign-in's code replaces.
   */
  readonly userHash: string;
}

/**
 * What a link request counts against: three limits in its hour, each by its own name from setting to key:
 * - `ip` (`ipLimitPerHour`): requests from one network, whatever the address;
 * - `email` (`emailLimitPerHour`): requests from one network for one address, the per-address limit a
 *   stranger can spend only from their own network, so they cannot lock the owner out;
 * - `inbox` (`inboxLimitPerHour`): requests for one address from every network together, the inbox's
 *   ceiling.
 * The store keeps each count under its own key (`table-layout.ts`).
 */
export interface CountedRequest {
  /** The requesting network (`ipRateLimitKey`). */
  readonly ipKey: string;
  /** The address's keyed hash (`emailHash`). */
  readonly emailHash: string;
  /** The hour the request counts in: its counters' window. */
  readonly window: RateLimitWindow;
  /** Each limit's ceiling for the window. */
  readonly limits: { readonly ip: number; readonly email: number; readonly inbox: number };
  /** A solved proof of work the request spends: its challenge is written once, in the same transaction. */
  readonly proof?: CheckedSolution;
}

/**
 * A request that sends nothing, counted like one that does: under pressure (no proof of work) it also
 * checks the shard's part open to such requests is not spent (`capacity_exceeded` when it is).
 */
export interface CountOnly extends CountedRequest {
  readonly pressure?: MailBudgetShard;
}

/** A link request: counted (`CountedRequest`), against the mail budget too, with the link and code it stores. */
export interface LinkRequest extends CountedRequest {
  /** The shard of the deployment's mail budget this request counts against, and its share. */
  readonly mailBudget: MailBudgetShard;
  readonly link: NewLink;
  /** Drawing on the reserve: only when the address has a user (a completed sign-in), else `not_returning`. */
  readonly returning?: boolean;
}

/**
 * The outcome of counting a request against its limits and the mail budget and storing its link and
 * code, all or nothing. `email_limit_exceeded` stands for either address limit (`email` or `inbox`).
 */
export type LinkRequestOutcome = 'created' | 'ip_limit_exceeded' | 'email_limit_exceeded' | 'capacity_exceeded' | 'proof_used' | 'not_returning';

/** What a sign-in record looked like when a consume was refused (absent when there was none). */
export interface SignInSnapshot {
  readonly linkExpiresAt: number;
  readonly usedAt?: number;
  /** Set when signing out everywhere ended the sign-in before it was used (or its session after). */
  readonly revokedAt?: number;
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
  /** How the sign-in is being used, recorded on it. */
  readonly method: SignInMethod;
}

/** The two ways a sign-in is completed. */
export type SignInMethod = 'link' | 'code';

export type ConsumeOutcome =
  | { readonly outcome: 'consumed'; readonly email: string; readonly userHash: string; readonly redirectTo?: string; readonly authorizationRequest?: AuthorizationRequest }
  | { readonly outcome: 'refused'; readonly record: SignInSnapshot | null };

export interface SessionRecord {
  readonly email: string;
  /** The user the sign-in signed in; absent on a session started before sign-ins recorded their user. */
  readonly userId?: string;
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

/**
 * The wrong-code budgets a code entry counts against in one window, each by its setting's name:
 * - `networkAttempts` (`codeAttemptsPerHour`): wrong codes from one network for one address;
 * - `attempts` (`inboxCodeAttemptsPerHour`): wrong codes for one address from every network, the ceiling;
 * - `ipAttempts` (`ipCodeAttemptsPerHour`): wrong codes from one network, across addresses.
 */
export interface AttemptBudget {
  /** The address's keyed hash (`emailHash`). */
  readonly emailHash: string;
  /** The entering network (`ipRateLimitKey`). */
  readonly ipKey: string;
  readonly window: RateLimitWindow;
  readonly limits: { readonly networkAttempts: number; readonly attempts: number; readonly ipAttempts: number };
}

/** Which budget refused a code entry; when both are spent, the network's. */
export type AttemptsSpent = 'ip_attempts_exceeded' | 'attempts_exceeded';

export type CodeConsumeOutcome = ConsumeOutcome | { readonly outcome: AttemptsSpent };

/** The address's live code, as stored: what checking a typed code needs, without reading its sign-in. */
export interface LiveCode {
  /** The sign-in the code belongs to (its id). */
  readonly signInId: string;
  /** Keyed hash of the address and the code. */
  readonly codeHash: string;
  /** The sign-in's link expiry: the code expires with it. */
  readonly linkExpiresAt: number;
  /** The sign-in's binding, when it has one. */
  readonly challenge?: string;
  readonly redirectTo?: string;
  readonly authorizationRequest?: AuthorizationRequest;
}

/** An authorization code as the token endpoint gets it back once exchanged. */
export interface StoredAuthorizationCode {
  readonly scope: string;
  readonly nonce?: string;
  readonly userId: string;
  readonly email: string;
  readonly signInId: string;
  readonly authTime: number;
  /** The session's end: the refresh family's too. */
  readonly sessionExpiresAt: number;
}

/** Exchanging a code: only its client, redirect URI and (when it has one) PKCE challenge, once, while unexpired. */
export interface ExchangeAuthorizationCode {
  readonly codeHash: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** S256 of the `code_verifier` sent, if any. */
  readonly challenge?: string;
  readonly now: number;
  /** The refresh family the exchange starts, recorded on the code so a second use can revoke it. */
  readonly familyId: string;
}

export type ExchangeOutcome =
  | { readonly outcome: 'exchanged'; readonly code: StoredAuthorizationCode }
  /** Used before: `familyId` is what the first use started. */
  | { readonly outcome: 'used'; readonly familyId?: string }
  /** Unknown, expired, or for another client, redirect URI or verifier. */
  | { readonly outcome: 'refused' };

export interface NewRefreshFamily {
  readonly familyId: string;
  /** SHA-256 of the current refresh token's secret. */
  readonly refreshHash: string;
  readonly clientId: string;
  readonly scope: string;
  readonly userId: string;
  readonly email: string;
  readonly signInId: string;
  readonly authTime: number;
  readonly sessionExpiresAt: number;
  readonly retainUntil: number;
}

export type RotateOutcome =
  | { readonly outcome: 'rotated'; readonly family: Pick<NewRefreshFamily, 'scope' | 'userId' | 'email' | 'signInId'> }
  /** A token of the family that is not its current one (a rotated one, replayed). */
  | { readonly outcome: 'reused' }
  /** No such family, another client's, revoked, or its session ended or was signed out. */
  | { readonly outcome: 'refused' };

/** What checking, refreshing and ending sessions needs of the store, and nothing else. */
export type SessionStore = Pick<AuthStore, 'getSession' | 'revokeSession' | 'revokeAll'>;

/** What signing in (by link or code) needs of the store: everything but the link requests. */
export type SignInStore = Omit<AuthStore, 'recordLinkRequest' | 'countLinkRequest' | 'releaseLinkRequest'>;

export interface AuthStore {
  /** Counts the request against its three limits and the mail budget and stores the link and code, in one atomic step. */
  recordLinkRequest(request: LinkRequest): Promise<LinkRequestOutcome>;
  /**
   * Counts a request the sign-in policy refused against the same three limits, in one atomic step, and
   * nothing else: no link, no code, no mail budget. Its limits answer exactly as an allowed request's.
   */
  countLinkRequest(request: CountOnly): Promise<'counted' | 'ip_limit_exceeded' | 'email_limit_exceeded' | 'capacity_exceeded' | 'proof_used'>;
  /** Undoes a recorded request whose mail was never sent: its counts given back, its link and code deleted, at once. */
  releaseLinkRequest(request: LinkRequest): Promise<void>;
  /** Marks the link used and starts its session, only if it exists, is unused, unexpired and (if bound) the challenge matches. */
  consumeLink(request: ConsumeLink): Promise<ConsumeOutcome>;
  /** The address's live code (by its `userHash`), or null. Strongly consistent. */
  findCode(userHash: string): Promise<LiveCode | null>;
  /**
   * `consumeLink` for the sign-in of the address's live code, only while both wrong-code budgets last,
   * deleting the code with it.
   */
  consumeByCode(request: ConsumeLink & { readonly email: string; readonly userHash: string; readonly redirectTo?: string; readonly attempts: AttemptBudget }): Promise<CodeConsumeOutcome>;
  /**
   * The id of the address's user (by its `userHash`): the stored one, or, when the address has none yet,
   * `candidateId`, stored now with `createdAt`. Atomic: whoever races, an address gets exactly one id.
   */
  userOf(request: { readonly userHash: string; readonly candidateId: string; readonly createdAt: number; readonly email: string; readonly signInId: string }): Promise<string>;
  /**
   * Ends a sign-in just consumed that the sign-in policy refuses (by its id): revoked, with no user, so
   * its session never works and nothing counts it as signed in.
   */
  endSignIn(request: { readonly id: string; readonly now: number; readonly retainUntil: number }): Promise<void>;
  /** Records on a consumed sign-in (by its id) its user's id, which the session check then reads with the session. */
  setSignInUser(request: { readonly id: string; readonly userId: string }): Promise<void>;
  /** Counts one wrong code against both budgets at once; which one is spent (and nothing counted) when either is. */
  countWrongCode(attempts: AttemptBudget): Promise<'counted' | AttemptsSpent>;
  /** Strongly consistent read of a sign-in record's session, or null. */
  getSession(id: string): Promise<SessionRecord | null>;
  /** Revokes a live session whose secret matches; its address, or null when there was none. */
  revokeSession(request: RevokeSession): Promise<{ readonly email: string } | null>;
  /**
   * Ends everything of an address (by its `userHash`) that could still sign in or is signed in: every live
   * session, every unused link, and its live code. How many sign-ins (links and sessions) it ended.
   */
  revokeAll(request: { readonly userHash: string; readonly now: number; readonly retainUntil: number }): Promise<number>;
  /** Stores a new authorization code (only where none has its hash). */
  saveAuthorizationCode(code: NewAuthorizationCode): Promise<void>;
}

export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends a written message (SES). */
export interface MailSender {
  send(email: OutgoingEmail): Promise<void>;
}

/** A sign-in mail to write and send: the link, its code and lifetime, in the language the request asked for. */
export interface SignInMail {
  readonly to: string;
  /** The reader's language as the request resolved it (a tag the deployment speaks); its default when absent. */
  readonly locale?: string;
  readonly link: string;
  readonly code: string;
  readonly lifetimeSeconds: number;
}

/** Writes a sign-in mail in the reader's language and the team's look, and sends it. */
export interface Mailer {
  send(mail: SignInMail): Promise<void>;
}

/** The token endpoint's part of the store, and the session read a refresh checks. */
export interface OidcStore extends Pick<AuthStore, 'getSession'> {
  /** Marks a code exchanged, once, only for its client, redirect URI and challenge, while unexpired; with the session's end. */
  exchangeAuthorizationCode(request: ExchangeAuthorizationCode): Promise<ExchangeOutcome>;
  /** Starts a refresh family; `revoked` when a second use of its code revoked it first. */
  createRefreshFamily(family: NewRefreshFamily): Promise<'created' | 'revoked'>;
  /** Replaces the family's current refresh token by the next, only while it and its session are live and `refreshHash` is current. */
  rotateRefreshToken(request: { readonly familyId: string; readonly refreshHash: string; readonly nextHash: string; readonly clientId: string; readonly now: number }): Promise<RotateOutcome>;
  /** Ends a refresh family at once (reuse detected, or its code used twice), even one not started yet. */
  revokeRefreshFamily(request: { readonly familyId: string; readonly now: number }): Promise<void>;
  /** Counts a failed client authentication of one client from one network in its window, while under `limit`. */
  countClientFailure(request: { readonly clientId: string; readonly ipKey: string; readonly window: RateLimitWindow; readonly limit: number }): Promise<'counted' | 'limit_exceeded'>;
}

/** The confidential clients' secrets, by client id (undefined for a client without one); read once per container. */
export interface ClientSecrets {
  get(clientId: string): Promise<string | undefined>;
}

/** The deployment's secret that keys the one-time codes' hashes; read once per container. */
export interface CodeSecret {
  get(): Promise<string>;
}

/** Signs access tokens (RS256) with the deployment's current key, which never leaves its keeper. */
export interface TokenSigner {
  /** The current key's id: the tokens' `kid`, as the JWKS publishes it. */
  readonly keyId: string;
  /** The RSASSA-PKCS1-v1_5 SHA-256 signature of `signingInput`. */
  sign(signingInput: string): Promise<{ readonly signature: Buffer }>;
}

/** Who is signing in, as the sign-in policy is asked about it. */
export interface SignInAttempt {
  /** `request`: a link is asked for (before anything is written or mailed); `verify`: a link or code is used. */
  readonly trigger: 'request' | 'verify';
  /** The normalized address (lower case, punycode domain). */
  readonly email: string;
  /** The address's domain, as `allowedEmailDomains` compares it. */
  readonly domain: string;
  /** The caller's IP, when the request has one. */
  readonly sourceIp?: string;
  /** At verify: by the link or by the code. */
  readonly method?: 'link' | 'code';
}

/**
 * The team's `beforeSignIn` function. `allows` answers within its own time limit or throws
 * (`SignInHookError` for a timeout, a function error or a malformed answer).
 */
export interface SignInHook {
  allows(attempt: SignInAttempt): Promise<boolean>;
}

/**
 * The table's layout, shared by the store (which reads and writes it) and the construct (which
 * creates the table and scopes each function's IAM to key prefixes and attribute names). Every key is
 * built and every attribute named here, nowhere else. No AWS SDK here: `lib/` imports it.
 *
 * Single table, partition key `pk`, TTL attribute `ttl` (test/unit/table-layout.test.ts holds this
 * table to the builders and names below):
 *
 * | pk                                              | what                                                        | attributes |
 * |-------------------------------------------------|-------------------------------------------------------------|------------|
 * | `rl#ip#<ip key>#<window start>`                 | requests from one network in one hour (limit `ip`)          | `cnt`, `ttl` (window end) |
 * | `rl#email#<ip key>#<email hash>#<window start>` | requests from one network for one address (limit `email`)   | `cnt`, `ttl` (window end) |
 * | `rl#inbox#<email hash>#<window start>`          | requests for one address from every network (limit `inbox`) | `cnt`, `ttl` (window end) |
 * | `rl#mail#<window start>#<shard>`                | one shard of the deployment's hourly mail budget (`r<n>`: of its reserve for returning addresses) | `cnt`, `ttl` (window end) |
 * | `rl#pow#<challenge>`                            | a proof-of-work challenge, used once (`cnt` 1)              | `cnt`, `ttl` (the challenge's expiry) |
 * | `rl#code#<email hash>#<window start>`           | wrong codes for one address in one hour, all networks       | `cnt`, `ttl` (window end) |
 * | `rl#codenet#<ip key>#<email hash>#<window start>` | wrong codes from one network for one address in one hour  | `cnt`, `ttl` (window end) |
 * | `rl#ipcode#<ip key>#<window start>`             | wrong codes from one network in one hour, across addresses  | `cnt`, `ttl` (window end) |
 * | `signin#<token hash>`                           | a magic link, then its session                              | `email`, `email_hash`, `user_hash`, `link_expires_at`, `created_at`, `challenge` (bound only), `redirect_to` (when asked), `oauth_request` (asked through the authorize endpoint), `used_at`, `used_by` (link or code), `session_hash`, `session_expires_at`, `user_id` (set once signed in), `revoked_at` (signed out, or never used and ended by signing out everywhere), `ttl` |
 * | `code#<user hash>`                              | the address's one live code: its newest sign-in's           | `signin` (the sign-in's id), `code_hash`, `link_expires_at`, `challenge` (bound only), `redirect_to` (when asked), `oauth_request` (asked through the authorize endpoint), `ttl` |
 * | `user#<user hash>`                              | the address's user, made by its first completed sign-in     | `user_id`, `email`, `created_at`, `signin` (the sign-in that made it) (no TTL: kept) |
 * | `authcode#<code hash>`                          | an OpenID Connect authorization code, single use, 60 s      | `client_id`, `redirect_uri`, `challenge` (PKCE), `nonce`, `scope`, `user_id`, `email`, `signin`, `auth_time`, `used_by`, `code_expires_at`, `session_expires_at`, `used_at` and `family` (once exchanged), `ttl` |
 * | `refresh#<family id>`                           | a refresh token family: its current token's hash            | `client_id`, `scope`, `user_id`, `email`, `signin`, `auth_time`, `refresh_hash`, `session_expires_at`, `revoked_at` (reuse detected, or a code used twice), `ttl` |
 * | `rl#client#<client id>#<ip key>#<window start>` | failed client authentications of one client from one network | `cnt`, `ttl` (window end) |
 *
 * `<ip key>` is the network (`ipRateLimitKey`: an IPv4 address, an IPv6 /64), `<email hash>` the
 * address's keyed hash (`emailHash`), `<window start>` the hour's first second, `<token hash>` the
 * link token's SHA-256, `<user hash>` the address's unkeyed hash (`userHash`). A code is stored only as
 * `code_hash`, the keyed hash of the address and the code: one item per address, so a new sign-in's
 * code replaces the older one and an address never has more than one code that can be guessed. A
 * user's id is random (`newUserId`), never derived from the address; its sign-ins keep a copy, so a
 * session check still reads one item. `<code hash>` is an authorization code's SHA-256; a refresh token
 * is `<family id>.<secret>` (like a session token) and only the secret's SHA-256 is stored. A link
 * and its code requested through `/oauth2/authorize` carry the request (`oauth_request`, a map).
 *
 * Correctness never rests on TTL deletion: counters live under their window's key, and every expiry
 * is checked in a condition or on read.
 */

/**
 * Every attribute an item may have, one name each. Expressions name them through `#<key>`
 * placeholders (`#count` for `cnt`), so an attribute's stored name is written here only.
 */
export const ATTR = {
  pk: 'pk',
  ttl: 'ttl',
  /** A counter's count in its window. */
  count: 'cnt',
  email: 'email',
  /** The address's unkeyed hash (`userHash`): the user index's key. */
  userHash: 'user_hash',
  linkExpiresAt: 'link_expires_at',
  createdAt: 'created_at',
  challenge: 'challenge',
  redirectTo: 'redirect_to',
  usedAt: 'used_at',
  sessionHash: 'session_hash',
  sessionExpiresAt: 'session_expires_at',
  revokedAt: 'revoked_at',
  /** On a user's item: its id, kept from the first sign-in; on a sign-in, copied there once signed in. */
  userId: 'user_id',
  /** On a code's item: the id of its sign-in; on a user's item: the sign-in that made the user. */
  signIn: 'signin',
  /** On a link: the address's keyed hash (`emailHash`), which its `magic_link.requested` event carries instead of the address. */
  emailHash: 'email_hash',
  /** On a sign-in once used: how, `link` or `code` (its `user.signed_in` event says). */
  usedBy: 'used_by',
  /** On a code's item: the keyed hash of the address and the code (`codeHash`). */
  codeHash: 'code_hash',
  /** On a link and its code: the OpenID Connect authorization request it was asked with (a map). */
  oauthRequest: 'oauth_request',
  clientId: 'client_id',
  redirectUri: 'redirect_uri',
  nonce: 'nonce',
  scope: 'scope',
  /** When the person signed in (epoch seconds): the ID token's `auth_time`. */
  authTime: 'auth_time',
  codeExpiresAt: 'code_expires_at',
  /** On an authorization code once exchanged: the refresh family it started (revoked if the code comes back). */
  family: 'family',
  refreshHash: 'refresh_hash',
} as const;

export type AttributeKey = keyof typeof ATTR;

export const TABLE_KEYS = { partitionKey: ATTR.pk, timeToLive: ATTR.ttl } as const;

/**
 * Every sign-in of one address, for signing out everywhere: a global secondary index on `user_hash`
 * (the address's hash, set when the link is created). It carries the session fields, so finding the
 * live sessions reads the index alone. Session checks never use it: they stay one read by key.
 */
export const USER_INDEX = {
  name: 'by-user',
  partitionKey: ATTR.userHash,
  projected: [ATTR.sessionHash, ATTR.sessionExpiresAt, ATTR.revokedAt],
} as const;

/** The key prefixes IAM scopes each function to. */
export const KEY_PREFIX = { rateLimit: 'rl#', signIn: 'signin#', code: 'code#', user: 'user#', authCode: 'authcode#', refresh: 'refresh#' } as const;

/** The items whose changes make the lifecycle events (users and sign-ins): the table's stream delivers only these. */
export const EVENT_ITEM_PREFIXES = [KEY_PREFIX.user, KEY_PREFIX.signIn] as const;

/** Every key the service writes, by what it holds. */
export const KEYS = {
  /** Requests from one network (limit `ip`). */
  ipCounter: (ipKey: string, windowStart: number | string) => `${KEY_PREFIX.rateLimit}ip#${ipKey}#${windowStart}`,
  /** Requests from one network for one address (limit `email`). */
  emailCounter: (ipKey: string, emailHash: string, windowStart: number | string) => `${KEY_PREFIX.rateLimit}email#${ipKey}#${emailHash}#${windowStart}`,
  /** Requests for one address from every network together (limit `inbox`). */
  inboxCounter: (emailHash: string, windowStart: number | string) => `${KEY_PREFIX.rateLimit}inbox#${emailHash}#${windowStart}`,
  /** One shard of the deployment's mail budget. */
  mailBudgetShard: (windowStart: number | string, shard: number | string) => `${KEY_PREFIX.rateLimit}mail#${windowStart}#${shard}`,
  /** A solved proof-of-work challenge, spent: a counter that stops at one. */
  proofOfWork: (challenge: string) => `${KEY_PREFIX.rateLimit}pow#${challenge}`,
  /** Wrong one-time codes entered for one address. */
  codeAttempts: (emailHash: string, windowStart: number | string) => `${KEY_PREFIX.rateLimit}code#${emailHash}#${windowStart}`,
  /** Wrong one-time codes entered from one network for one address (its share of the address's ceiling). */
  networkCodeAttempts: (ipKey: string, emailHash: string, windowStart: number | string) => `${KEY_PREFIX.rateLimit}codenet#${ipKey}#${emailHash}#${windowStart}`,
  /** Wrong one-time codes entered from one network, across addresses. */
  ipCodeAttempts: (ipKey: string, windowStart: number | string) => `${KEY_PREFIX.rateLimit}ipcode#${ipKey}#${windowStart}`,
  /** A magic link and, once used, its session: by the link token's hash. */
  signIn: (id: string) => `${KEY_PREFIX.signIn}${id}`,
  /** The address's live one-time code and its sign-in: by the address's unkeyed hash. */
  code: (userHash: string) => `${KEY_PREFIX.code}${userHash}`,
  /** The address's user: by the address's unkeyed hash. */
  user: (userHash: string) => `${KEY_PREFIX.user}${userHash}`,
  /** An OpenID Connect authorization code: by its hash. */
  authCode: (codeHash: string) => `${KEY_PREFIX.authCode}${codeHash}`,
  /** A refresh token family: by its id. */
  refresh: (familyId: string) => `${KEY_PREFIX.refresh}${familyId}`,
  /** Failed client authentications of one OpenID Connect client from one network. */
  clientFailures: (clientId: string, ipKey: string, windowStart: number | string) => `${KEY_PREFIX.rateLimit}client#${clientId}#${ipKey}#${windowStart}`,
} as const;

/**
 * The attributes each kind of item may have, its key included: the construct limits each function's
 * writes (and what it may read back) to these names with IAM's `dynamodb:Attributes`, so a function
 * cannot add an attribute its item kind does not have.
 */
export const RECORD_ATTRIBUTES = {
  /** A request counter, a wrong-code counter or a mail budget shard. */
  counter: [ATTR.pk, ATTR.count, ATTR.ttl],
  /** What a magic link is created with: no session attribute, so the mail function cannot mint one. */
  link: [ATTR.pk, ATTR.email, ATTR.emailHash, ATTR.userHash, ATTR.linkExpiresAt, ATTR.createdAt, ATTR.challenge, ATTR.redirectTo, ATTR.oauthRequest, ATTR.ttl],
  /** What signing in and signing out add to a link. */
  session: [ATTR.usedAt, ATTR.usedBy, ATTR.sessionHash, ATTR.sessionExpiresAt, ATTR.userId, ATTR.revokedAt],
  /** An address's live code: its hash, and what checking it needs of its sign-in without reading that. */
  code: [ATTR.pk, ATTR.signIn, ATTR.codeHash, ATTR.linkExpiresAt, ATTR.challenge, ATTR.redirectTo, ATTR.oauthRequest, ATTR.ttl],
  /** An address's user: its id, its address, and when and by which sign-in it was made. */
  user: [ATTR.pk, ATTR.userId, ATTR.email, ATTR.createdAt, ATTR.signIn],
  /** An authorization code as verify creates it: what the token endpoint checks and issues from. */
  authCode: [
    ATTR.pk, ATTR.clientId, ATTR.redirectUri, ATTR.challenge, ATTR.nonce, ATTR.scope, ATTR.userId, ATTR.email, ATTR.signIn, ATTR.authTime, ATTR.usedBy, ATTR.codeExpiresAt, ATTR.sessionExpiresAt, ATTR.ttl,
  ],
  /** What exchanging a code adds to it. */
  authCodeExchange: [ATTR.usedAt, ATTR.family],
  /** A refresh token family. */
  refresh: [ATTR.pk, ATTR.clientId, ATTR.scope, ATTR.userId, ATTR.email, ATTR.signIn, ATTR.authTime, ATTR.refreshHash, ATTR.sessionExpiresAt, ATTR.revokedAt, ATTR.ttl],
} as const satisfies Record<string, readonly string[]>;

/** What a session check reads of a sign-in: the address, its user's id and the session fields. */
export const SESSION_ATTRIBUTES = [ATTR.email, ATTR.userId, ATTR.sessionHash, ATTR.sessionExpiresAt, ATTR.revokedAt] as const;

/**
 * The items of a link request's transaction, in the order they are sent. DynamoDB reports a
 * cancelled transaction's reasons by position; `byItem` reads them back by these names. The undo
 * transaction touches the same items in the same order.
 */
export const REQUEST_ITEMS = ['ip', 'inbox', 'link', 'code', 'email', 'mailBudget'] as const;
export type RequestItem = (typeof REQUEST_ITEMS)[number];

/**
 * What a request's transaction may add after its items, in this order: spending a solved proof of
 * work (`proof`), checking the address has a user before it draws on the reserve (`returning`), and,
 * for a request that sends nothing, checking the budget's part open without a proof (`pressure`).
 */
export const EXTRA_REQUEST_ITEMS = ['proof', 'returning', 'pressure'] as const;
export type ExtraRequestItem = (typeof EXTRA_REQUEST_ITEMS)[number];

/**
 * The items of a request the sign-in policy refused: the same three counters, in the same order, and
 * no link, code or mail budget (nothing is mailed). Its limits answer as an allowed request's would.
 */
export const REFUSED_REQUEST_ITEMS = ['ip', 'inbox', 'email'] as const satisfies readonly RequestItem[];

/**
 * The items of undoing a request whose mail failed, in the order they are sent: the address's own
 * counts come back (a person retrying after an SES hiccup is not punished), its link and code go. The
 * network's count and the mail budget stay spent, so what one network can make the service spend on
 * refused sends is bounded by its own limit.
 */
export const RELEASE_ITEMS = ['inbox', 'link', 'code', 'email'] as const;
export type ReleaseItem = (typeof RELEASE_ITEMS)[number];

/** The key of each item of a link request's transaction. */
export function requestItemKeys(request: {
  readonly ipKey: string;
  readonly emailHash: string;
  readonly window: { readonly start: number };
  readonly mailBudget: { readonly shard: number | string };
  readonly link: { readonly id: string; readonly userHash: string };
}): Record<RequestItem, string> {
  const { window, link } = request;
  return {
    ...counterKeys(request),
    mailBudget: KEYS.mailBudgetShard(window.start, request.mailBudget.shard),
    link: KEYS.signIn(link.id),
    code: KEYS.code(link.userHash),
  };
}

/** The keys of a request's three counters: every request has them, refused by the sign-in policy or not. */
export function counterKeys(request: {
  readonly ipKey: string;
  readonly emailHash: string;
  readonly window: { readonly start: number };
}): Record<(typeof REFUSED_REQUEST_ITEMS)[number], string> {
  const { ipKey, emailHash, window } = request;
  return {
    ip: KEYS.ipCounter(ipKey, window.start),
    email: KEYS.emailCounter(ipKey, emailHash, window.start),
    inbox: KEYS.inboxCounter(emailHash, window.start),
  };
}

/**
 * The items of a sign-in by code: the address's and the network's wrong-code budgets, checked, the
 * sign-in, consumed, and the address's code, deleted (a used sign-in's code then reads as no code).
 */
export const CODE_SIGN_IN_ITEMS = ['ipAttempts', 'networkAttempts', 'attempts', 'signIn', 'code'] as const;

/** The items of counting a wrong code: the network's and the address's budgets, each while under its cap. */
export const WRONG_CODE_ITEMS = ['ipAttempts', 'networkAttempts', 'attempts'] as const;

/** A transaction's items in the order of `names`: what its `TransactItems` are. */
export function inOrder<N extends string, T>(names: readonly N[], items: Readonly<Record<N, T>>): T[] {
  return names.map((name) => items[name]);
}

/** One value per item of a transaction sent in the order of `names`, by name (reasons it did not report read as `None`). */
export function byItem<N extends string, T>(names: readonly N[], values: readonly T[], none: T): Record<N, T> {
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? none])) as Record<N, T>;
}

/**
 * The table's layout, shared by the store (which reads and writes it) and the construct (which
 * creates the table and scopes each function's IAM to key prefixes). No AWS SDK here: `lib/` imports it.
 *
 * Single table, partition key `pk`, TTL attribute `ttl`:
 *
 * | pk                          | what                                  | attributes                                   |
 * |-----------------------------|---------------------------------------|----------------------------------------------|
 * | `rl#ip#<ip key>#<window>`   | requests from one IP in one hour      | `cnt`, `ttl` (window end)                    |
 * | `rl#email#<sha256>#<window>`| requests for one address in one hour  | `cnt`, `ttl` (window end)                    |
 * | `rl#code#<sha256>#<window>` | wrong codes for one address in an hour| `cnt`, `ttl` (window end)                    |
 * | `signin#<sha256(token)>`    | a magic link, then its session        | `email`, `user_hash`, `link_expires_at`, `created_at`, `challenge` (bound only), `used_at`, `session_hash`, `session_expires_at`, `revoked_at`, `ttl` |
 * | `code#<hmac(email, code)>`  | the one-time code of a sign-in        | `signin` (the sign-in's id), `ttl`           |
 *
 * Correctness never rests on TTL deletion: counters live under their window's key, and every expiry
 * is checked in a condition or on read.
 */
export const TABLE_KEYS = { partitionKey: 'pk', timeToLive: 'ttl' } as const;

/**
 * Every sign-in of one address, for signing out everywhere: a global secondary index on `user_hash`
 * (the address's hash, set when the link is created). It carries the session fields, so finding the
 * live sessions reads the index alone. Session checks never use it: they stay one read by key.
 */
export const USER_INDEX = {
  name: 'by-user',
  partitionKey: 'user_hash',
  projected: ['session_hash', 'session_expires_at', 'revoked_at'],
} as const;

export const KEY_PREFIX = { rateLimit: 'rl#', signIn: 'signin#', code: 'code#' } as const;

/**
 * The attributes each kind of item may have, its key included: the construct limits each function's
 * writes (and what it may read back) to these names with IAM's `dynamodb:Attributes`, so a function
 * cannot add an attribute its item kind does not have.
 */
export const RECORD_ATTRIBUTES = {
  /** A request counter, a wrong-code counter or a mail budget shard. */
  counter: [TABLE_KEYS.partitionKey, 'cnt', TABLE_KEYS.timeToLive],
  /** What a magic link is created with: no session attribute, so the mail function cannot mint one. */
  link: [TABLE_KEYS.partitionKey, 'email', USER_INDEX.partitionKey, 'link_expires_at', 'created_at', 'challenge', 'redirect_to', TABLE_KEYS.timeToLive],
  /** What signing in and signing out add to a link. */
  session: ['used_at', 'session_hash', 'session_expires_at', 'revoked_at'],
  /** The pointer from a one-time code to its sign-in. */
  code: [TABLE_KEYS.partitionKey, 'signin', 'redirect_to', TABLE_KEYS.timeToLive],
} as const satisfies Record<string, readonly string[]>;

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
 * | `signin#<sha256(token)>`    | a magic link, then its session        | `email`, `link_expires_at`, `created_at`, `used_at`, `session_hash`, `session_expires_at`, `revoked_at`, `ttl` |
 *
 * Correctness never rests on TTL deletion: counters live under their window's key, and every expiry
 * is checked in a condition or on read.
 */
export const TABLE_KEYS = { partitionKey: 'pk', timeToLive: 'ttl' } as const;

export const KEY_PREFIX = { rateLimit: 'rl#', signIn: 'signin#' } as const;

/**
 * The lifecycle events the service puts on EventBridge, defined once (valibot schemas). Derived from
 * here: the publisher's types, the JSON Schema documents (`docs/reference/events/*.json`, written by
 * `npm run docs`), the README's table, the construct's rule helper (`onEvent`) and the tests that hold
 * emitted events to the documented schemas.
 *
 * Each event is an EventBridge event with `source` = `EVENT_SOURCE`, `detail-type` = its type, one
 * resource (the service's table ARN, which tells two deployments in one account apart) and `detail`
 * as below. Delivery is at least once: deduplicate on `detail.id`.
 */
import * as v from 'valibot';
import { USER_ID_PATTERN } from '../domain/users';
import type { EventType } from './event-types';

export { EVENT_SOURCE, EVENT_TYPES, type EventType } from './event-types';

const EVENT_ID_PATTERN = /^evt_[0-9a-f]{32}$/;
/** A SHA-256 in base64url, as the access tokens' `sid` is. */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const EMAIL_HASH_PATTERN = /^[0-9a-f]{64}$/;

const id = v.pipe(
  v.string(),
  v.regex(EVENT_ID_PATTERN),
  v.description('Unique to the event and the same on every delivery of it: deduplicate on it.'),
);
const version = v.pipe(v.literal(1), v.description('The detail schema\'s version; a change that is not an addition gets a new one.'));
const time = v.pipe(v.string(), v.isoTimestamp(), v.description('When it happened, ISO 8601 in UTC (whole seconds).'));
const userId = v.pipe(v.string(), v.regex(USER_ID_PATTERN), v.description('The user\'s stable id, as `sub` in the access tokens.'));
const sessionId = v.pipe(
  v.string(),
  v.regex(SESSION_ID_PATTERN),
  v.description('The session\'s id, as `sid` in its access tokens; never a token.'),
);
// Checked by the service's own address rules when it was given; no second, different check here.
const email = v.pipe(v.string(), v.minLength(3), v.description('The address the person signed in with (trimmed, lower case).'));
const bound = v.pipe(v.boolean(), v.description('Whether the sign-in was bound to the browser that asked for it (a `code_challenge`).'));

const event = <T extends string, E extends v.ObjectEntries>(type: T, description: string, entries: E) =>
  v.pipe(v.strictObject({ id, version, type: v.literal(type), time, ...entries }), v.description(description));

export const EVENT_DETAILS = {
  'user.created': event('user.created', 'The first completed sign-in of an address made its user: exactly one per user id.', {
    user_id: userId,
    session_id: sessionId,
    email,
  }),
  'user.signed_in': event('user.signed_in', 'A sign-in was completed and its session started.', {
    user_id: userId,
    session_id: sessionId,
    email,
    method: v.pipe(v.picklist(['link', 'code']), v.description('Whether the link or the code was used.')),
    bound,
  }),
  'session.revoked': event('session.revoked', 'A session was signed out (one per session when signing out everywhere).', {
    user_id: userId,
    session_id: sessionId,
  }),
  'magic_link.requested': event('magic_link.requested', 'A link and code were stored for mailing. No user id (a request makes no user) and no address.', {
    session_id: v.pipe(v.string(), v.regex(SESSION_ID_PATTERN), v.description('The id the session will have if this sign-in is completed.')),
    email_hash: v.pipe(
      v.string(),
      v.regex(EMAIL_HASH_PATTERN),
      v.description('The address\'s HMAC-SHA-256 under the deployment\'s secret, as the logs name it: the same address gives the same hash.'),
    ),
    bound,
    expires_at: v.pipe(v.string(), v.isoTimestamp(), v.description('When the link and code stop working.')),
  }),
} as const satisfies Record<EventType, v.GenericSchema>;

/** An event's `detail`, by type. */
export type EventDetail<T extends EventType = EventType> = { [K in T]: v.InferOutput<(typeof EVENT_DETAILS)[K]> }[T];

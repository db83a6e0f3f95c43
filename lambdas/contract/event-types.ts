/**
 * The lifecycle events' names and source: what a rule matches on. Kept apart from their schemas
 * (`events.ts`, valibot) so the construct can name them without shipping a validator to a CDK app.
 */

/** EventBridge `source` of every event. */
export const EVENT_SOURCE = 'magic-link-auth';

/** Every event type (EventBridge `detail-type`); `events.ts` holds one schema for each. */
export const EVENT_TYPES = ['user.created', 'user.signed_in', 'session.revoked', 'magic_link.requested'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

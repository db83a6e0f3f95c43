/**
 * Which lifecycle events a change of the table means. Each event is derived from the one write that
 * makes it true, so it happens once however often the change is delivered:
 *
 * | change                                               | event                  |
 * |------------------------------------------------------|------------------------|
 * | a user item is inserted                              | `user.created`         |
 * | a sign-in gets its `user_id` (verify's last write)   | `user.signed_in`       |
 * | a signed-in sign-in gets `revoked_at`                | `session.revoked`      |
 * | a sign-in (a link) is inserted                       | `magic_link.requested` |
 *
 * A sign-in refused by the policy never gets a `user_id`, so it makes no event but its request's.
 * Every event is checked against its documented schema before it goes out: a change that cannot make
 * a valid one is a poison record (`problem`), for the dead-letter queue. No AWS SDK here.
 */
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { EVENT_DETAILS, type EventDetail, type EventType } from '../contract/events';
import { sessionIdClaim } from '../domain/access-tokens';
import { ATTR, KEY_PREFIX } from '../table-layout';

type Item = Readonly<Record<string, unknown>>;

/** One change of one item, its images unmarshalled (a stream record with NEW_AND_OLD_IMAGES). */
export interface TableChange {
  readonly name: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly old?: Item;
  readonly new?: Item;
}

export type Derived = { readonly ok: true; readonly events: EventDetail[] } | { readonly ok: false; readonly problem: string };

/** The same id on every delivery: one event per type and subject (a user, a sign-in) ever happens. */
function eventId(type: EventType, subject: string): string {
  return `evt_${createHash('sha256').update(`${type}\n${subject}`).digest('hex').slice(0, 32)}`;
}

const iso = (epochSeconds: unknown) => (typeof epochSeconds === 'number' ? new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z') : undefined);

function checked(details: Record<string, unknown>[]): Derived {
  const events: EventDetail[] = [];
  for (const detail of details) {
    const result = v.safeParse(EVENT_DETAILS[detail.type as EventType], detail);
    // What was expected, never what was found: a value of the item may be an address.
    if (!result.success) return { ok: false, problem: `${String(detail.type)}: ${result.issues.map((issue) => `${v.getDotPath(issue) ?? 'detail'} is not ${issue.expected ?? issue.type}`).join('; ')}` };
    events.push(result.output as EventDetail);
  }
  return { ok: true, events };
}

const present = (item: Item | undefined, name: string) => item?.[name] !== undefined;

function userChange(change: TableChange): Record<string, unknown>[] {
  if (change.name !== 'INSERT') return [];
  const user = change.new!;
  const userId = String(user[ATTR.userId]);
  return [
    {
      id: eventId('user.created', userId),
      version: 1,
      type: 'user.created',
      time: iso(user[ATTR.createdAt]),
      user_id: user[ATTR.userId],
      session_id: typeof user[ATTR.signIn] === 'string' ? sessionIdClaim(user[ATTR.signIn] as string) : undefined,
      email: user[ATTR.email],
    },
  ];
}

function signInChange(signInId: string, change: TableChange): Record<string, unknown>[] {
  const before = change.old;
  const after = change.new;
  const sessionId = sessionIdClaim(signInId);
  if (change.name === 'INSERT') {
    // A link stored by a version from before events carries no keyed hash of its address: no event.
    if (!present(after, ATTR.emailHash)) return [];
    return [
      {
        id: eventId('magic_link.requested', signInId),
        version: 1,
        type: 'magic_link.requested',
        time: iso(after![ATTR.createdAt]),
        session_id: sessionId,
        email_hash: after![ATTR.emailHash],
        bound: present(after, ATTR.challenge),
        expires_at: iso(after![ATTR.linkExpiresAt]),
      },
    ];
  }
  if (change.name !== 'MODIFY') return [];
  const events: Record<string, unknown>[] = [];
  // A sign-in completed by a version from before events has no `used_by`: no event for it.
  if (!present(before, ATTR.userId) && present(after, ATTR.userId) && present(after, ATTR.usedBy)) {
    events.push({
      id: eventId('user.signed_in', signInId),
      version: 1,
      type: 'user.signed_in',
      time: iso(after![ATTR.usedAt]),
      user_id: after![ATTR.userId],
      session_id: sessionId,
      email: after![ATTR.email],
      method: after![ATTR.usedBy],
      bound: present(after, ATTR.challenge),
    });
  }
  // Only a session that was signed in ends: a link ended unused, or a sign-in the policy refused, did not start one.
  if (!present(before, ATTR.revokedAt) && present(after, ATTR.revokedAt) && present(before, ATTR.userId)) {
    events.push({
      id: eventId('session.revoked', signInId),
      version: 1,
      type: 'session.revoked',
      time: iso(after![ATTR.revokedAt]),
      user_id: before![ATTR.userId],
      session_id: sessionId,
    });
  }
  return events;
}

/** The events one change of the table means (most mean none), or why it cannot be published. */
export function eventsOf(change: TableChange): Derived {
  const pk = (change.new ?? change.old)?.[ATTR.pk];
  if (typeof pk !== 'string') return { ok: false, problem: 'the change names no item key' };
  if (pk.startsWith(KEY_PREFIX.user)) return checked(userChange(change));
  if (pk.startsWith(KEY_PREFIX.signIn)) return checked(signInChange(pk.slice(KEY_PREFIX.signIn.length), change));
  return { ok: true, events: [] };
}

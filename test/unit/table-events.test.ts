import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { eventsOf, type TableChange } from '../../lambdas/adapters/table-events';
import { EVENT_TYPES } from '../../lambdas/contract/events';
import { sessionIdClaim } from '../../lambdas/domain/access-tokens';
import { eventSchemaPath } from '../../scripts/docs/events';

const USER_ID = 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9';
const SIGN_IN = 'x'.repeat(43);
const NOW = 1_796_000_000;
const EMAIL_HASH = 'a'.repeat(64);

/** The documented schemas (docs/reference/events), as a consumer of the events would load them. */
const ajv = addFormats(new Ajv2020({ strict: false }));
const validators = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, ajv.compile(JSON.parse(readFileSync(path.join(__dirname, '..', '..', eventSchemaPath(type)), 'utf8')))]),
);

function events(change: TableChange) {
  const derived = eventsOf(change);
  if (!derived.ok) throw new Error(derived.problem);
  for (const detail of derived.events) {
    const validate = validators[detail.type]!;
    expect(validate(detail) ? [] : validate.errors).toEqual([]);
  }
  return derived.events;
}

const link = {
  pk: `signin#${SIGN_IN}`,
  email: 'ada@example.com',
  email_hash: EMAIL_HASH,
  user_hash: 'u'.repeat(43),
  link_expires_at: NOW + 900,
  created_at: NOW,
  ttl: NOW + 900 + 86_400,
};
const signedIn = { ...link, used_at: NOW + 60, used_by: 'code', session_hash: 'h', session_expires_at: NOW + 3600, user_id: USER_ID };
const consumed = { ...signedIn, user_id: undefined };

describe('which events a change of the table means', () => {
  it('a new link is magic_link.requested, with the keyed hash and never the address', () => {
    const [requested, ...rest] = events({ name: 'INSERT', new: link });
    expect(rest).toEqual([]);
    expect(requested).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      version: 1,
      type: 'magic_link.requested',
      time: new Date(NOW * 1000).toISOString().replace('.000Z', 'Z'),
      session_id: sessionIdClaim(SIGN_IN),
      email_hash: EMAIL_HASH,
      bound: false,
      expires_at: new Date((NOW + 900) * 1000).toISOString().replace('.000Z', 'Z'),
    });
    expect(JSON.stringify(requested)).not.toContain('ada@example.com');
    expect(events({ name: 'INSERT', new: { ...link, challenge: 'C'.repeat(43) } })[0]).toMatchObject({ bound: true });
  });

  it('the write that records the user on a used sign-in is user.signed_in, by link or code, with the session id of its access tokens', () => {
    expect(events({ name: 'MODIFY', old: link, new: consumed })).toEqual([]);
    const [signed] = events({ name: 'MODIFY', old: consumed, new: signedIn });
    expect(signed).toMatchObject({ type: 'user.signed_in', user_id: USER_ID, session_id: sessionIdClaim(SIGN_IN), email: 'ada@example.com', method: 'code', bound: false });
    expect(signed!.time).toBe(new Date((NOW + 60) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(events({ name: 'MODIFY', old: consumed, new: { ...signedIn, used_by: 'link', challenge: 'C'.repeat(43) } })[0]).toMatchObject({ method: 'link', bound: true });
  });

  it('a new user item is user.created, once: its later updates mean nothing', () => {
    const user = { pk: 'user#u', user_id: USER_ID, email: 'ada@example.com', created_at: NOW, signin: SIGN_IN };
    expect(events({ name: 'INSERT', new: user })).toEqual([
      { id: expect.any(String), version: 1, type: 'user.created', time: expect.any(String), user_id: USER_ID, session_id: sessionIdClaim(SIGN_IN), email: 'ada@example.com' },
    ]);
    expect(events({ name: 'MODIFY', old: user, new: { ...user, email: 'ada@example.com' } })).toEqual([]);
  });

  it('revoking a signed-in session is session.revoked; ending a link never used, or a sign-in the policy refused, is not', () => {
    expect(events({ name: 'MODIFY', old: signedIn, new: { ...signedIn, revoked_at: NOW + 120 } })).toEqual([
      { id: expect.any(String), version: 1, type: 'session.revoked', time: expect.any(String), user_id: USER_ID, session_id: sessionIdClaim(SIGN_IN) },
    ]);
    expect(events({ name: 'MODIFY', old: link, new: { ...link, revoked_at: NOW + 120 } })).toEqual([]);
    expect(events({ name: 'MODIFY', old: consumed, new: { ...consumed, revoked_at: NOW + 120 } })).toEqual([]);
    // A revocation seen again (its record delivered twice) has revoked_at on both sides: nothing new.
    expect(events({ name: 'MODIFY', old: { ...signedIn, revoked_at: NOW + 120 }, new: { ...signedIn, revoked_at: NOW + 120, ttl: 1 } })).toEqual([]);
  });

  it('gives one event one id on every delivery, and different events different ids', () => {
    const first = events({ name: 'MODIFY', old: consumed, new: signedIn })[0]!;
    expect(events({ name: 'MODIFY', old: consumed, new: signedIn })[0]!.id).toBe(first.id);
    expect(events({ name: 'MODIFY', old: signedIn, new: { ...signedIn, revoked_at: NOW } })[0]!.id).not.toBe(first.id);
    expect(events({ name: 'INSERT', new: link })[0]!.id).not.toBe(first.id);
  });

  it('counters, codes, removals (TTL, a failed send\'s undo) and items from before events mean nothing', () => {
    expect(events({ name: 'INSERT', new: { pk: 'rl#ip#1.2.3.4#0', cnt: 1 } })).toEqual([]);
    expect(events({ name: 'REMOVE', old: signedIn })).toEqual([]);
    expect(events({ name: 'INSERT', new: { ...link, email_hash: undefined } })).toEqual([]);
    expect(events({ name: 'MODIFY', old: consumed, new: { ...signedIn, used_by: undefined } })).toEqual([]);
  });

  it('a change that cannot make a valid event is a poison record, with what is wrong (never a value of the item)', () => {
    expect(eventsOf({ name: 'INSERT', new: { pk: 'user#u', email: 'ada@example.com', created_at: NOW, signin: SIGN_IN } })).toEqual({ ok: false, problem: expect.stringContaining('user_id') });
    expect(eventsOf({ name: 'MODIFY', old: consumed, new: { ...signedIn, user_id: 'not-an-id' } })).toEqual({ ok: false, problem: expect.stringMatching(/^user.signed_in: user_id /) });
    expect(eventsOf({ name: 'MODIFY', old: undefined, new: undefined })).toEqual({ ok: false, problem: 'the change names no item key' });
    const problem = eventsOf({ name: 'MODIFY', old: consumed, new: { ...signedIn, user_id: 'not-an-id' } });
    expect(JSON.stringify(problem)).not.toContain('not-an-id');
    expect(JSON.stringify(problem)).not.toContain('ada@example.com');
  });
});

import { GetItemCommand, PutItemCommand, ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import { SessionService } from '../../lambdas/domain/auth-service';
import { RefusedError } from '../../lambdas/domain/errors';
import type { LinkRequest } from '../../lambdas/domain/ports';
import { generateToken, hashToken } from '../../lambdas/domain/tokens';
import { KEYS, REQUEST_ITEMS, counterKeys, requestItemKeys } from '../../lambdas/table-layout';
import { USER_ID_SHAPE } from '../fixtures/assertions';
import { testAccessTokens } from '../fixtures/access-tokens';
import { authSettings } from '../fixtures/auth-settings';
import { engineEndpoint, expectItemsOnLayout, freshStore, newTrace, type EngineTrace } from './engine';

/**
 * The DynamoDB store against a real engine (AWS's DynamoDB Local): every condition it relies on, the
 * transaction's cancellation reasons, ReturnValuesOnConditionCheckFailure, items past their TTL that
 * the engine has not deleted yet, and real parallel races.
 */
jest.setTimeout(120_000);

// After every scenario below: each item left in the file's tables has a key and attributes of the table's layout.
expectItemsOnLayout();

const NOW = 1_800_000_000;
const WINDOW_END = NOW - (NOW % 3600) + 3600;
const WINDOW = { start: WINDOW_END - 3600, end: WINDOW_END };
/** The wall clock, for items whose `ttl` must really be in the past (NOW is a fixed moment in 2027). */
const wallClock = () => Math.floor(Date.now() / 1000);

let store: DynamoAuthStore;
let client: DynamoDBClient;
let tableName: string;
const trace: EngineTrace = newTrace();
beforeAll(async () => {
  ({ store, client, tableName } = await freshStore(trace));
});

let sequence = 0;
const unique = (label: string) => `${label}-${++sequence}-${Math.random().toString(36).slice(2)}`;

async function item(pk: string, on: { client: DynamoDBClient; tableName: string } = { client, tableName }): Promise<Record<string, unknown> | undefined> {
  const { Item } = await on.client.send(new GetItemCommand({ TableName: on.tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
  return Item ? unmarshall(Item) : undefined;
}
const put = (value: Record<string, unknown>) => client.send(new PutItemCommand({ TableName: tableName, Item: marshall(value) }));

/** A request from its own network, for its own address (and so its own live code), on its own mail budget shard, unless overridden. */
function linkRequest(overrides: Partial<LinkRequest> = {}, link: Partial<LinkRequest['link']> = {}): LinkRequest {
  return {
    ipKey: unique('ip'),
    emailHash: unique('hash'),
    window: WINDOW,
    limits: { ip: 50, email: 5, inbox: 5 },
    mailBudget: { shard: ++sequence, limit: 1000 },
    ...overrides,
    link: { id: unique('link'), email: 'ada@example.com', expiresAt: NOW + 900, retainUntil: NOW + 900 + 86_400, createdAt: NOW, codeHash: unique('code'), userHash: unique('user'), ...link },
  };
}

const consume = (id: string, extra: { now?: number; challenge?: string } = {}) => ({
  id,
  now: extra.now ?? NOW,
  ...(extra.challenge === undefined ? {} : { challenge: extra.challenge }),
  sessionSecretHash: 'session-hash',
  sessionExpiresAt: NOW + 3600,
  retainUntil: NOW + 3600 + 86_400,
  method: 'link' as const,
});

describe('recordLinkRequest', () => {
  it('counts the three limits and the mail budget and stores the link and the address\'s live code in one transaction', async () => {
    const request = linkRequest({}, { challenge: 'C'.repeat(43), redirectTo: 'https://app.example.com/after' });
    expect(await store.recordLinkRequest(request)).toBe('created');
    const keys = requestItemKeys(request);
    expect(keys.ip).toBe(`rl#ip#${request.ipKey}#${WINDOW.start}`);
    expect(keys.email).toBe(`rl#email#${request.ipKey}#${request.emailHash}#${WINDOW.start}`);
    expect(keys.inbox).toBe(`rl#inbox#${request.emailHash}#${WINDOW.start}`);
    expect(keys.mailBudget).toBe(`rl#mail#${WINDOW.start}#${request.mailBudget.shard}`);
    for (const counter of [keys.ip, keys.email, keys.inbox, keys.mailBudget]) expect(await item(counter)).toEqual({ pk: counter, cnt: 1, ttl: WINDOW_END });
    expect(await item(keys.link)).toEqual({
      pk: `signin#${request.link.id}`,
      email: 'ada@example.com',
      email_hash: request.emailHash,
      link_expires_at: NOW + 900,
      created_at: NOW,
      user_hash: request.link.userHash,
      challenge: 'C'.repeat(43),
      redirect_to: 'https://app.example.com/after',
      ttl: NOW + 900 + 86_400,
    });
    expect(await item(keys.code)).toEqual({
      pk: `code#${request.link.userHash}`,
      signin: request.link.id,
      code_hash: request.link.codeHash,
      link_expires_at: NOW + 900,
      challenge: 'C'.repeat(43),
      redirect_to: 'https://app.example.com/after',
      ttl: NOW + 900 + 86_400,
    });
  });

  it('refuses at the IP limit, reports the IP first when both are spent, and writes nothing', async () => {
    const request = linkRequest({ limits: { ip: 3, email: 5, inbox: 5 } });
    const keys = requestItemKeys(request);
    await put({ pk: keys.ip, cnt: 3, ttl: WINDOW_END });
    await put({ pk: keys.inbox, cnt: 5, ttl: WINDOW_END });
    expect(await store.recordLinkRequest(request)).toBe('ip_limit_exceeded');
    expect((await item(keys.ip))?.cnt).toBe(3);
    expect((await item(keys.inbox))?.cnt).toBe(5);
    expect(await item(keys.link)).toBeUndefined();
    expect(await item(keys.code)).toBeUndefined();
  });

  it('refuses at the address limit without using the IP\'s quota, and writes nothing', async () => {
    const request = linkRequest();
    const keys = requestItemKeys(request);
    await put({ pk: keys.inbox, cnt: 5, ttl: WINDOW_END });
    expect(await store.recordLinkRequest(request)).toBe('email_limit_exceeded');
    expect(await item(keys.inbox)).toEqual({ pk: keys.inbox, cnt: 5, ttl: WINDOW_END });
    expect(await item(keys.ip)).toBeUndefined();
    expect(await item(keys.email)).toBeUndefined();
    expect(await item(keys.mailBudget)).toBeUndefined();
    expect(await item(keys.link)).toBeUndefined();
    expect(await item(keys.code)).toBeUndefined();
  });

  it('reads the engine\'s cancellation reasons by item: one per item, in the order sent (REQUEST_ITEMS)', async () => {
    // Spend one item's condition at a time; the engine must answer ConditionalCheckFailed at exactly that item's position.
    expect(REQUEST_ITEMS).toEqual(['ip', 'inbox', 'link', 'code', 'email', 'mailBudget']);
    const existing = linkRequest();
    expect(await store.recordLinkRequest(existing)).toBe('created');
    /** A request whose counter `item` is already at its ceiling of 1. */
    const spent = async (item: 'ip' | 'email' | 'inbox' | 'mailBudget') => {
      const request =
        item === 'mailBudget' ? linkRequest({ mailBudget: { shard: ++sequence, limit: 1 } }) : linkRequest({ limits: { ip: 50, email: 5, inbox: 5, [item]: 1 } });
      await put({ pk: requestItemKeys(request)[item], cnt: 1, ttl: WINDOW_END });
      return request;
    };
    const cases: [(typeof REQUEST_ITEMS)[number], () => Promise<LinkRequest>, string][] = [
      ['ip', () => spent('ip'), 'ip_limit_exceeded'],
      ['inbox', () => spent('inbox'), 'email_limit_exceeded'],
      ['link', async () => linkRequest({}, { id: existing.link.id }), 'throws'],
      ['email', () => spent('email'), 'email_limit_exceeded'],
      ['mailBudget', () => spent('mailBudget'), 'capacity_exceeded'],
    ];
    for (const [spentItem, request, outcome] of cases) {
      const before = trace.cancellations.length;
      const answer = await store.recordLinkRequest(await request()).catch((error: Error) => (error.message === 'magic link id collision' ? 'throws' : error));
      expect(answer).toBe(outcome);
      expect(trace.cancellations.slice(before)).toEqual([REQUEST_ITEMS.map((name) => (name === spentItem ? 'ConditionalCheckFailed' : 'None'))]);
    }
    // Every condition spent at once: all five reported (the code has none: it replaces), and the IP is what the caller hears.
    const before = trace.cancellations.length;
    const all = linkRequest({ limits: { ip: 1, email: 1, inbox: 1 }, mailBudget: { shard: ++sequence, limit: 1 } }, { id: existing.link.id });
    const keys = requestItemKeys(all);
    for (const counter of [keys.ip, keys.email, keys.inbox, keys.mailBudget]) await put({ pk: counter, cnt: 1, ttl: WINDOW_END });
    expect(await store.recordLinkRequest(all)).toBe('ip_limit_exceeded');
    expect(trace.cancellations.slice(before)).toEqual([REQUEST_ITEMS.map((name) => (name === 'code' ? 'None' : 'ConditionalCheckFailed'))]);
  });

  it('lets one network use only its own share of an address, while other networks still get through up to the inbox ceiling', async () => {
    const emailHash = unique('inbox');
    const attacker = unique('attacker-network');
    const limits = { ip: 50, email: 2, inbox: 4 };
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await store.recordLinkRequest(linkRequest({ emailHash, limits, ipKey: attacker })));
    expect(outcomes).toEqual(['created', 'created', 'email_limit_exceeded', 'email_limit_exceeded']);
    expect((await item(KEYS.inboxCounter(emailHash, WINDOW.start)))?.cnt).toBe(2);
    // The owner, on another network, is not locked out; the inbox ceiling still holds for everyone.
    expect(await store.recordLinkRequest(linkRequest({ emailHash, limits, ipKey: unique('owner') }))).toBe('created');
    expect(await store.recordLinkRequest(linkRequest({ emailHash, limits, ipKey: unique('third') }))).toBe('created');
    expect(await store.recordLinkRequest(linkRequest({ emailHash, limits, ipKey: unique('fourth') }))).toBe('email_limit_exceeded');
  });

  it('counts from zero again in a new window (a new counter key), whatever the old one holds', async () => {
    const emailHash = unique('hash');
    await put({ pk: KEYS.inboxCounter(emailHash, WINDOW.start - 3600), cnt: 5, ttl: WINDOW_END - 3600 });
    expect(await store.recordLinkRequest(linkRequest({ emailHash }))).toBe('created');
  });

  it('keeps one live code per address: a new sign-in\'s code replaces the older one, whose link still works', async () => {
    const userHash = unique('user');
    const older = linkRequest({}, { userHash });
    const newer = linkRequest({}, { userHash });
    expect(await store.recordLinkRequest(older)).toBe('created');
    expect(await store.recordLinkRequest(newer)).toBe('created');
    expect(await store.findCode(userHash)).toEqual({ signInId: newer.link.id, codeHash: newer.link.codeHash, linkExpiresAt: NOW + 900 });
    expect(await store.consumeLink(consume(older.link.id))).toMatchObject({ outcome: 'consumed' });
  });

  it('undoes a request whose code a newer request replaced meanwhile, leaving the newer code live', async () => {
    const userHash = unique('user');
    const failed = linkRequest({}, { userHash });
    const newer = linkRequest({}, { userHash });
    await store.recordLinkRequest(failed);
    await store.recordLinkRequest(newer);
    await store.releaseLinkRequest(failed);
    expect(await item(requestItemKeys(failed).link)).toBeUndefined();
    expect((await item(requestItemKeys(failed).email))?.cnt).toBe(0);
    expect((await store.findCode(userHash))?.signInId).toBe(newer.link.id);
  });

  it("undoes a request whose mail failed: the address's counts given back, the network's and the mail budget's kept, the link and its code gone", async () => {
    const request = linkRequest();
    const keys = requestItemKeys(request);
    await put({ pk: keys.inbox, cnt: 2, ttl: WINDOW_END });
    expect(await store.recordLinkRequest(request)).toBe('created');
    await store.releaseLinkRequest(request);
    expect((await item(keys.email))?.cnt).toBe(0);
    expect((await item(keys.inbox))?.cnt).toBe(2);
    // Refused sends still cost the network, so one network cannot make the service spend without bound.
    expect((await item(keys.ip))?.cnt).toBe(1);
    expect((await item(keys.mailBudget))?.cnt).toBe(1);
    expect(await item(keys.link)).toBeUndefined();
    expect(await item(keys.code)).toBeUndefined();
  });

  it('refuses to undo a request whose link was used (it was mailed after all): the session stays', async () => {
    const request = linkRequest();
    await store.recordLinkRequest(request);
    await store.consumeLink(consume(request.link.id));
    await expect(store.releaseLinkRequest(request)).rejects.toThrow('releasing a request was refused');
    expect((await item(KEYS.signIn(request.link.id)))?.session_hash).toBe('session-hash');
    expect((await item(requestItemKeys(request).ip))?.cnt).toBe(1);
  });

  it('answers capacity_exceeded, writing nothing, when its shard of the mail budget is spent', async () => {
    const request = linkRequest({ mailBudget: { shard: ++sequence, limit: 2 } });
    const keys = requestItemKeys(request);
    await put({ pk: keys.mailBudget, cnt: 2, ttl: WINDOW_END });
    expect(await store.recordLinkRequest(request)).toBe('capacity_exceeded');
    expect(await item(keys.ip)).toBeUndefined();
    expect(await item(keys.link)).toBeUndefined();
  });

  it('throws on a link id that already exists (a 256-bit collision means a bug, not bad luck), changing nothing', async () => {
    const request = linkRequest();
    expect(await store.recordLinkRequest(request)).toBe('created');
    const stored = await item(KEYS.signIn(request.link.id));
    const colliding = linkRequest({}, { id: request.link.id, email: 'eve@example.com' });
    await expect(store.recordLinkRequest(colliding)).rejects.toThrow('magic link id collision');
    expect(await item(KEYS.signIn(request.link.id))).toEqual(stored);
    expect(await item(requestItemKeys(colliding).ip)).toBeUndefined();
    expect(await item(requestItemKeys(colliding).inbox)).toBeUndefined();
    expect(await item(KEYS.code(colliding.link.userHash))).toBeUndefined();
  });
});

describe('consumeLink', () => {
  async function link(extra: Partial<LinkRequest['link']> = {}) {
    const request = linkRequest({}, extra);
    expect(await store.recordLinkRequest(request)).toBe('created');
    return request.link;
  }

  it('consumes once, starting the session on the same item, and refuses the second with the used snapshot', async () => {
    const { id, userHash } = await link({ redirectTo: 'https://app.example.com/after' });
    expect(await store.consumeLink(consume(id))).toEqual({ outcome: 'consumed', email: 'ada@example.com', userHash, redirectTo: 'https://app.example.com/after' });
    expect(await item(`signin#${id}`)).toMatchObject({ used_at: NOW, used_by: 'link', session_hash: 'session-hash', session_expires_at: NOW + 3600, ttl: NOW + 3600 + 86_400 });
    expect(await store.consumeLink(consume(id, { now: NOW + 1 }))).toEqual({ outcome: 'refused', record: { linkExpiresAt: NOW + 900, usedAt: NOW } });
  });

  it('refuses an id nobody issued with no record', async () => {
    expect(await store.consumeLink(consume(unique('nobody')))).toEqual({ outcome: 'refused', record: null });
  });

  it('refuses at and after expiry with the record as it stood (ReturnValuesOnConditionCheckFailure)', async () => {
    const { id } = await link({ expiresAt: NOW + 10 });
    expect(await store.consumeLink(consume(id, { now: NOW + 10 }))).toEqual({ outcome: 'refused', record: { linkExpiresAt: NOW + 10 } });
    expect((await item(`signin#${id}`))?.used_at).toBeUndefined();
  });

  it('does not treat a link past its TTL as live: the engine still holds it (deletion is lazy), the condition refuses it', async () => {
    const now = wallClock();
    const id = unique('ttl-past');
    await put({ pk: `signin#${id}`, email: 'ada@example.com', user_hash: 'user-ada', link_expires_at: now - 3600, created_at: now - 4500, ttl: now - 60 });
    expect(await store.consumeLink(consume(id, { now }))).toEqual({ outcome: 'refused', record: { linkExpiresAt: now - 3600 } });
    expect(await item(`signin#${id}`)).toEqual({ pk: `signin#${id}`, email: 'ada@example.com', user_hash: 'user-ada', link_expires_at: now - 3600, created_at: now - 4500, ttl: now - 60 });
  });

  it('consumes a bound link only with its challenge; a mismatch changes nothing', async () => {
    const { id } = await link({ challenge: 'A'.repeat(43) });
    const before = await item(`signin#${id}`);
    expect(await store.consumeLink(consume(id))).toEqual({ outcome: 'refused', record: { linkExpiresAt: NOW + 900, challenge: 'A'.repeat(43) } });
    expect(await store.consumeLink(consume(id, { challenge: 'B'.repeat(43) }))).toMatchObject({ outcome: 'refused' });
    expect(await item(`signin#${id}`)).toEqual(before);
    expect(await store.consumeLink(consume(id, { challenge: 'A'.repeat(43) }))).toMatchObject({ outcome: 'consumed' });
  });
});

describe('codes', () => {
  const attempts = (limits: { networkAttempts?: number; attempts?: number; ipAttempts?: number } = {}, ipKey = unique('net'), emailHash = unique('attempts')) => ({
    emailHash,
    ipKey,
    window: WINDOW,
    limits: { networkAttempts: limits.networkAttempts ?? 5, attempts: limits.attempts ?? 20, ipAttempts: limits.ipAttempts ?? 20 },
  });
  const attemptsKey = (budget: { emailHash: string }) => KEYS.codeAttempts(budget.emailHash, WINDOW.start);
  const ipAttemptsKey = (budget: { ipKey: string }) => KEYS.ipCodeAttempts(budget.ipKey, WINDOW.start);
  const byCode = (request: LinkRequest, budget = attempts(), extra: { now?: number; challenge?: string } = {}) =>
    store.consumeByCode({ ...consume(request.link.id, extra), method: 'code', email: 'ada@example.com', userHash: request.link.userHash, attempts: budget });

  it('finds the address\'s live code consistently, with what checking it needs, and nothing for an address without one', async () => {
    const request = linkRequest({}, { redirectTo: 'https://app.example.com/after', challenge: 'A'.repeat(43) });
    await store.recordLinkRequest(request);
    expect(await store.findCode(request.link.userHash)).toEqual({
      signInId: request.link.id,
      codeHash: request.link.codeHash,
      linkExpiresAt: NOW + 900,
      challenge: 'A'.repeat(43),
      redirectTo: 'https://app.example.com/after',
    });
    expect(await store.findCode(unique('nobody'))).toBeNull();
  });

  it('consumes by code while both budgets last, deleting the code with it; a spent budget refuses even a live sign-in and leaves it live', async () => {
    const first = linkRequest();
    await store.recordLinkRequest(first);
    expect(await byCode(first)).toEqual({ outcome: 'consumed', email: 'ada@example.com', userHash: first.link.userHash });
    expect(await store.findCode(first.link.userHash)).toBeNull();
    expect((await item(`signin#${first.link.id}`))?.used_by).toBe('code');

    for (const [spentKey, outcome] of [[attemptsKey, 'attempts_exceeded'], [ipAttemptsKey, 'ip_attempts_exceeded']] as const) {
      const second = linkRequest();
      await store.recordLinkRequest(second);
      const spent = attempts({ attempts: 5, ipAttempts: 5 });
      await put({ pk: spentKey(spent), cnt: 5, ttl: WINDOW_END });
      expect(await byCode(second, spent)).toEqual({ outcome });
      expect((await item(`signin#${second.link.id}`))?.used_at).toBeUndefined();
      expect((await store.findCode(second.link.userHash))?.signInId).toBe(second.link.id);
      expect(await store.consumeLink(consume(second.link.id))).toMatchObject({ outcome: 'consumed' });
    }
  });

  it('refuses a used, bound or replaced sign-in through the transaction, changing nothing', async () => {
    const used = linkRequest();
    await store.recordLinkRequest(used);
    await store.consumeLink(consume(used.link.id));
    expect(await byCode(used)).toEqual({ outcome: 'refused', record: { linkExpiresAt: NOW + 900, usedAt: NOW } });
    const bound = linkRequest({}, { challenge: 'A'.repeat(43) });
    await store.recordLinkRequest(bound);
    expect(await byCode(bound)).toEqual({ outcome: 'refused', record: { linkExpiresAt: NOW + 900, challenge: 'A'.repeat(43) } });
    // A newer request replaced the address's code: the older sign-in is not consumed by code, though live.
    const userHash = unique('user');
    const older = linkRequest({}, { userHash });
    await store.recordLinkRequest(older);
    await store.recordLinkRequest(linkRequest({}, { userHash }));
    expect(await byCode(older)).toMatchObject({ outcome: 'refused' });
    expect((await item(`signin#${older.link.id}`))?.used_at).toBeUndefined();
  });

  it('counts wrong codes against both budgets at once, up to either cap, then refuses by the spent one and counts no more', async () => {
    const budget = attempts({ attempts: 3 });
    for (let i = 0; i < 3; i++) expect(await store.countWrongCode(budget)).toBe('counted');
    expect(await store.countWrongCode(budget)).toBe('attempts_exceeded');
    expect(await item(attemptsKey(budget))).toEqual({ pk: `rl#code#${budget.emailHash}#${WINDOW.start}`, cnt: 3, ttl: WINDOW_END });
    expect(await item(ipAttemptsKey(budget))).toEqual({ pk: `rl#ipcode#${budget.ipKey}#${WINDOW.start}`, cnt: 3, ttl: WINDOW_END });
    // One network across addresses: its own cap, whichever address.
    const network = unique('net');
    for (let i = 0; i < 4; i++) expect(await store.countWrongCode(attempts({ ipAttempts: 4 }, network))).toBe('counted');
    const next = attempts({ ipAttempts: 4 }, network);
    expect(await store.countWrongCode(next)).toBe('ip_attempts_exceeded');
    expect(await item(attemptsKey(next))).toBeUndefined();
  });
});

describe('sessions', () => {
  async function session(): Promise<string> {
    const request = linkRequest();
    await store.recordLinkRequest(request);
    await store.consumeLink(consume(request.link.id));
    return request.link.id;
  }

  it('reads a session consistently, and nothing for an unknown id', async () => {
    const id = await session();
    expect(await store.getSession(id)).toEqual({ email: 'ada@example.com', sessionSecretHash: 'session-hash', sessionExpiresAt: NOW + 3600, revokedAt: undefined });
    expect(await store.getSession(unique('nobody'))).toBeNull();
  });

  it('revokes a live session once; a wrong secret, a second revoke, an expired session or an unknown id are refused', async () => {
    const id = await session();
    const revoke = (extra: { sessionSecretHash?: string; now?: number; id?: string } = {}) =>
      store.revokeSession({ id: extra.id ?? id, sessionSecretHash: extra.sessionSecretHash ?? 'session-hash', now: extra.now ?? NOW + 5, retainUntil: NOW + 86_400 });
    expect(await revoke({ sessionSecretHash: 'wrong' })).toBeNull();
    expect(await revoke({ now: NOW + 3600 })).toBeNull();
    expect(await revoke({ id: unique('nobody') })).toBeNull();
    expect(await revoke()).toEqual({ email: 'ada@example.com' });
    expect(await revoke()).toBeNull();
    expect((await store.getSession(id))?.revokedAt).toBe(NOW + 5);
  });

  it('does not accept or revoke a session past its TTL that the engine still holds', async () => {
    const now = wallClock();
    const sessions = new SessionService(store);
    const stored = async (sessionExpiresAt: number, ttl: number) => {
      const id = generateToken();
      const secret = generateToken();
      await put({ pk: `signin#${id}`, email: 'ada@example.com', user_hash: 'user-ada', link_expires_at: now - 7200, created_at: now - 8000, used_at: now - 7000, session_hash: hashToken(secret), session_expires_at: sessionExpiresAt, ttl });
      return { id, secret, token: `${id}.${secret}` };
    };
    // The control: the same item, live, is accepted.
    const live = await stored(now + 3600, now + 3600 + 86_400);
    await expect(sessions.getSession(live.token, new Date())).resolves.toMatchObject({ user: { email: 'ada@example.com' } });

    const expired = await stored(now - 120, now - 60);
    // The store reads it back (consistently) as it is; the expiry is the reader's to check, and the service refuses it.
    expect(await store.getSession(expired.id)).toEqual({ email: 'ada@example.com', sessionSecretHash: hashToken(expired.secret), sessionExpiresAt: now - 120, revokedAt: undefined });
    await expect(sessions.getSession(expired.token, new Date())).rejects.toBeInstanceOf(RefusedError);
    await expect(sessions.getSession(expired.token, new Date())).rejects.toMatchObject({ reason: 'session_invalid' });
    expect(await store.revokeSession({ id: expired.id, sessionSecretHash: hashToken(expired.secret), now, retainUntil: now + 86_400 })).toBeNull();
    expect((await item(`signin#${expired.id}`))?.revoked_at).toBeUndefined();
  });
});

describe('users', () => {
  const userId = (n: number) => `usr_01KBQ6F8R3T5V7X9Z1B3D5F7${String(n).padStart(2, '0')}`;

  it("keeps the first id an address's user is given, with when, its address and the sign-in that made it, and hands it back whatever later candidate comes", async () => {
    const userHash = unique('user');
    const first = { email: 'ada@example.com', signInId: 'first-sign-in' };
    expect(await store.userOf({ userHash, candidateId: userId(1), createdAt: NOW, ...first })).toBe(userId(1));
    expect(await store.userOf({ userHash, candidateId: userId(2), createdAt: NOW + 60, email: 'ada@example.com', signInId: 'second-sign-in' })).toBe(userId(1));
    expect(await item(KEYS.user(userHash))).toEqual({ pk: KEYS.user(userHash), user_id: userId(1), created_at: NOW, email: 'ada@example.com', signin: 'first-sign-in' });
    expect(await store.userOf({ userHash: unique('user'), candidateId: userId(3), createdAt: NOW, ...first })).toBe(userId(3));
  });

  it("records the user's id on a consumed sign-in, where the session check reads it; never on a sign-in that is not there", async () => {
    const request = linkRequest();
    await store.recordLinkRequest(request);
    await store.consumeLink(consume(request.link.id));
    await store.setSignInUser({ id: request.link.id, userId: userId(4) });
    expect(await store.getSession(request.link.id)).toMatchObject({ email: 'ada@example.com', userId: userId(4), sessionSecretHash: 'session-hash' });
    const nobody = unique('nobody');
    await expect(store.setSignInUser({ id: nobody, userId: userId(4) })).rejects.toThrow();
    expect(await item(`signin#${nobody}`)).toBeUndefined();
  });
});

describe('the first sign-ins of a new address, 50 at once (the domain on the real store)', () => {
  it('make exactly one user, whose id all 50 get; a later sign-in gets it too, another address another id, and a request alone makes none', async () => {
    const { SignInService } = await import('../../lambdas/domain/auth-service');
    const { userHash } = await import('../../lambdas/domain/tokens');
    const { store: own, client: ownClient, tableName: ownTable } = await freshStore();
    const service = new SignInService(own, { get: async () => 'x'.repeat(64) }, authSettings(), testAccessTokens());
    const now = new Date(NOW * 1000);
    /** A link mailed for `email` (its own network and budget), as the request function stores it: its token. */
    const mailed = async (email: string) => {
      const token = generateToken();
      expect(await own.recordLinkRequest(linkRequest({}, { id: hashToken(token), email, userHash: userHash(email) }))).toBe('created');
      return token;
    };
    const users = async () => {
      const { Items = [] } = await ownClient.send(new ScanCommand({ TableName: ownTable, ConsistentRead: true }));
      return Items.map((entry) => unmarshall(entry)).filter((entry) => String(entry.pk).startsWith('user#'));
    };

    const tokens = await Promise.all(Array.from({ length: 50 }, () => mailed('new@example.com')));
    expect(await users()).toEqual([]);
    const signedIn = await Promise.all(tokens.map((token) => service.verify(token, now)));
    const ids = new Set(signedIn.map((result) => result.user.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(id).toMatch(USER_ID_SHAPE);
    const made = await users();
    expect(made).toEqual([{ pk: KEYS.user(userHash('new@example.com')), user_id: id, created_at: NOW, email: 'new@example.com', signin: expect.any(String) }]);
    // The sign-in that made the user is one of the 50 (the one whose write came first): its user.created names its session.
    expect(signedIn.map((result) => result.session.token.split('.')[0])).toContain(made[0]!.signin);
    // Each session carries the id: the session check reads it in its one read.
    const sessions = new SessionService(own);
    for (const result of signedIn.slice(0, 5)) expect((await sessions.getSession(result.session.token, now)).user).toEqual({ id, email: 'new@example.com' });

    expect((await service.verify(await mailed('new@example.com'), new Date((NOW + 600) * 1000))).user).toEqual({ id, email: 'new@example.com' });
    const other = await service.verify(await mailed('other@example.com'), now);
    expect(other.user.id).toMatch(USER_ID_SHAPE);
    expect(other.user.id).not.toBe(id);
    expect(await users()).toHaveLength(2);
  });
});

describe('the deployment\'s mail budget under 200 parallel requests (the domain on the real store)', () => {
  it('never sends more than the budget, over its shards, and tells how long is left of the hour', async () => {
    const { MagicLinkService } = await import('../../lambdas/domain/auth-service');
    const { RefusedError } = await import('../../lambdas/domain/errors');
    const { store: shared } = await freshStore();
    let sent = 0;
    const budget = 40;
    const service = new MagicLinkService(shared, { send: async () => void sent++ }, { get: async () => 'x'.repeat(64) }, authSettings({
      linkLifetimeSeconds: 900,
      sessionLifetimeSeconds: 3600,
      ipLimitPerHour: 1000,
      mailBudgetPerHour: budget,
      // The budget alone: no reserve, no proof of work, no network share (test/store/mail-pressure.test.ts has those).
      mailBudgetReservePercent: 0,
      challengeThresholdPercent: 100,
      networkBudgetPercent: 100,
    }));
    const now = new Date();
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        service.requestMagicLink(`person${i}@example.com`, `198.51.${Math.floor(i / 250)}.${i % 250}`, now).then(
          () => 'sent',
          (error: unknown) => (error instanceof RefusedError ? `${error.reason}:${error.retryAfterSeconds}` : String(error)),
        ),
      ),
    );
    const refused = outcomes.filter((outcome) => outcome !== 'sent');
    console.log(`mail budget ${budget} over 200 parallel requests: ${sent} sent, ${refused.length} refused`);
    expect(sent).toBeLessThanOrEqual(budget);
    expect(sent).toBeGreaterThanOrEqual(budget * 0.9); // a request tries 3 of 10 shards: a few may be refused early
    const left = 3600 - (Math.floor(now.getTime() / 1000) % 3600);
    expect(new Set(refused)).toEqual(new Set([`capacity_exceeded:${left}`]));
  });
});

describe('revokeAll (signing out everywhere)', () => {
  it('ends every live session and every unused link of one address through the user index, deletes its live code, and nothing of another address', async () => {
    const { store: own, client: ownClient, tableName: ownTable } = await freshStore();
    const at = { client: ownClient, tableName: ownTable };
    const signIn = async (userHash: string, consumed = true) => {
      const request = linkRequest({}, { userHash });
      await own.recordLinkRequest(request);
      if (consumed) await own.consumeLink(consume(request.link.id));
      return request.link.id;
    };
    const mine = [await signIn('user-grace'), await signIn('user-grace'), await signIn('user-grace')];
    const pending = await signIn('user-grace', false);
    const theirs = await signIn('user-other');
    const theirPending = await signIn('user-other', false);
    expect(await own.findCode('user-grace')).not.toBeNull();
    expect(await own.revokeAll({ userHash: 'user-grace', now: NOW + 10, retainUntil: NOW + 86_400 })).toBe(4);
    for (const id of mine) expect((await own.getSession(id))?.revokedAt).toBe(NOW + 10);
    expect((await item(`signin#${pending}`, at))?.revoked_at).toBe(NOW + 10);
    expect(await own.findCode('user-grace')).toBeNull();
    // The pending link no longer signs in, and says why from its record (ended before it was used).
    expect(await own.consumeLink(consume(pending, { now: NOW + 11 }))).toEqual({ outcome: 'refused', record: { linkExpiresAt: NOW + 900, revokedAt: NOW + 10 } });
    expect((await own.getSession(theirs))?.revokedAt).toBeUndefined();
    expect(await own.findCode('user-other')).not.toBeNull();
    expect(await own.consumeLink(consume(theirPending, { now: NOW + 11 }))).toMatchObject({ outcome: 'consumed' });
    // Nothing left to end; a link asked for afterwards works.
    expect(await own.revokeAll({ userHash: 'user-grace', now: NOW + 20, retainUntil: NOW + 86_400 })).toBe(0);
    expect(await own.consumeLink(consume(await signIn('user-grace', false), { now: NOW + 21 }))).toMatchObject({ outcome: 'consumed' });
  });
});

describe('races, with real parallel requests (200-way, 10 times each)', () => {
  const raceTrace = newTrace();
  let racing: DynamoAuthStore;
  let table: { client: DynamoDBClient; tableName: string };
  beforeAll(async () => {
    const fresh = await freshStore(raceTrace);
    racing = fresh.store;
    table = { client: fresh.client, tableName: fresh.tableName };
  });
  afterAll(() => {
    console.log(
      `conflicts the engine at ${engineEndpoint()} answered to 10,000 racing store calls: ${raceTrace.transactions} cancelled transactions with TransactionConflict, ${raceTrace.writes} plain writes with TransactionConflictException (${raceTrace.cancellations.length} cancelled transactions in all)`,
    );
  });

  it('consumes a link exactly once when 200 verifies race', async () => {
    for (let round = 0; round < 10; round++) {
      const request = linkRequest();
      expect(await racing.recordLinkRequest(request)).toBe('created');
      const outcomes = await Promise.all(Array.from({ length: 200 }, (_, i) => racing.consumeLink({ ...consume(request.link.id), sessionSecretHash: `s${i}` })));
      expect(outcomes.filter((outcome) => outcome.outcome === 'consumed')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.outcome === 'refused' && outcome.record?.usedAt === NOW)).toHaveLength(199);
    }
  });

  it('creates exactly 5 links when 200 requests for one address race (inbox limit 5)', async () => {
    for (let round = 0; round < 10; round++) {
      const emailHash = unique('race-email');
      const outcomes = await Promise.all(Array.from({ length: 200 }, () => racing.recordLinkRequest(linkRequest({ emailHash }))));
      expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(5);
      expect(outcomes.filter((outcome) => outcome === 'email_limit_exceeded')).toHaveLength(195);
      expect((await item(KEYS.inboxCounter(emailHash, WINDOW.start), table))?.cnt).toBe(5);
    }
  });

  it('has one winner when 100 link verifies and 100 code verifies of one sign-in race', async () => {
    for (let round = 0; round < 10; round++) {
      const request = linkRequest();
      await racing.recordLinkRequest(request);
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          i % 2 === 0
            ? racing.consumeLink(consume(request.link.id))
            : racing.consumeByCode({
                ...consume(request.link.id),
                email: 'ada@example.com',
                userHash: request.link.userHash,
                attempts: { emailHash: unique('att'), ipKey: unique('net'), window: WINDOW, limits: { networkAttempts: 5, attempts: 20, ipAttempts: 20 } },
              }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.outcome === 'consumed')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.outcome === 'refused')).toHaveLength(199);
    }
  });

  it('counts exactly 5 of 200 parallel wrong codes for one address (from many networks)', async () => {
    for (let round = 0; round < 10; round++) {
      const emailHash = unique('race-wrong');
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, () => racing.countWrongCode({ emailHash, ipKey: unique('net'), window: WINDOW, limits: { networkAttempts: 5, attempts: 5, ipAttempts: 20 } })),
      );
      expect(outcomes.filter((outcome) => outcome === 'counted')).toHaveLength(5);
      expect(outcomes.filter((outcome) => outcome === 'attempts_exceeded')).toHaveLength(195);
      expect((await item(KEYS.codeAttempts(emailHash, WINDOW.start), table))?.cnt).toBe(5);
    }
  });

  it('counts exactly 20 of 200 parallel wrong codes from one network across 200 addresses', async () => {
    for (let round = 0; round < 10; round++) {
      const ipKey = unique('race-net');
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, () => racing.countWrongCode({ emailHash: unique('addr'), ipKey, window: WINDOW, limits: { networkAttempts: 5, attempts: 20, ipAttempts: 20 } })),
      );
      expect(outcomes.filter((outcome) => outcome === 'counted')).toHaveLength(20);
      expect(outcomes.filter((outcome) => outcome === 'ip_attempts_exceeded')).toHaveLength(180);
      expect((await item(KEYS.ipCodeAttempts(ipKey, WINDOW.start), table))?.cnt).toBe(20);
    }
  });
});

describe('countLinkRequest (a request the sign-in policy refused)', () => {
  it('counts the network, the address from it and the inbox, as an allowed request does, and writes nothing else', async () => {
    const request = linkRequest();
    expect(await store.countLinkRequest(request)).toBe('counted');
    for (const counter of Object.values(counterKeys(request))) expect(await item(counter)).toEqual({ pk: counter, cnt: 1, ttl: WINDOW_END });
    const keys = requestItemKeys(request);
    for (const written of [keys.link, keys.code, keys.mailBudget]) expect(await item(written)).toBeUndefined();
    // An allowed request for the same address from the same network then counts on the same counters.
    expect(await store.recordLinkRequest(request)).toBe('created');
    for (const counter of [keys.ip, keys.email, keys.inbox]) expect(await item(counter)).toMatchObject({ cnt: 2 });
  });

  it('answers the spent limit as an allowed request would, the IP first, counting nothing', async () => {
    const network = linkRequest({ limits: { ip: 1, email: 5, inbox: 5 } });
    expect(await store.countLinkRequest(network)).toBe('counted');
    expect(await store.countLinkRequest({ ...network, emailHash: unique('hash') })).toBe('ip_limit_exceeded');
    const address = linkRequest({ limits: { ip: 50, email: 1, inbox: 5 } });
    expect(await store.countLinkRequest(address)).toBe('counted');
    expect(await store.countLinkRequest(address)).toBe('email_limit_exceeded');
    // Refused and allowed requests share the limits: a refused one spends an allowed one's quota too.
    expect(await store.recordLinkRequest(address)).toBe('email_limit_exceeded');
    expect(await item(counterKeys(address).ip)).toMatchObject({ cnt: 1 });
  });
});

describe('endSignIn (a sign-in the policy refuses once its address is known)', () => {
  it('revokes the consumed sign-in, giving it no user, so its session never works; a second end changes nothing', async () => {
    const request = linkRequest();
    await store.recordLinkRequest(request);
    expect(await store.consumeLink(consume(request.link.id))).toMatchObject({ outcome: 'consumed' });
    await store.endSignIn({ id: request.link.id, now: NOW, retainUntil: NOW + 86_400 });
    const record = await item(KEYS.signIn(request.link.id));
    expect(record).toMatchObject({ used_at: NOW, revoked_at: NOW, ttl: NOW + 86_400 });
    expect(record).not.toHaveProperty('user_id');
    expect(await store.getSession(request.link.id)).toMatchObject({ revokedAt: NOW });
    // Ended already (signing out everywhere got there first): nothing to do, no error.
    await store.endSignIn({ id: request.link.id, now: NOW + 5, retainUntil: NOW + 86_400 });
    expect(await item(KEYS.signIn(request.link.id))).toMatchObject({ revoked_at: NOW });
  });
});

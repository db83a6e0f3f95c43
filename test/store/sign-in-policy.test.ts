import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import type { CountedRequest, LinkRequest } from '../../lambdas/domain/ports';
import { counterKeys, requestItemKeys } from '../../lambdas/table-layout';
import { expectItemsOnLayout, freshStore, newTrace, type EngineTrace } from './engine';

/**
 * What the sign-in policy writes, against a real engine: a refused request counts exactly as an allowed
 * one against the three request limits and writes nothing else; a refused sign-in is ended with no user.
 */
jest.setTimeout(120_000);
expectItemsOnLayout();

const NOW = 1_800_000_000;
const WINDOW_END = NOW - (NOW % 3600) + 3600;
const WINDOW = { start: WINDOW_END - 3600, end: WINDOW_END };

let store: DynamoAuthStore;
let client: DynamoDBClient;
let tableName: string;
const trace: EngineTrace = newTrace();
beforeAll(async () => {
  ({ store, client, tableName } = await freshStore(trace));
});

let sequence = 0;
const unique = (label: string) => `${label}-${++sequence}-${Math.random().toString(36).slice(2)}`;
async function item(pk: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
  return Item ? unmarshall(Item) : undefined;
}

const counted = (overrides: Partial<CountedRequest> = {}): CountedRequest => ({ ipKey: unique('ip'), emailHash: unique('hash'), window: WINDOW, limits: { ip: 50, email: 5, inbox: 5 }, ...overrides });
const linkRequest = (request: CountedRequest): LinkRequest => ({
  ...request,
  mailBudget: { shard: ++sequence, limit: 1000 },
  link: { id: unique('link'), email: 'ada@example.com', expiresAt: NOW + 900, retainUntil: NOW + 900 + 86_400, createdAt: NOW, codeHash: unique('code'), userHash: unique('user') },
});

describe('countLinkRequest (a request the sign-in policy refused)', () => {
  it('counts the network, the address from it and the inbox, as an allowed request does, and writes nothing else', async () => {
    const request = counted();
    expect(await store.countLinkRequest(request)).toBe('counted');
    const keys = counterKeys(request);
    for (const counter of Object.values(keys)) expect(await item(counter)).toEqual({ pk: counter, cnt: 1, ttl: WINDOW_END });
    // An allowed request for the same address then counts on the same counters.
    const allowed = linkRequest(request);
    expect(await store.recordLinkRequest(allowed)).toBe('created');
    const allKeys = requestItemKeys(allowed);
    for (const counter of [allKeys.ip, allKeys.email, allKeys.inbox]) expect(await item(counter)).toMatchObject({ cnt: 2 });
  });

  it('answers the spent limit as an allowed request would, the IP first, counting nothing', async () => {
    const network = counted({ limits: { ip: 1, email: 5, inbox: 5 } });
    expect(await store.countLinkRequest(network)).toBe('counted');
    expect(await store.countLinkRequest({ ...network, emailHash: unique('hash') })).toBe('ip_limit_exceeded');
    const address = counted({ limits: { ip: 50, email: 1, inbox: 5 } });
    expect(await store.countLinkRequest(address)).toBe('counted');
    expect(await store.countLinkRequest(address)).toBe('email_limit_exceeded');
    // Refused and allowed requests share the limits: a refused one spends an allowed one's quota too.
    expect(await store.recordLinkRequest(linkRequest(address))).toBe('email_limit_exceeded');
    expect(await item(counterKeys(address).ip)).toMatchObject({ cnt: 1 });
  });
});

describe('endSignIn (a sign-in the policy refuses once its address is known)', () => {
  it('revokes the consumed sign-in, giving it no user, so its session never works', async () => {
    const request = linkRequest(counted());
    await store.recordLinkRequest(request);
    const consume = { id: request.link.id, now: NOW, sessionSecretHash: 'session-hash', sessionExpiresAt: NOW + 3600, retainUntil: NOW + 3600 + 86_400, method: 'link' as const };
    expect(await store.consumeLink(consume)).toMatchObject({ outcome: 'consumed' });
    await store.endSignIn({ id: request.link.id, now: NOW, retainUntil: NOW + 86_400 });
    const record = await item(requestItemKeys(request).link);
    expect(record).toMatchObject({ used_at: NOW, revoked_at: NOW, ttl: NOW + 86_400 });
    expect(record).not.toHaveProperty('user_id');
    expect(await store.getSession(request.link.id)).toMatchObject({ revokedAt: NOW });
    // Ended already (signing out everywhere got there first): nothing to do, no error.
    await store.endSignIn({ id: request.link.id, now: NOW + 5, retainUntil: NOW + 86_400 });
    expect(await item(requestItemKeys(request).link)).toMatchObject({ revoked_at: NOW });
  });
});

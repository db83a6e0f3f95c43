import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DynamoOidcStore } from '../../lambdas/adapters/dynamo-oidc-store';
import { newAuthorizationCode, type AuthorizationRequest } from '../../lambdas/domain/oidc';
import { generateToken, hashToken } from '../../lambdas/domain/tokens';
import { KEYS } from '../../lambdas/table-layout';
import { expectItemsOnLayout, freshStore } from './engine';

/**
 * The token endpoint's part of the store against a real engine (DynamoDB Local): an authorization code
 * is exchanged once however many race for it, and a refresh family rotates, refuses a rotated token,
 * and ends.
 */
jest.setTimeout(120_000);
expectItemsOnLayout();

const NOW = 1_800_000_000;
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const REQUEST: AuthorizationRequest = { clientId: 'spa', redirectUri: 'https://app.example.com/cb', scope: 'openid email', state: 's', nonce: 'n', codeChallenge: CHALLENGE };

let store: DynamoOidcStore;
let client: DynamoDBClient;
let tableName: string;
beforeAll(async () => {
  const fresh = await freshStore();
  ({ client, tableName } = fresh);
  store = new DynamoOidcStore({ tableName, client, backoffMs: () => 0 });
});

async function item(pk: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
  return Item ? unmarshall(Item) : undefined;
}

/** A code as verify stores it, signed in at `authTime`. */
async function savedCode(authTime = NOW, request: AuthorizationRequest = REQUEST) {
  const { code, item: saved } = newAuthorizationCode(
    { request, userId: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9', email: 'ada@example.com', signInId: generateToken(), authTime, method: 'link', sessionExpiresAt: authTime + 3600 },
    86_400,
  );
  await store.saveAuthorizationCode(saved);
  return { code, codeHash: saved.codeHash };
}

const exchange = (codeHash: string, extra: Partial<Parameters<DynamoOidcStore['exchangeAuthorizationCode']>[0]> = {}) =>
  store.exchangeAuthorizationCode({ codeHash, clientId: REQUEST.clientId, redirectUri: REQUEST.redirectUri, challenge: CHALLENGE, now: NOW + 1, familyId: generateToken(), ...extra });

describe('authorization codes', () => {
  it('stores only the code\'s hash, and exchanges it for its client, redirect URI and challenge', async () => {
    const { code, codeHash } = await savedCode();
    const stored = await item(KEYS.authCode(codeHash));
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(codeHash).toBe(hashToken(code));
    const result = await exchange(codeHash);
    expect(result).toEqual({ outcome: 'exchanged', code: { scope: 'openid email', nonce: 'n', userId: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9', email: 'ada@example.com', signInId: expect.any(String), authTime: NOW, sessionExpiresAt: NOW + 3600 } });
  });

  it.each([
    ['another client', { clientId: 'other' }],
    ['another redirect URI', { redirectUri: 'https://app.example.com/other' }],
    ['another verifier\'s challenge', { challenge: 'x'.repeat(43) }],
    ['no verifier for a code with a challenge', { challenge: undefined }],
    ['after its 60 seconds', { now: NOW + 60 }],
  ])('refuses %s, and the code still works for its own', async (_case, change) => {
    const { codeHash } = await savedCode();
    expect(await exchange(codeHash, change)).toEqual({ outcome: 'refused' });
    if (!('now' in change)) expect((await exchange(codeHash)).outcome).toBe('exchanged');
  });

  it('refuses an unknown code', async () => {
    expect(await exchange(hashToken(generateToken()))).toEqual({ outcome: 'refused' });
  });

  it('20 racing exchanges of one code: exactly one gets it, the others learn it was used and which family it started', async () => {
    const { codeHash } = await savedCode();
    const families = Array.from({ length: 20 }, () => generateToken());
    const results = await Promise.all(families.map((familyId) => exchange(codeHash, { familyId })));
    const won = results.flatMap((result, i) => (result.outcome === 'exchanged' ? [families[i]] : []));
    expect(won).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'used')).toEqual(Array(19).fill({ outcome: 'used', familyId: won[0] }));
  });
});

describe('refresh families', () => {
  /** Starts family `familyId` with the refresh token secret `secret`, for client `spa`, its session live an hour. */
  const start = (familyId: string, secret: string) =>
    store.createRefreshFamily({
      familyId,
      refreshHash: hashToken(secret),
      clientId: 'spa',
      scope: 'openid',
      userId: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9',
      email: 'ada@example.com',
      signInId: generateToken(),
      authTime: NOW,
      sessionExpiresAt: NOW + 3600,
      retainUntil: NOW + 90_000,
    });
  async function family() {
    const familyId = generateToken();
    const secret = generateToken();
    expect(await start(familyId, secret)).toBe('created');
    return { familyId, secret };
  }
  const rotate = (familyId: string, presented: string, next: string, extra: { clientId?: string; now?: number } = {}) =>
    store.rotateRefreshToken({ familyId, refreshHash: hashToken(presented), nextHash: hashToken(next), clientId: extra.clientId ?? 'spa', now: extra.now ?? NOW + 10 });

  it('rotates: the current token works once, the next one after it; the table keeps hashes only', async () => {
    const { familyId, secret } = await family();
    const next = generateToken();
    expect(await rotate(familyId, secret, next)).toEqual({ outcome: 'rotated', family: { scope: 'openid', userId: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9', email: 'ada@example.com', signInId: expect.any(String) } });
    const stored = JSON.stringify(await item(KEYS.refresh(familyId)));
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(next);
    expect((await rotate(familyId, next, generateToken())).outcome).toBe('rotated');
  });

  it('a rotated token presented again is reuse; once the family is revoked, every token of it is refused', async () => {
    const { familyId, secret } = await family();
    const next = generateToken();
    await rotate(familyId, secret, next);
    expect(await rotate(familyId, secret, generateToken())).toEqual({ outcome: 'reused' });
    await store.revokeRefreshFamily({ familyId, now: NOW + 20 });
    expect(await rotate(familyId, next, generateToken())).toEqual({ outcome: 'refused' });
  });

  it('refuses another client, a family past its session, and an unknown family', async () => {
    const { familyId, secret } = await family();
    expect(await rotate(familyId, secret, generateToken(), { clientId: 'other' })).toEqual({ outcome: 'refused' });
    expect(await rotate(familyId, secret, generateToken(), { now: NOW + 3600 })).toEqual({ outcome: 'refused' });
    expect(await rotate(generateToken(), secret, generateToken())).toEqual({ outcome: 'refused' });
  });

  it('a family revoked before it started (a code used twice at once) never starts', async () => {
    const familyId = generateToken();
    await store.revokeRefreshFamily({ familyId, now: NOW });
    expect(await start(familyId, generateToken())).toBe('revoked');
  });

  it('counts failed client authentications per client and network, up to the cap', async () => {
    const window = { start: NOW - (NOW % 3600), end: NOW - (NOW % 3600) + 3600 };
    const count = () => store.countClientFailure({ clientId: 'server', ipKey: '198.51.100.7', window, limit: 2 });
    expect(await count()).toBe('counted');
    expect(await count()).toBe('counted');
    expect(await count()).toBe('limit_exceeded');
    expect(await store.countClientFailure({ clientId: 'server', ipKey: '198.51.100.8', window, limit: 2 })).toBe('counted');
  });
});

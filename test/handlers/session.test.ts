import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { handler as getSession } from '../../lambdas/handlers/get-session';
import { handler as signOut } from '../../lambdas/handlers/sign-out';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { expectError, expectSuccess } from '../fixtures/assertions';
import { resolved } from '../fixtures/expressions';
import { USER_ID, conditionFailed, mockAws } from '../fixtures/aws';

const aws = mockAws();
const NOW = new Date('2026-11-21T21:10:00Z');
const NOW_S = NOW.getTime() / 1000;
const ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const SECRET = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const SESSION = `${ID}.${SECRET}`;
const SECRET_HASH = createHash('sha256').update(SECRET).digest('base64url');
const record = (extra: Record<string, unknown> = {}) => ({
  email: 'ada@example.com',
  user_id: USER_ID,
  session_hash: SECRET_HASH,
  session_expires_at: NOW_S + 3600,
  ...extra,
});

beforeEach(() => {
  aws.dynamo.reset();
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

const sessionRequest = (authorization?: string) =>
  invoke(getSession, apiEvent({ method: 'GET', path: '/v1/auth/session', headers: authorization === undefined ? {} : { Authorization: authorization } }));
const signOutRequest = (authorization?: string) =>
  invoke(signOut, apiEvent({ method: 'POST', path: '/v1/auth/sign-out', headers: authorization === undefined ? {} : { Authorization: authorization } }));

describe('GET /v1/auth/session', () => {
  it('returns the user (its id and address) and expiry of a live session, in one consistent read', async () => {
    aws.dynamo.on(GetCommand).resolves({ Item: record() });
    const data = expectSuccess(await sessionRequest(`Bearer ${SESSION}`), 200);
    expect(data).toEqual({ user: { id: USER_ID, email: 'ada@example.com' }, expires_at: '2026-11-21T22:10:00Z' });
    const input = aws.dynamo.commandCalls(GetCommand)[0]!.args[0].input;
    expect(input.Key).toEqual({ pk: `signin#${ID}` });
    expect(input.ConsistentRead).toBe(true);
    expect(resolved(input).ProjectionExpression).toBe('email, user_id, session_hash, session_expires_at, revoked_at');
    expect(aws.dynamo.calls()).toHaveLength(1);
  });

  it('still answers a live session started before sign-ins recorded their user, without an id and with no other call', async () => {
    const { user_id: _none, ...legacy } = record();
    aws.dynamo.on(GetCommand).resolves({ Item: legacy });
    const data = expectSuccess(await sessionRequest(`Bearer ${SESSION}`), 200);
    expect(data).toEqual({ user: { email: 'ada@example.com' }, expires_at: '2026-11-21T22:10:00Z' });
    expect(aws.dynamo.calls()).toHaveLength(1);
  });

  it('accepts the scheme in any case', async () => {
    aws.dynamo.on(GetCommand).resolves({ Item: record() });
    expectSuccess(await sessionRequest(`bearer ${SESSION}`), 200);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${SESSION}`],
    ['a malformed token', 'Bearer not-a-session'],
    ['a link token instead of a session', `Bearer ${ID}`],
  ])('answers session_invalid for %s, without a read', async (_label, header) => {
    expectError(await sessionRequest(header), 'session_invalid');
    expect(aws.dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('challenges per RFC 6750: no error code without a bearer token, invalid_token for a refused one', async () => {
    for (const header of [undefined, `Basic ${SESSION}`]) {
      expect((await sessionRequest(header)).headers['www-authenticate']).toBe('Bearer realm="magic-link-auth"');
    }
    aws.dynamo.on(GetCommand).resolves({ Item: record({ revoked_at: NOW_S - 1 }) });
    for (const header of ['Bearer not-a-session', `Bearer ${SESSION}`]) {
      expect((await sessionRequest(header)).headers['www-authenticate']).toBe(
        'Bearer realm="magic-link-auth", error="invalid_token", error_description="The session is missing, expired or signed out."',
      );
    }
    const signedOut = await signOutRequest(undefined);
    expect(signedOut.headers['www-authenticate']).toBe('Bearer realm="magic-link-auth"');
  });

  it.each([
    ['unknown', undefined],
    ['a link not yet used', { email: 'ada@example.com', link_expires_at: NOW_S + 60 }],
    ['a different secret', record({ session_hash: 'x'.repeat(43) })],
    ['expired, not yet deleted by TTL', record({ session_expires_at: NOW_S })],
    ['signed out', record({ revoked_at: NOW_S - 1 })],
  ])('answers session_invalid for a session that is %s', async (_label, item) => {
    aws.dynamo.on(GetCommand).resolves({ Item: item });
    expectError(await sessionRequest(`Bearer ${SESSION}`), 'session_invalid');
  });
});

describe('POST /v1/auth/sign-out', () => {
  it('revokes the session with one conditional write', async () => {
    aws.dynamo.on(UpdateCommand).resolves({});
    expect(expectSuccess(await signOutRequest(`Bearer ${SESSION}`), 200)).toEqual({ signed_out: true });
    const input = aws.dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.Key).toEqual({ pk: `signin#${ID}` });
    expect(resolved(input).ConditionExpression).toBe('session_hash = :session_hash AND attribute_not_exists(revoked_at) AND session_expires_at > :now');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':session_hash': SECRET_HASH, ':now': NOW_S });
  });

  it('answers session_invalid when there is no live session to revoke', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed());
    expectError(await signOutRequest(`Bearer ${SESSION}`), 'session_invalid');
    expectError(await signOutRequest(undefined), 'session_invalid');
  });
});

describe('an event without a headers object (API Gateway omits it when a request has none)', () => {
  it.each([
    ['GET /v1/auth/session', getSession, 'GET', '/v1/auth/session'],
    ['POST /v1/auth/sign-out', signOut, 'POST', '/v1/auth/sign-out'],
  ] as const)('%s answers session_invalid, not a 500', async (_label, handler, method, path) => {
    const event = apiEvent({ method, path });
    delete (event as { headers?: unknown }).headers;
    expectError(await invoke(handler, event), 'session_invalid');
    expect(aws.dynamo.calls()).toHaveLength(0);
  });
});

describe('POST /v1/auth/sign-out with {"everywhere": true}', () => {
  const { QueryCommand } = require('@aws-sdk/lib-dynamodb'); // eslint-disable-line @typescript-eslint/no-require-imports
  const signOutWith = (body?: string, contentType = 'application/json') =>
    invoke(signOut, apiEvent({ method: 'POST', path: '/v1/auth/sign-out', headers: { Authorization: `Bearer ${SESSION}`, 'Content-Type': contentType }, ...(body === undefined ? {} : { body }) }));

  it('revokes this session, then every live session of its address found in the user index', async () => {
    aws.dynamo.on(UpdateCommand).resolves({ Attributes: { email: 'ada@example.com' } });
    aws.dynamo.on(QueryCommand).resolves({ Items: [{ pk: 'signin#a' }, { pk: 'signin#b' }] });
    expectSuccess(await signOutWith('{"everywhere": true}'), 200);
    const query = aws.dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(resolved(query)).toMatchObject({
      IndexName: 'by-user',
      KeyConditionExpression: 'user_hash = :user',
      ExpressionAttributeValues: { ':user': createHash('sha256').update('ada@example.com').digest('hex'), ':now': NOW_S },
    });
    const updates = aws.dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input.Key);
    expect(updates).toEqual([{ pk: `signin#${ID}` }, { pk: 'signin#a' }, { pk: 'signin#b' }]);
  });

  it('also ends what was mailed and not yet used: deletes the address\'s code by its key, and ends each unused link the user index holds', async () => {
    const { DeleteCommand } = require('@aws-sdk/lib-dynamodb'); // eslint-disable-line @typescript-eslint/no-require-imports
    const user = createHash('sha256').update('ada@example.com').digest('hex');
    aws.dynamo.on(UpdateCommand).resolves({ Attributes: { email: 'ada@example.com' } });
    aws.dynamo.on(QueryCommand).resolves({ Items: [{ pk: 'signin#pending-link' }, { pk: 'signin#other-session' }] });
    expectSuccess(await signOutWith('{"everywhere": true}'), 200);
    expect(aws.dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual(['UpdateCommand', 'DeleteCommand', 'QueryCommand', 'UpdateCommand', 'UpdateCommand']);
    expect(aws.dynamo.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({ TableName: process.env.TABLE_NAME, Key: { pk: `code#${user}` } });
    // Unused links carry no session: the filter keeps them, and live sessions, and drops what is already ended.
    expect(resolved(aws.dynamo.commandCalls(QueryCommand)[0]!.args[0].input)).toMatchObject({
      IndexName: 'by-user',
      KeyConditionExpression: 'user_hash = :user',
      FilterExpression: 'attribute_not_exists(revoked_at) AND (attribute_not_exists(session_hash) OR session_expires_at > :now)',
      ExpressionAttributeValues: { ':user': user, ':now': NOW_S },
    });
    const ended = aws.dynamo.commandCalls(UpdateCommand).slice(1).map((call) => resolved(call.args[0].input));
    expect(ended).toEqual(
      ['signin#pending-link', 'signin#other-session'].map((pk) => ({
        TableName: process.env.TABLE_NAME,
        Key: { pk },
        UpdateExpression: 'SET revoked_at = :now, ttl = :ttl',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revoked_at)',
        ExpressionAttributeValues: { ':now': NOW_S, ':ttl': NOW_S + 86_400 },
      })),
    );
  });

  it('counts a sign-in ended meanwhile, or gone, as done', async () => {
    aws.dynamo.on(UpdateCommand).resolvesOnce({ Attributes: { email: 'ada@example.com' } }).rejects(conditionFailed());
    aws.dynamo.on(QueryCommand).resolves({ Items: [{ pk: 'signin#pending-link' }] });
    expectSuccess(await signOutWith('{"everywhere": true}'), 200);
    expect(aws.dynamo.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('signs out only this session without a body, or with {"everywhere": false}', async () => {
    aws.dynamo.on(UpdateCommand).resolves({ Attributes: { email: 'ada@example.com' } });
    expectSuccess(await signOutWith(), 200);
    expectSuccess(await signOutWith('{"everywhere": false}'), 200);
    expect(aws.dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('lets no dead session sign others out', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed());
    expectError(await signOutWith('{"everywhere": true}'), 'session_invalid');
    expect(aws.dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    ['a non-boolean', '{"everywhere": "yes"}', 'validation_failed', [{ field: 'everywhere', issue: 'must be true or false' }]],
    ['an unknown field', '{"all": true}', 'validation_failed', [{ field: 'all', issue: 'is not a recognised field' }]],
    ['malformed JSON', '{"everywhere":', 'invalid_json', []],
  ] as const)('refuses %s', async (_label, body, code, details) => {
    expectError(await signOutWith(body), code, [...details]);
    expect(aws.dynamo.calls()).toHaveLength(0);
  });

  it('refuses a body that is not JSON', async () => {
    expectError(await signOutWith('everywhere=true', 'application/x-www-form-urlencoded'), 'unsupported_media_type');
  });
});

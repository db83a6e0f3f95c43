import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createHash } from 'node:crypto';
import { handler as requestMagicLink } from '../../lambdas/handlers/request-magic-link';
import { handler as verify } from '../../lambdas/handlers/verify';
import { expectError, expectSuccess } from '../fixtures/assertions';
import { resolved } from '../fixtures/expressions';
import {
  conditionFailed,
  expectedCodeHash,
  expectedEmailHash,
  USER_ID,
  expectedUserHash,
  liveCodeItem,
  mockAws,
  transactionCanceled,
  succeedEverywhere,
  tableUpdates,
} from '../fixtures/aws';
import { apiEvent, invoke, type ParsedResponse } from '../../scripts/local/api-events';

const aws = mockAws();
const NOW = new Date('2026-11-21T21:10:00Z');
const NOW_S = NOW.getTime() / 1000;
const WINDOW_START = Math.floor(Date.UTC(2026, 10, 21, 21, 0, 0) / 1000);
const TOKEN = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // RFC 7636, appendix B
const sha = (value: string) => createHash('sha256').update(value).digest('base64url');
const codeKey = (email: string) => `code#${expectedUserHash(email)}`;
const attemptsKey = (email: string) => `rl#code#${expectedEmailHash(email)}#${WINDOW_START}`;
/** `apiEvent`'s default source IP, as a network key. */
const NETWORK = 'v4:203.0.113.10';
const ipAttemptsKey = (network = NETWORK) => `rl#ipcode#${network}#${WINDOW_START}`;
/** This network's share of the address's wrong codes. */
const networkAttemptsKey = (email: string, network = NETWORK) => `rl#codenet#${network}#${expectedEmailHash(email)}#${WINDOW_START}`;

beforeEach(() => {
  succeedEverywhere(aws);
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

const request = (body: unknown) => invoke(requestMagicLink, apiEvent({ body: body as object }));
const verifyBody = (body: unknown, sourceIp?: string) => invoke(verify, apiEvent({ path: '/v1/auth/verify', body: body as object, ...(sourceIp === undefined ? {} : { sourceIp }) }));
const mailedText = (call = 0) => aws.ses.commandCalls(SendEmailCommand)[call]!.args[0].input.Content!.Simple!.Body!.Text!.Data!;
const mailedCode = (call = 0) => mailedText(call).split('\n').find((line) => /^\d{6}$/.test(line))!;
const mailedToken = (call = 0) => /#token=([A-Za-z0-9_-]{43})/.exec(mailedText(call))![1]!;
const dynamoCalls = () => aws.dynamo.calls().map((call) => call.args[0].constructor.name);

/** Asserts transaction `call` counted one wrong code of `email` from `network`: both budgets' counters, each only while under its cap. */
function expectCountedWrongCode(call: number, email = 'ada@example.com', network = NETWORK): void {
  const counter = (pk: string, limit: number) => ({
    TableName: process.env.TABLE_NAME,
    Key: { pk },
    UpdateExpression: 'SET cnt = if_not_exists(cnt, :zero) + :one, ttl = :ttl',
    ConditionExpression: 'attribute_not_exists(cnt) OR cnt < :limit',
    ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':limit': limit, ':ttl': WINDOW_START + 3600 },
  });
  const items = aws.dynamo.commandCalls(TransactWriteCommand)[call]!.args[0].input.TransactItems!;
  expect(items.map(({ Update, ...rest }) => ({ ...rest, Update: resolved(Update) }))).toEqual([
    { Update: counter(ipAttemptsKey(network), 20) },
    { Update: counter(networkAttemptsKey(email, network), 5) },
    { Update: counter(attemptsKey(email), 20) },
  ]);
}

/** What a caller sees of an answer, less what differs from one request to the next (its id and time). */
function seen(response: ParsedResponse) {
  const { 'x-request-id': _id, ...headers } = response.headers;
  const { request_id: _request, timestamp: _time, ...body } = response.body;
  return { status: response.status, headers, body };
}

describe('POST /v1/auth/magic-link: the code and the binding', () => {
  it('mails a 6-digit code with the link and stores only its keyed hash, as the address\'s one code, in the same single transaction', async () => {
    expectSuccess(await request({ email: 'Ada@Example.com' }), 202);
    const code = mailedCode();
    const token = mailedToken();
    const calls = aws.dynamo.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(6);
    // Without a condition: it replaces whatever code the address had.
    expect(items[3]).toEqual({
      Put: {
        TableName: process.env.TABLE_NAME,
        Item: { pk: codeKey('ada@example.com'), signin: sha(token), code_hash: expectedCodeHash('ada@example.com', code), link_expires_at: NOW_S + 900, ttl: NOW_S + 900 + 86_400 },
      },
    });
    expect(JSON.stringify(items)).not.toContain(`"${code}"`);
    expect(items[2]!.Put!.Item).not.toHaveProperty('challenge');
  });

  it('binds the sign-in to the browser that sent code_challenge', async () => {
    expectSuccess(await request({ email: 'ada@example.com', code_challenge: CHALLENGE }), 202);
    const items = aws.dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[2]!.Put!.Item).toMatchObject({ challenge: CHALLENGE });
    // The code item carries the binding too: checking a code reads that item alone.
    expect(items[3]!.Put!.Item).toMatchObject({ challenge: CHALLENGE });
  });

  it('replaces the address\'s code with each request, in that request\'s one transaction: same key, the newer sign-in and code', async () => {
    expectSuccess(await request({ email: 'ada@example.com' }), 202);
    expectSuccess(await request({ email: 'ada@example.com' }), 202);
    const puts = aws.dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems![3]!.Put!);
    expect(puts.map((put) => put.Item)).toEqual([0, 1].map((call) => ({
      pk: codeKey('ada@example.com'),
      signin: sha(mailedToken(call)),
      code_hash: expectedCodeHash('ada@example.com', mailedCode(call)),
      link_expires_at: NOW_S + 900,
      ttl: NOW_S + 900 + 86_400,
    })));
    for (const put of puts) expect(put.ConditionExpression).toBeUndefined();
  });

  it('reads the code secret once per container, not per request', async () => {
    const before = aws.secrets.commandCalls(GetSecretValueCommand).length;
    for (let i = 0; i < 3; i++) expectSuccess(await request({ email: `ada${i}@example.com` }), 202);
    expect(aws.secrets.commandCalls(GetSecretValueCommand).length - before).toBeLessThanOrEqual(1);
  });

  it.each([
    ['too short', CHALLENGE.slice(1)],
    ['padded', `${CHALLENGE.slice(0, 42)}=`],
    ['not base64url', `${CHALLENGE.slice(0, 42)}+`],
    ['a number', 42],
  ])('refuses a code_challenge that is %s with validation_failed, writing nothing', async (_label, challenge) => {
    const response = await request({ email: 'ada@example.com', code_challenge: challenge });
    expectError(response, 'validation_failed', [
      { field: 'code_challenge', issue: typeof challenge === 'number' ? 'must be a string' : 'must be the base64url SHA-256 of a code_verifier (43 characters)' },
    ]);
    expect(aws.dynamo.calls()).toHaveLength(0);
  });
});

describe('POST /v1/auth/verify with the link of a bound sign-in', () => {
  const bound = { pk: 'x', email: 'ada@example.com', link_expires_at: NOW_S + 600, challenge: CHALLENGE };

  it('consumes it with the right verifier, comparing its S256 in the one conditional write', async () => {
    expectSuccess(await verifyBody({ token: TOKEN, code_verifier: VERIFIER }), 200);
    const input = aws.dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ExpressionAttributeValues).toMatchObject({ ':challenge': CHALLENGE });
    expect(JSON.stringify(input)).not.toContain(VERIFIER);
    // The consume, then the address's user and the sign-in's copy of its id.
    expect(aws.dynamo.calls()).toHaveLength(3);
  });

  it.each([
    ['no verifier', { token: TOKEN }],
    ['another browser\'s verifier', { token: TOKEN, code_verifier: 'x'.repeat(43) }],
  ])('answers 403 magic_link_device_mismatch with %s (the write changed nothing)', async (_label, body) => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed(bound));
    expectError(await verifyBody(body), 'magic_link_device_mismatch');
    expect(aws.dynamo.calls()).toHaveLength(1);
  });

  it('reports a used or expired bound link as such, whichever browser asks', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ ...bound, used_at: NOW_S - 5 }));
    expectError(await verifyBody({ token: TOKEN }), 'magic_link_already_used');
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ ...bound, link_expires_at: NOW_S - 5 }));
    expectError(await verifyBody({ token: TOKEN, code_verifier: 'x'.repeat(43) }), 'magic_link_expired');
  });

  it('retries a write that met a code sign-in\'s transaction on the same item', async () => {
    const conflict = Object.assign(new Error('Transaction is ongoing for the item'), { name: 'TransactionConflictException' });
    aws.dynamo.on(UpdateCommand).rejectsOnce(conflict).callsFake(tableUpdates());
    expectSuccess(await verifyBody({ token: TOKEN }), 200);
    const consumes = aws.dynamo.commandCalls(UpdateCommand).filter((call) => call.args[0].input.Key!.pk === `signin#${sha(TOKEN)}` && call.args[0].input.ReturnValues === 'ALL_NEW');
    expect(consumes).toHaveLength(2);
  });
});

describe('POST /v1/auth/verify with the code', () => {
  it('answers a code entry whose source address is not an IP (a direct invocation) with a catalogued 400, counting nothing', async () => {
    expectError(await verifyBody({ email: 'ada@example.com', code: '012345' }, 'not-an-ip'), 'validation_failed', [{ field: 'requestContext.http.sourceIp', issue: 'must be an IPv4 or IPv6 address' }]);
    expect(aws.dynamo.calls()).toHaveLength(0);
  });

  const ID = sha(TOKEN);
  const live = (extra: Record<string, unknown> = {}) => liveCodeItem('ada@example.com', '012345', ID, NOW_S + 600, extra);
  beforeEach(() => aws.dynamo.on(GetCommand).resolves({ Item: live() }));
  /** A cancellation of the code sign-in's transaction, with the sign-in as it stood when its condition failed. */
  const cancelled = (codes: string[], signIn?: Record<string, unknown>) => {
    const error = transactionCanceled(codes);
    if (signIn) error.CancellationReasons![2]!.Item = marshall({ pk: `signin#${ID}`, ...signIn });
    return error;
  };

  it('finds the address\'s code with one consistent read and consumes its sign-in in one transaction that checks the three wrong-code budgets and deletes the code', async () => {
    const data = expectSuccess(await verifyBody({ email: ' Ada@Example.com', code: '012345' }), 200);
    expect(data.user).toEqual({ id: USER_ID, email: 'ada@example.com' });
    expect(data.session.token.split('.')[0]).toBe(ID);
    const get = aws.dynamo.commandCalls(GetCommand)[0]!.args[0].input;
    expect(resolved(get)).toMatchObject({ Key: { pk: codeKey('ada@example.com') }, ConsistentRead: true, ProjectionExpression: 'signin, code_hash, link_expires_at, challenge, redirect_to, oauth_request' });
    const items = aws.dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(5);
    const [ipBudget, networkBudget, budget, consume, code] = items;
    expect(resolved(ipBudget!.ConditionCheck)).toMatchObject({ Key: { pk: ipAttemptsKey() }, ConditionExpression: 'attribute_not_exists(cnt) OR cnt < :limit', ExpressionAttributeValues: { ':limit': 20 } });
    expect(resolved(networkBudget!.ConditionCheck)).toMatchObject({ Key: { pk: networkAttemptsKey('ada@example.com') }, ConditionExpression: 'attribute_not_exists(cnt) OR cnt < :limit', ExpressionAttributeValues: { ':limit': 5 } });
    expect(resolved(budget!.ConditionCheck)).toMatchObject({ Key: { pk: attemptsKey('ada@example.com') }, ConditionExpression: 'attribute_not_exists(cnt) OR cnt < :limit', ExpressionAttributeValues: { ':limit': 20 } });
    expect(resolved(consume!.Update)).toMatchObject({
      Key: { pk: `signin#${ID}` },
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(used_at) AND attribute_not_exists(revoked_at) AND link_expires_at > :now AND (attribute_not_exists(challenge) OR challenge = :challenge)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      // Recorded as used by its code (its user.signed_in event says so).
      ExpressionAttributeValues: expect.objectContaining({ ':used_by': 'code' }),
    });
    // Only while still this sign-in's: a newer request's code stays.
    expect(resolved(code!.Delete)).toMatchObject({ Key: { pk: codeKey('ada@example.com') }, ConditionExpression: 'signin = :sign_in', ExpressionAttributeValues: { ':sign_in': ID } });
    // Then the address's user (by the address it knows already) and the sign-in's copy of its id.
    const [user, signIn] = aws.dynamo.commandCalls(UpdateCommand).map((call) => resolved(call.args[0].input));
    expect(user).toMatchObject({
      Key: { pk: `user#${expectedUserHash('ada@example.com')}` },
      UpdateExpression: 'SET user_id = if_not_exists(user_id, :candidate), created_at = if_not_exists(created_at, :now), email = if_not_exists(email, :email), signin = if_not_exists(signin, :sign_in)',
      ExpressionAttributeValues: expect.objectContaining({ ':email': 'ada@example.com', ':sign_in': ID }),
      ReturnValues: 'ALL_NEW',
    });
    expect(signIn).toMatchObject({ Key: { pk: `signin#${ID}` }, UpdateExpression: 'SET user_id = :user_id', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':user_id': USER_ID } });
    expect(aws.dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual(['GetCommand', 'TransactWriteCommand', 'UpdateCommand', 'UpdateCommand']);
  });

  it('passes the verifier of a bound sign-in into the same transaction', async () => {
    aws.dynamo.on(GetCommand).resolves({ Item: live({ challenge: CHALLENGE }) });
    expectSuccess(await verifyBody({ email: 'ada@example.com', code: '012345', code_verifier: VERIFIER }), 200);
    const consume = aws.dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![3]!.Update!;
    expect(consume.ExpressionAttributeValues).toMatchObject({ ':challenge': CHALLENGE });
  });

  describe('the right code of a sign-in it cannot sign into answers exactly as a wrong code, and is counted', () => {
    /** A wrong code's answer, from a fresh history: what every case below must look like. */
    async function wrongCodeAnswer() {
      aws.dynamo.resetHistory();
      aws.dynamo.on(GetCommand).resolves({});
      aws.dynamo.on(TransactWriteCommand).resolves({});
      const response = await verifyBody({ email: 'ada@example.com', code: '999999' });
      expectError(response, 'magic_link_code_invalid');
      expect(dynamoCalls()).toEqual(['GetCommand', 'TransactWriteCommand']);
      expectCountedWrongCode(0);
      return seen(response);
    }

    it.each([
      ['a bound sign-in without the verifier', live({ challenge: CHALLENGE }), {}],
      ['a bound sign-in with another browser\'s verifier', live({ challenge: CHALLENGE }), { code_verifier: 'x'.repeat(43) }],
      ['an expired code, to the second', live({ link_expires_at: NOW_S }), {}],
      ['an expired code of a bound sign-in, with its verifier', live({ link_expires_at: NOW_S - 60, challenge: CHALLENGE }), { code_verifier: VERIFIER }],
    ])('%s: decided on the code\'s item, without touching the sign-in', async (_label, item, extra) => {
      aws.dynamo.on(GetCommand).resolves({ Item: item });
      const response = await verifyBody({ email: 'ada@example.com', code: '012345', ...extra });
      expectError(response, 'magic_link_code_invalid');
      expect(dynamoCalls()).toEqual(['GetCommand', 'TransactWriteCommand']);
      expectCountedWrongCode(0);
      expect(seen(response)).toEqual(await wrongCodeAnswer());
    });

    it.each([
      ['used (by its link, or a racing entry of the code)', ['None', 'None', 'None', 'ConditionalCheckFailed', 'None'], { link_expires_at: NOW_S + 60, used_at: NOW_S - 5 }],
      ['ended by signing out everywhere', ['None', 'None', 'None', 'ConditionalCheckFailed', 'None'], { link_expires_at: NOW_S + 60, revoked_at: NOW_S - 5 }],
      ['expired meanwhile', ['None', 'None', 'None', 'ConditionalCheckFailed', 'None'], { link_expires_at: NOW_S }],
      ['gone', ['None', 'None', 'None', 'ConditionalCheckFailed', 'None'], undefined],
      ['live, but its code replaced by a newer request meanwhile', ['None', 'None', 'None', 'None', 'ConditionalCheckFailed'], undefined],
    ])('a sign-in found %s when consumed: refused, then counted in a second transaction', async (_label, codes, signIn) => {
      aws.dynamo.on(TransactWriteCommand).rejectsOnce(cancelled(codes, signIn)).resolves({});
      const response = await verifyBody({ email: 'ada@example.com', code: '012345' });
      expectError(response, 'magic_link_code_invalid');
      expect(dynamoCalls()).toEqual(['GetCommand', 'TransactWriteCommand', 'TransactWriteCommand']);
      expectCountedWrongCode(1);
      expect(seen(response)).toEqual(await wrongCodeAnswer());
    });
  });

  it.each([
    [['None', 'ConditionalCheckFailed', 'None', 'None'], undefined, 'magic_link_code_attempts_exceeded'],
    [['None', 'ConditionalCheckFailed', 'ConditionalCheckFailed', 'None'], { link_expires_at: NOW_S + 60, used_at: NOW_S - 5 }, 'magic_link_code_attempts_exceeded'],
    [['ConditionalCheckFailed', 'None', 'None', 'None'], undefined, 'magic_link_code_ip_limit_exceeded'],
    [['ConditionalCheckFailed', 'ConditionalCheckFailed', 'ConditionalCheckFailed', 'None'], { link_expires_at: NOW_S + 60, used_at: NOW_S - 5 }, 'magic_link_code_ip_limit_exceeded'],
  ] as const)('refuses the right code once a budget is spent: a cancellation %j on %j answers %s, counting nothing', async (codes, signIn, expected) => {
    aws.dynamo.on(TransactWriteCommand).rejects(cancelled([...codes], signIn));
    const response = await verifyBody({ email: 'ada@example.com', code: '012345' });
    expectError(response, expected);
    expect(response.headers['retry-after']).toBe('3600');
    expect(dynamoCalls()).toEqual(['GetCommand', 'TransactWriteCommand']);
  });

  it('retries a transaction that lost a race, then reports what it finds', async () => {
    aws.dynamo.on(TransactWriteCommand).rejectsOnce(transactionCanceled(['None', 'None', 'None', 'TransactionConflict', 'None'])).resolves({});
    expectSuccess(await verifyBody({ email: 'ada@example.com', code: '012345' }), 200);
    expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it.each([
    ['no live code', {}],
    ['a live code that is another', { Item: live() }],
  ])('counts a wrong code (%s) with one read and one transaction of both budgets\' counters: magic_link_code_invalid', async (_label, found) => {
    aws.dynamo.on(GetCommand).resolves(found);
    expectError(await verifyBody({ email: 'ada@example.com', code: '999999' }), 'magic_link_code_invalid');
    expect(dynamoCalls()).toEqual(['GetCommand', 'TransactWriteCommand']);
    expectCountedWrongCode(0);
  });

  it('takes the same calls for an address never seen as for a known one with a wrong code (no enumeration)', async () => {
    aws.dynamo.on(GetCommand).resolves({});
    aws.dynamo.on(UpdateCommand).resolves({});
    const known = await verifyBody({ email: 'ada@example.com', code: '999999' });
    const knownCalls = aws.dynamo.calls().map((call) => call.args[0].constructor.name);
    aws.dynamo.resetHistory();
    const unknown = await verifyBody({ email: 'nobody.ever@example.com', code: '999999' });
    expect(aws.dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual(knownCalls);
    expect(unknown.status).toBe(known.status);
    expect(unknown.body.error).toBe(known.body.error);
  });

  it.each([
    ["this network's share of the address's", ['None', 'ConditionalCheckFailed', 'None']],
    ["the address's ceiling across networks", ['None', 'None', 'ConditionalCheckFailed']],
  ])('answers 429 magic_link_code_attempts_exceeded once %s budget is spent, counting nothing more', async (_label, reasons) => {
    aws.dynamo.on(GetCommand).resolves({});
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(reasons));
    const response = await verifyBody({ email: 'ada@example.com', code: '999999' });
    expectError(response, 'magic_link_code_attempts_exceeded');
    expect(response.headers['retry-after']).toBe('3600');
    expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('answers 429 magic_link_code_ip_limit_exceeded with retry_after once the network\'s budget is spent, whatever the address', async () => {
    aws.dynamo.on(GetCommand).resolves({});
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['ConditionalCheckFailed', 'None', 'None']));
    for (const email of ['ada@example.com', 'grace@example.com']) {
      const response = await verifyBody({ email, code: '999999' });
      expectError(response, 'magic_link_code_ip_limit_exceeded');
      expect(response.body.retry_after).toBe(3600);
      expect(response.headers['retry-after']).toBe('3600');
    }
    const networks = aws.dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems![0]!.Update!.Key);
    expect(networks).toEqual([{ pk: ipAttemptsKey() }, { pk: ipAttemptsKey() }]);
  });

  it('counts wrong codes from one IPv6 /64 against one network budget, across addresses', async () => {
    aws.dynamo.on(GetCommand).resolves({});
    expectError(await verifyBody({ email: 'ada@example.com', code: '999999' }, '2001:db8:85a3:7::1'), 'magic_link_code_invalid');
    expectError(await verifyBody({ email: 'grace@example.com', code: '999999' }, '2001:db8:85a3:7:ffff::2'), 'magic_link_code_invalid');
    expectCountedWrongCode(0, 'ada@example.com', 'v6:2001:db8:85a3:7::/64');
    expectCountedWrongCode(1, 'grace@example.com', 'v6:2001:db8:85a3:7::/64');
  });

  describe('input', () => {
    it.each([
      ['a code that is not 6 digits', { email: 'ada@example.com', code: '12345' }, [{ field: 'code', issue: 'must be the 6-digit code from the email' }]],
      ['a code as a number', { email: 'ada@example.com', code: 123456 }, [{ field: 'code', issue: 'must be a string' }]],
      ['a code without the address', { code: '123456' }, [{ field: 'email', issue: 'is required' }]],
      ['an address without a code', { email: 'ada@example.com' }, [{ field: 'code', issue: 'is required' }]],
      ['both forms at once', { token: TOKEN, email: 'ada@example.com', code: '123456' }, [{ field: 'token', issue: 'is not a recognised field' }]],
      ['a token with a code', { token: TOKEN, code: '123456' }, [{ field: 'code', issue: 'is not a recognised field' }]],
      ['neither form', {}, [{ field: 'token', issue: 'is required' }]],
      ['a malformed verifier', { token: TOKEN, code_verifier: 'short' }, [{ field: 'code_verifier', issue: 'must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_", "~"' }]],
    ])('refuses %s with validation_failed', async (_label, body, details) => {
      expectError(await verifyBody(body), 'validation_failed', details);
      expect(aws.dynamo.calls()).toHaveLength(0);
    });
  });
});

describe('one live code per address', () => {
  /** The table's code items as the stubbed transactions put and delete them, served to the verify function's read. */
  function codeItems(): void {
    const items = new Map<string, Record<string, unknown>>();
    aws.dynamo.on(TransactWriteCommand).callsFake((input: { TransactItems: { Put?: { Item: Record<string, unknown> }; Delete?: { Key: { pk: string } } }[] }) => {
      for (const item of input.TransactItems) {
        const pk = item.Put?.Item.pk ?? item.Delete?.Key.pk;
        if (typeof pk !== 'string' || !pk.startsWith('code#')) continue;
        if (item.Put) items.set(pk, item.Put.Item);
        else items.delete(pk);
      }
      return {};
    });
    aws.dynamo.on(GetCommand).callsFake((input: { Key: { pk: string } }) => ({ Item: items.get(input.Key.pk) }));
  }

  it('after five requests only the newest code signs in; each older code answers exactly as a wrong code does, and is counted', async () => {
    codeItems();
    for (let i = 0; i < 5; i++) expectSuccess(await request({ email: 'ada@example.com' }), 202);
    expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(5);
    const codes = [0, 1, 2, 3, 4].map((call) => mailedCode(call));
    const newest = codes[4]!;
    // Two draws of 6 digits may coincide (about 1 in 250,000 here): a repeat of the newest is the newest.
    const older = codes.slice(0, 4).filter((code) => code !== newest);
    // Six candidates, five codes: one of them was mailed to nobody.
    const wrong = [0, 1, 2, 3, 4, 5].map((n) => String(n).padStart(6, '0')).find((code) => !codes.includes(code))!;

    aws.dynamo.resetHistory();
    const wrongAnswer = await verifyBody({ email: 'ada@example.com', code: wrong });
    expectError(wrongAnswer, 'magic_link_code_invalid');
    expectCountedWrongCode(0);
    for (const code of older) {
      aws.dynamo.resetHistory();
      const response = await verifyBody({ email: 'ada@example.com', code });
      expect(seen(response)).toEqual(seen(wrongAnswer));
      expect(dynamoCalls()).toEqual(['GetCommand', 'TransactWriteCommand']);
      expectCountedWrongCode(0);
    }

    aws.dynamo.resetHistory();
    const data = expectSuccess(await verifyBody({ email: 'ada@example.com', code: newest }), 200);
    expect(data.session.token.split('.')[0]).toBe(sha(mailedToken(4)));
    // Signing in deleted the code with its sign-in: entered again, it is a wrong code.
    aws.dynamo.resetHistory();
    expect(seen(await verifyBody({ email: 'ada@example.com', code: newest }))).toEqual(seen(wrongAnswer));
    expectCountedWrongCode(0);
  });
});

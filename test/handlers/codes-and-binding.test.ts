import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, createHmac } from 'node:crypto';
import { handler as requestMagicLink } from '../../lambdas/handlers/request-magic-link';
import { handler as verify } from '../../lambdas/handlers/verify';
import { expectError, expectSuccess } from '../fixtures/assertions';
import { resolved } from '../fixtures/expressions';
import { CODE_SECRET, conditionFailed, expectedEmailHash, mockAws, transactionCanceled, succeedEverywhere } from '../fixtures/aws';
import { apiEvent, invoke } from '../../scripts/local/api-events';

const aws = mockAws();
const NOW = new Date('2026-11-21T21:10:00Z');
const NOW_S = NOW.getTime() / 1000;
const WINDOW_START = Math.floor(Date.UTC(2026, 10, 21, 21, 0, 0) / 1000);
const TOKEN = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'; // RFC 7636, appendix B
const sha = (value: string) => createHash('sha256').update(value).digest('base64url');
const codeKey = (email: string, code: string) => `code#${createHmac('sha256', CODE_SECRET).update(`${email}\n${code}`).digest('base64url')}`;
const attemptsKey = (email: string) => `rl#code#${expectedEmailHash(email)}#${WINDOW_START}`;

beforeEach(() => {
  succeedEverywhere(aws);
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

const request = (body: unknown) => invoke(requestMagicLink, apiEvent({ body: body as object }));
const verifyBody = (body: unknown) => invoke(verify, apiEvent({ path: '/v1/auth/verify', body: body as object }));
const mailedText = (call = 0) => aws.ses.commandCalls(SendEmailCommand)[call]!.args[0].input.Content!.Simple!.Body!.Text!.Data!;
const mailedCode = (call = 0) => mailedText(call).split('\n').find((line) => /^\d{6}$/.test(line))!;

describe('POST /v1/auth/magic-link: the code and the binding', () => {
  it('mails a 6-digit code with the link and stores only its keyed hash, in the same single transaction', async () => {
    expectSuccess(await request({ email: 'Ada@Example.com' }), 202);
    const code = mailedCode();
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(mailedText())![1]!;
    const calls = aws.dynamo.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(6);
    expect(resolved(items[3]!.Put)).toMatchObject({
      Item: { pk: codeKey('ada@example.com', code), signin: sha(token), ttl: NOW_S + 900 + 86_400 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(JSON.stringify(items)).not.toContain(`"${code}"`);
    expect(items[2]!.Put!.Item).not.toHaveProperty('challenge');
  });

  it('binds the sign-in to the browser that sent code_challenge', async () => {
    expectSuccess(await request({ email: 'ada@example.com', code_challenge: CHALLENGE }), 202);
    const items = aws.dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[2]!.Put!.Item).toMatchObject({ challenge: CHALLENGE });
  });

  it('draws another code when a live sign-in of the address already holds the drawn one', async () => {
    aws.dynamo.on(TransactWriteCommand).rejectsOnce(transactionCanceled(['None', 'None', 'None', 'ConditionalCheckFailed'])).resolves({});
    expectSuccess(await request({ email: 'ada@example.com' }), 202);
    const calls = aws.dynamo.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(2);
    const codeIds = calls.map((call) => call.args[0].input.TransactItems![3]!.Put!.Item!.pk);
    expect(codeIds[1]).toBe(codeKey('ada@example.com', mailedCode()));
    expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(1);
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
    expect(aws.dynamo.calls()).toHaveLength(1);
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
    aws.dynamo.on(UpdateCommand).rejectsOnce(conflict).resolves({ Attributes: { email: 'ada@example.com' } });
    expectSuccess(await verifyBody({ token: TOKEN }), 200);
    expect(aws.dynamo.commandCalls(UpdateCommand)).toHaveLength(2);
  });
});

describe('POST /v1/auth/verify with the code', () => {
  const ID = sha(TOKEN);
  beforeEach(() => aws.dynamo.on(GetCommand).resolves({ Item: { signin: ID } }));

  it('finds the sign-in with one consistent read and consumes it in one transaction that checks the wrong-code budget', async () => {
    const data = expectSuccess(await verifyBody({ email: ' Ada@Example.com', code: '012345' }), 200);
    expect(data.user).toEqual({ email: 'ada@example.com' });
    expect(data.session.token.split('.')[0]).toBe(ID);
    const get = aws.dynamo.commandCalls(GetCommand)[0]!.args[0].input;
    expect(get).toMatchObject({ Key: { pk: codeKey('ada@example.com', '012345') }, ConsistentRead: true });
    const [budget, consume] = aws.dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(resolved(budget!.ConditionCheck)).toMatchObject({ Key: { pk: attemptsKey('ada@example.com') }, ConditionExpression: 'attribute_not_exists(cnt) OR cnt < :limit', ExpressionAttributeValues: { ':limit': 5 } });
    expect(consume!.Update).toMatchObject({ Key: { pk: `signin#${ID}` }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' });
    expect(aws.dynamo.calls()).toHaveLength(2);
  });

  it('passes the verifier of a bound sign-in into the same transaction', async () => {
    expectSuccess(await verifyBody({ email: 'ada@example.com', code: '012345', code_verifier: VERIFIER }), 200);
    const consume = aws.dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![1]!.Update!;
    expect(consume.ExpressionAttributeValues).toMatchObject({ ':challenge': CHALLENGE });
  });

  it.each([
    [['None', 'ConditionalCheckFailed'], { link_expires_at: NOW_S + 60, used_at: NOW_S - 5 }, 'magic_link_already_used'],
    [['None', 'ConditionalCheckFailed'], { link_expires_at: NOW_S - 5 }, 'magic_link_expired'],
    [['None', 'ConditionalCheckFailed'], { link_expires_at: NOW_S + 60, challenge: CHALLENGE }, 'magic_link_device_mismatch'],
    [['ConditionalCheckFailed', 'None'], undefined, 'magic_link_code_attempts_exceeded'],
    [['ConditionalCheckFailed', 'ConditionalCheckFailed'], { link_expires_at: NOW_S + 60, used_at: NOW_S - 5 }, 'magic_link_code_attempts_exceeded'],
  ] as const)('maps a cancellation %j on %j to %s', async (codes, item, expected) => {
    const cancelled = transactionCanceled([...codes]);
    if (item) cancelled.CancellationReasons![1]!.Item = Object.fromEntries(Object.entries({ pk: 'x', ...item }).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: String(v) }]));
    aws.dynamo.on(TransactWriteCommand).rejects(cancelled);
    expectError(await verifyBody({ email: 'ada@example.com', code: '012345' }), expected);
  });

  it('retries a transaction that lost a race, then reports what it finds', async () => {
    aws.dynamo.on(TransactWriteCommand).rejectsOnce(transactionCanceled(['None', 'TransactionConflict'])).resolves({});
    expectSuccess(await verifyBody({ email: 'ada@example.com', code: '012345' }), 200);
    expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('counts a wrong code with one read and one conditional write: magic_link_code_invalid', async () => {
    aws.dynamo.on(GetCommand).resolves({});
    aws.dynamo.on(UpdateCommand).resolves({});
    expectError(await verifyBody({ email: 'ada@example.com', code: '999999' }), 'magic_link_code_invalid');
    const update = aws.dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(resolved(update)).toMatchObject({ Key: { pk: attemptsKey('ada@example.com') }, ConditionExpression: 'attribute_not_exists(cnt) OR cnt < :limit', ExpressionAttributeValues: { ':limit': 5, ':ttl': WINDOW_START + 3600 } });
    expect(aws.dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual(['GetCommand', 'UpdateCommand']);
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

  it('answers 429 magic_link_code_attempts_exceeded once the budget is spent, counting nothing more', async () => {
    aws.dynamo.on(GetCommand).resolves({});
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed());
    const response = await verifyBody({ email: 'ada@example.com', code: '999999' });
    expectError(response, 'magic_link_code_attempts_exceeded');
    expect(response.headers['retry-after']).toBe('3600');
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

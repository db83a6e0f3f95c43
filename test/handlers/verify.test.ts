import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { handler } from '../../lambdas/handlers/verify';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { expectError, expectSuccess } from '../fixtures/assertions';
import { resolved } from '../fixtures/expressions';
import { awsError, conditionFailed, mockAws } from '../fixtures/aws';

const aws = mockAws();
const NOW = new Date('2026-11-21T21:10:00Z');
const NOW_S = NOW.getTime() / 1000;
const TOKEN = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';
const sha = (value: string) => createHash('sha256').update(value).digest('base64url');

beforeEach(() => {
  aws.dynamo.reset();
  aws.dynamo.on(UpdateCommand).resolves({ Attributes: { email: 'ada@example.com' } });
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

const verify = (body: unknown) => invoke(handler, apiEvent({ path: '/v1/auth/verify', body: body as object }));

describe('POST /v1/auth/verify', () => {
  it('consumes the link in one conditional write and starts a 7-day session', async () => {
    const data = expectSuccess(await verify({ token: TOKEN }), 200);

    expect(data).toEqual({
      session: { token: expect.stringMatching(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/), expires_at: '2026-11-28T21:10:00Z' },
      user: { email: 'ada@example.com' },
    });
    const calls = aws.dynamo.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.Key).toEqual({ pk: `signin#${sha(TOKEN)}` });
    expect(resolved(input).ConditionExpression).toBe(
      'attribute_exists(pk) AND attribute_not_exists(used_at) AND attribute_not_exists(revoked_at) AND link_expires_at > :now AND (attribute_not_exists(challenge) OR challenge = :challenge)',
    );
    expect(input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    const [id, secret] = data.session.token.split('.');
    expect(id).toBe(sha(TOKEN));
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':now': NOW_S,
      ':session_hash': sha(secret),
      ':session_expires_at': NOW_S + 604_800,
    });
    expect(JSON.stringify(input)).not.toContain(secret);
    expect(JSON.stringify(input)).not.toContain(TOKEN);
  });

  it('answers magic_link_not_found for a well-formed token nobody issued', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed());
    expectError(await verify({ token: TOKEN }), 'magic_link_not_found');
  });

  it('answers magic_link_already_used once the link was consumed', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S + 60, used_at: NOW_S - 5 }));
    expectError(await verify({ token: TOKEN }), 'magic_link_already_used');
  });

  it('answers magic_link_already_used, not expired, for a used link past its lifetime', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S - 60, used_at: NOW_S - 600 }));
    expectError(await verify({ token: TOKEN }), 'magic_link_already_used');
  });

  it('answers magic_link_expired for an unused link past its lifetime, to the second', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S }));
    expectError(await verify({ token: TOKEN }), 'magic_link_expired');
  });

  it('answers magic_link_expired for an unused link that signing out everywhere ended, though within its lifetime', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S + 600, revoked_at: NOW_S - 5 }));
    expectError(await verify({ token: TOKEN }), 'magic_link_expired');
  });

  it.each([
    ['missing', {}, 'is required'],
    ['empty', { token: '' }, 'is required'],
    ['not a string', { token: 123 }, 'must be a string'],
    ['too short', { token: TOKEN.slice(1) }, 'must be the 43-character token from the magic link'],
    ['too long', { token: `${TOKEN}A` }, 'must be the 43-character token from the magic link'],
    ['outside base64url', { token: `${TOKEN.slice(1)}+` }, 'must be the 43-character token from the magic link'],
    ['a whole link pasted in', { token: `https://app.example.com/sign-in#token=${TOKEN}` }, 'must be the 43-character token from the magic link'],
  ])('refuses a token %s with validation_failed, without touching the table', async (_label, body, issue) => {
    expectError(await verify(body), 'validation_failed', [{ field: 'token', issue }]);
    expect(aws.dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers service_unavailable when DynamoDB throttles', async () => {
    aws.dynamo.on(UpdateCommand).rejects(awsError('ThrottlingException'));
    expectError(await verify({ token: TOKEN }), 'service_unavailable');
  });
});

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { handler } from '../../lambdas/handlers/verify';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { USER_ID_SHAPE, expectError, expectSuccess } from '../fixtures/assertions';
import { resolved } from '../fixtures/expressions';
import { USER_ID, answerUpdates, awsError, conditionFailed, expectedUserHash, mockAws } from '../fixtures/aws';

const aws = mockAws();
const NOW = new Date('2026-11-21T21:10:00Z');
const NOW_S = NOW.getTime() / 1000;
const TOKEN = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';
const sha = (value: string) => createHash('sha256').update(value).digest('base64url');

beforeEach(() => {
  aws.dynamo.reset();
  answerUpdates(aws);
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

const verify = (body: unknown) => invoke(handler, apiEvent({ path: '/v1/auth/verify', body: body as object }));

describe('POST /v1/auth/verify', () => {
  it('consumes the link in one conditional write and starts a 7-day session', async () => {
    const data = expectSuccess(await verify({ token: TOKEN }), 200);

    expect(data).toEqual({
      session: { token: expect.stringMatching(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/), expires_at: '2026-11-28T21:10:00Z' },
      user: { id: USER_ID, email: 'ada@example.com' },
      access_token: { token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), expires_at: '2026-11-21T21:20:00Z' },
    });
    const calls = aws.dynamo.commandCalls(UpdateCommand);
    expect(calls).toHaveLength(3);
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
      // How it was used, which its user.signed_in event says.
      ':used_by': 'link',
    });
    expect(JSON.stringify(input)).not.toContain(secret);
    expect(JSON.stringify(input)).not.toContain(TOKEN);
  });

  it("then gets the address's user, made by its first sign-in, and records the user's id on the sign-in: 3 calls in all", async () => {
    const data = expectSuccess(await verify({ token: TOKEN }), 200);

    const [consume, user, signIn] = aws.dynamo.calls().map((call) => call.args[0].input as Record<string, unknown>);
    expect(aws.dynamo.calls()).toHaveLength(3);
    expect(consume!.ReturnValues).toBe('ALL_NEW');
    // The user is keyed by the address's unkeyed hash, which the consumed sign-in carries.
    expect(resolved(user)).toEqual({
      TableName: 'magic-link-auth-test',
      Key: { pk: `user#${expectedUserHash('ada@example.com')}` },
      // A first sign-in also leaves the address and itself on the user it makes (its user.created event reads them).
      UpdateExpression: 'SET user_id = if_not_exists(user_id, :candidate), created_at = if_not_exists(created_at, :now), email = if_not_exists(email, :email), signin = if_not_exists(signin, :sign_in)',
      ExpressionAttributeValues: { ':candidate': expect.stringMatching(USER_ID_SHAPE), ':now': NOW_S, ':email': 'ada@example.com', ':sign_in': expect.any(String) },
      ReturnValues: 'ALL_NEW',
    });
    // The id is the one the table keeps, not this sign-in's candidate.
    expect((user!.ExpressionAttributeValues as Record<string, string>)[':candidate']).not.toBe(USER_ID);
    expect(data.user.id).toBe(USER_ID);
    expect(resolved(signIn)).toEqual({
      TableName: 'magic-link-auth-test',
      Key: { pk: `signin#${sha(TOKEN)}` },
      UpdateExpression: 'SET user_id = :user_id',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':user_id': USER_ID },
    });
  });

  it('makes no user and records nothing more when the consume is refused', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S + 60, used_at: NOW_S - 5 }));
    expectError(await verify({ token: TOKEN }), 'magic_link_already_used');
    expect(aws.dynamo.calls()).toHaveLength(1);
  });

  it('answers service_unavailable when the user update is throttled after the consume', async () => {
    answerUpdates(aws);
    aws.dynamo.on(UpdateCommand, { Key: { pk: `user#${expectedUserHash('ada@example.com')}` } }).rejects(awsError('ThrottlingException'));
    expectError(await verify({ token: TOKEN }), 'service_unavailable');
  });

  it('answers magic_link_not_found for a well-formed token nobody issued', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed());
    const response = await verify({ token: TOKEN });
    expectError(response, 'magic_link_not_found');
    // The link's token was the credential presented, and it was refused.
    expect(response.headers['www-authenticate']).toBe('Bearer realm="magic-link-auth", error="invalid_token", error_description="This magic link is not valid."');
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

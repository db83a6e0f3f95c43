/**
 * The sign-in policy through the request and verify functions' full Middy chains, each loaded with the
 * environment the construct would give it (`handlersWith`), the AWS SDK stubbed at its boundary. The
 * calls each path makes are counted here: what docs/api.md states as its round trips.
 */
import { apiEvent, invoke, type ParsedResponse } from '../../scripts/local/api-events';
import { expectError, expectSuccess } from '../fixtures/assertions';
import { resolved } from '../fixtures/expressions';
import { handlersWith, type IsolatedHandlers } from '../fixtures/isolated-handlers';

const NOW = new Date('2026-11-21T21:10:00Z');
const NOW_S = NOW.getTime() / 1000;
const WINDOW_START = Math.floor(Date.UTC(2026, 10, 21, 21, 0, 0) / 1000);
const TOKEN = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';
const HOOK_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:before-sign-in';

beforeEach(() => jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask'] }));
afterEach(() => jest.useRealTimers());

/** Loads the handlers under `env`, with every call succeeding and the hook (if any) answering `hookAnswer`. */
function deployment(env: Record<string, string>, hookAnswer: unknown = { allow: true }, hookExtra: object = {}): IsolatedHandlers {
  const handlers = handlersWith(env);
  const { aws, fixtures } = handlers;
  fixtures.succeedEverywhere(aws);
  aws.lambda.onAnyCommand().resolves({ StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(hookAnswer)) as never, ...hookExtra });
  return handlers;
}

const request = (handlers: IsolatedHandlers, email: string) => invoke(handlers.requestMagicLink, apiEvent({ body: { email } }));
const verifyLink = (handlers: IsolatedHandlers) => invoke(handlers.verify, apiEvent({ path: '/v1/auth/verify', body: { token: TOKEN } }));

/** Every AWS call a request made, by service and command, in order. */
function callsOf(handlers: IsolatedHandlers): string[] {
  const { aws } = handlers;
  return [
    ...aws.dynamo.calls().map((call) => `DynamoDB ${call.args[0].constructor.name}`),
    ...aws.ses.calls().map((call) => `SES ${call.args[0].constructor.name}`),
    ...aws.kms.calls().map((call) => `KMS ${call.args[0].constructor.name}`),
    ...aws.lambda.calls().map((call) => `Lambda ${call.args[0].constructor.name}`),
  ];
}

/** The payloads the hook was invoked with. */
const hookEvents = (handlers: IsolatedHandlers) => handlers.aws.lambda.calls().map((call) => JSON.parse(new TextDecoder().decode((call.args[0].input as { Payload: Uint8Array }).Payload)) as unknown);

/** The transaction's items by kind and key, with their conditions. */
function transactionItems(handlers: IsolatedHandlers): { kind: string; pk: unknown }[] {
  const [call] = handlers.aws.dynamo.calls();
  const items = (call!.args[0].input as { TransactItems: Record<string, { Key?: { pk: unknown }; Item?: { pk: unknown } }>[] }).TransactItems;
  return items.map((item) => {
    const [kind, body] = Object.entries(item)[0]!;
    return { kind, pk: body.Key?.pk ?? body.Item?.pk };
  });
}

const body = (response: ParsedResponse) => ({ status: response.status, data: (response.body as { data?: unknown }).data });

describe('the request function with allowedEmailDomains', () => {
  const ENV = { ALLOWED_EMAIL_DOMAINS: 'example.com,bücher.example' };

  it('answers an address outside the domains exactly as an allowed one, mailing nothing and storing no link or code', async () => {
    const allowed = deployment(ENV);
    const admitted = await request(allowed, 'ada@example.com');
    const refused = deployment(ENV);
    const outside = await request(refused, 'eve@other.test');

    expect(body(outside)).toEqual(body(admitted));
    expect(expectSuccess(outside, 202)).toEqual({ expires_in: 900 });
    expect(callsOf(refused)).toEqual(['DynamoDB TransactWriteCommand']);
    expect(callsOf(allowed)).toEqual(['DynamoDB TransactWriteCommand', 'SES SendEmailCommand']);
  });

  it('counts the refused request against the network, the address from this network, and the inbox: no link, code or mail budget', async () => {
    const refused = deployment(ENV);
    await request(refused, 'eve@other.test');
    const { expectedEmailHash } = refused.fixtures;
    const items = transactionItems(refused);
    expect(items.slice(0, 3)).toEqual([
      { kind: 'Update', pk: `rl#ip#v4:203.0.113.10#${WINDOW_START}` },
      { kind: 'Update', pk: `rl#inbox#${expectedEmailHash('eve@other.test')}#${WINDOW_START}` },
      { kind: 'Update', pk: `rl#email#v4:203.0.113.10#${expectedEmailHash('eve@other.test')}#${WINDOW_START}` },
    ]);
    // The budget is checked (is it past the threshold, as an allowed request would find?), never counted.
    expect(items.slice(3)).toEqual([{ kind: 'ConditionCheck', pk: expect.stringMatching(new RegExp(`^rl#mail#${WINDOW_START}#[0-9]$`)) }]);
    const [call] = refused.aws.dynamo.calls();
    for (const item of (call!.args[0].input as { TransactItems: { Update?: object }[] }).TransactItems.slice(0, 3)) {
      expect(resolved(item.Update!)).toMatchObject({ UpdateExpression: 'SET cnt = if_not_exists(cnt, :zero) + :one, ttl = :ttl', ConditionExpression: 'attribute_not_exists(cnt) OR cnt < :limit' });
    }
  });

  it('answers a refused address over a limit with that limit, as an allowed one', async () => {
    const refused = deployment(ENV);
    refused.aws.dynamo.rejects(refused.fixtures.transactionCanceled(['ConditionalCheckFailed', 'None', 'None']));
    expectError(await request(refused, 'eve@other.test'), 'magic_link_ip_limit_exceeded');
    const inbox = deployment(ENV);
    inbox.aws.dynamo.rejects(inbox.fixtures.transactionCanceled(['None', 'ConditionalCheckFailed', 'None']));
    expectError(await request(inbox, 'eve@other.test'), 'magic_link_email_limit_exceeded');
  });

  it('admits an internationalized domain in either spelling, and no subdomain', async () => {
    for (const email of ['ada@BÜCHER.example', 'ada@xn--bcher-kva.example']) {
      const handlers = deployment(ENV);
      await request(handlers, email);
      expect(callsOf(handlers)).toEqual(['DynamoDB TransactWriteCommand', 'SES SendEmailCommand']);
    }
    const sub = deployment(ENV);
    await request(sub, 'ada@mail.example.com');
    expect(callsOf(sub)).toEqual(['DynamoDB TransactWriteCommand']);
  });
});

describe('the request function with a beforeSignIn function', () => {
  const hooked = (onError: 'refuse' | 'allow') => ({ BEFORE_SIGN_IN_FUNCTION_ARN: HOOK_ARN, BEFORE_SIGN_IN_ON_ERROR: onError });

  it('asks it once, with the contract\'s event: one Lambda invoke more', async () => {
    const handlers = deployment(hooked('refuse'));
    expectSuccess(await request(handlers, 'Ada@Example.com'), 202);
    expect(callsOf(handlers)).toEqual(['DynamoDB TransactWriteCommand', 'SES SendEmailCommand', 'Lambda InvokeCommand']);
    expect(hookEvents(handlers)).toEqual([{ version: 1, trigger: 'request', email: 'ada@example.com', domain: 'example.com', source_ip: '203.0.113.10' }]);
    expect(handlers.aws.lambda.calls()[0]!.args[0].input).toMatchObject({ FunctionName: HOOK_ARN, InvocationType: 'RequestResponse' });
  });

  it('answers a refusal with the same 202, counted, and no mail', async () => {
    const handlers = deployment(hooked('refuse'), { allow: false });
    expect(expectSuccess(await request(handlers, 'ada@example.com'), 202)).toEqual({ expires_in: 900 });
    expect(callsOf(handlers)).toEqual(['DynamoDB TransactWriteCommand', 'Lambda InvokeCommand']);
    // The three counters, and the mail budget's threshold checked as an allowed request's would be.
    expect(transactionItems(handlers).map((item) => item.kind)).toEqual(['Update', 'Update', 'Update', 'ConditionCheck']);
  });

  it.each([
    ['an error the function throws', { errorType: 'Error', errorMessage: 'boom' }, { FunctionError: 'Unhandled' }],
    ['a malformed answer', { allowed: true }, {}],
  ])('treats %s as a refusal under refuse, and lets the address in under allow', async (_case, answer, extra) => {
    const closed = deployment(hooked('refuse'), answer, extra);
    expectSuccess(await request(closed, 'ada@example.com'), 202);
    expect(callsOf(closed)).toEqual(['DynamoDB TransactWriteCommand', 'Lambda InvokeCommand']);
    const open = deployment(hooked('allow'), answer, extra);
    expectSuccess(await request(open, 'ada@example.com'), 202);
    expect(callsOf(open)).toEqual(['DynamoDB TransactWriteCommand', 'SES SendEmailCommand', 'Lambda InvokeCommand']);
  });

  it('does not wait past beforeSignInTimeout for a slow function, and rules the timeout by beforeSignInOnError', async () => {
    for (const [onError, mailed] of [['refuse', 0], ['allow', 1]] as const) {
      const handlers = deployment({ ...hooked(onError), BEFORE_SIGN_IN_TIMEOUT_SECONDS: '1' });
      let slow: ReturnType<typeof setTimeout> | undefined;
      handlers.aws.lambda.onAnyCommand().callsFake(() => new Promise((resolve) => (slow = setTimeout(resolve, 8000, { StatusCode: 200 }))));
      const started = performance.now();
      expectSuccess(await request(handlers, 'ada@example.com'), 202);
      expect(performance.now() - started).toBeLessThan(2500);
      expect(handlers.aws.ses.calls()).toHaveLength(mailed);
      clearTimeout(slow);
    }
  });

  it('never asks the function about an address outside allowedEmailDomains', async () => {
    const handlers = deployment({ ...hooked('allow'), ALLOWED_EMAIL_DOMAINS: 'example.com' });
    expectSuccess(await request(handlers, 'eve@other.test'), 202);
    expect(callsOf(handlers)).toEqual(['DynamoDB TransactWriteCommand']);
  });
});

describe('the verify function', () => {
  it('with no policy, or only allowedEmailDomains, makes exactly its usual calls: 3 UpdateItem and 1 KMS Sign', async () => {
    for (const env of [{}, { ALLOWED_EMAIL_DOMAINS: 'example.com' }] as Record<string, string>[]) {
      const handlers = deployment(env);
      expectSuccess(await verifyLink(handlers), 200);
      expect(callsOf(handlers)).toEqual(['DynamoDB UpdateCommand', 'DynamoDB UpdateCommand', 'DynamoDB UpdateCommand', 'KMS SignCommand']);
    }
  });

  it('with a beforeSignIn function asks it once more, after the consume names the address', async () => {
    const handlers = deployment({ BEFORE_SIGN_IN_FUNCTION_ARN: HOOK_ARN });
    expectSuccess(await verifyLink(handlers), 200);
    expect(callsOf(handlers)).toEqual(['DynamoDB UpdateCommand', 'DynamoDB UpdateCommand', 'DynamoDB UpdateCommand', 'KMS SignCommand', 'Lambda InvokeCommand']);
    expect(hookEvents(handlers)).toEqual([{ version: 1, trigger: 'verify', email: 'ada@example.com', domain: 'example.com', source_ip: '203.0.113.10', method: 'link' }]);
  });

  it('ends the sign-in of a link mailed before the policy refused its address: revoked, no user, no token', async () => {
    for (const [env, answer] of [[{ ALLOWED_EMAIL_DOMAINS: 'example.org' }, undefined], [{ BEFORE_SIGN_IN_FUNCTION_ARN: HOOK_ARN }, { allow: false }]] as const) {
      const handlers = deployment(env, answer);
      expectError(await verifyLink(handlers), 'sign_in_not_allowed');
      const updates = handlers.aws.dynamo.calls().map((call) => resolved(call.args[0].input as object) as Record<string, unknown>);
      expect(updates).toHaveLength(2);
      expect(updates[0]).toMatchObject({ Key: { pk: expect.stringMatching(/^signin#/) }, ReturnValues: 'ALL_NEW' });
      expect(updates[1]).toEqual({
        TableName: 'magic-link-auth-test',
        Key: updates[0]!.Key,
        UpdateExpression: 'SET revoked_at = :now, ttl = :ttl',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revoked_at)',
        ExpressionAttributeValues: { ':now': NOW_S, ':ttl': NOW_S + 86_400 },
      });
      expect(handlers.aws.kms.calls()).toHaveLength(0);
    }
  });

  it('refuses the right code of a refused address before consuming it; a wrong code is still a wrong code', async () => {
    const handlers = deployment({ ALLOWED_EMAIL_DOMAINS: 'example.org' });
    const { GetCommand } = handlers.documentCommands;
    handlers.aws.dynamo.on(GetCommand).resolves({ Item: handlers.fixtures.liveCodeItem('ada@example.com', '123456', 'sid', NOW_S + 600) });
    const code = (value: string) => invoke(handlers.verify, apiEvent({ path: '/v1/auth/verify', body: { email: 'ada@example.com', code: value } }));
    expectError(await code('123456'), 'sign_in_not_allowed');
    expect(callsOf(handlers)).toEqual(['DynamoDB GetCommand']);
    expectError(await code('654321'), 'magic_link_code_invalid');
  });
});

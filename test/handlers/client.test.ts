import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { MagicLinkClient, MagicLinkTransportError, userMessage, ERROR_STATUS } from '../../client';
import { ERROR_CATALOG, ERROR_CODES } from '../../lambdas/contract/errors';
import { aws, resetAws } from '../fixtures/error-scenarios';
import { USER_ID, answerUpdates, conditionFailed, transactionCanceled } from '../fixtures/aws';
import { handlerFetch } from '../fixtures/handler-fetch';

const client = new MagicLinkClient({ baseUrl: 'https://api.example.com/', fetch: handlerFetch });
beforeEach(resetAws);

describe('MagicLinkClient against the handlers', () => {
  it('walks the whole sign-in', async () => {
    const requested = await client.requestMagicLink('ada@example.com');
    expect(requested).toEqual({ ok: true, status: 202, data: { expires_in: 900 }, requestId: expect.stringMatching(/^req_/) });

    const text = aws.ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content!.Simple!.Body!.Text!.Data!;
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(text)![1]!;
    answerUpdates(aws);
    const verified = await client.verify(token);
    if (!verified.ok) throw new Error(verified.error);
    expect(verified.data.user).toEqual({ id: USER_ID, email: 'ada@example.com' });

    const session = verified.data.session.token;
    const secretHash = createHash('sha256').update(session.split('.')[1]!).digest('base64url');
    aws.dynamo.on(GetCommand).resolves({ Item: { email: 'ada@example.com', user_id: USER_ID, session_hash: secretHash, session_expires_at: Math.floor(Date.now() / 1000) + 60 } });
    const current = await client.getSession(session);
    expect(current.ok && current.data.user).toEqual({ id: USER_ID, email: 'ada@example.com' });

    expect(await client.signOut(session)).toMatchObject({ ok: true, status: 200, data: { signed_out: true } });
    aws.dynamo.on(GetCommand).resolves({});
    expect(await client.getSession(session)).toMatchObject({ ok: false, status: 401, error: 'session_invalid', userMessage: 'Your session has ended. Please sign in again.' });
  });

  it('exposes retryAfterSeconds and a ready message on a 429, and does not retry', async () => {
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['ConditionalCheckFailed', 'None', 'None']));
    const result = await client.requestMagicLink('ada@example.com');
    expect(result).toEqual({
      ok: false,
      status: 429,
      error: 'magic_link_ip_limit_exceeded',
      message: ERROR_CATALOG.magic_link_ip_limit_exceeded.message,
      details: [],
      retryAfterSeconds: 3600,
      docUrl: 'https://docs.asterwise.com/reference/errors/magic_link_ip_limit_exceeded',
      requestId: expect.stringMatching(/^req_/),
      userMessage: 'Too many sign-in requests from your network. Please try again in 60 minutes.',
    });
    expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('under pressure, gets a challenge, solves it and asks once more, by itself', async () => {
    const pastThreshold = transactionCanceled(['None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']);
    aws.dynamo.on(TransactWriteCommand).rejectsOnce(pastThreshold).rejectsOnce(pastThreshold).rejectsOnce(pastThreshold).resolves({});
    expect(await client.requestMagicLink('ada@example.com')).toMatchObject({ ok: true, status: 202 });
    const tries = aws.dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems!);
    // Three shards' open parts without a proof, then one try with the solution spent in it.
    expect(tries.map((items) => items.length)).toEqual([6, 6, 6, 7]);
    expect(tries[3]![6]!.Update!.Key!.pk).toMatch(/^rl#pow#[0-9a-f]{64}$/);
    expect(aws.ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  }, 30_000); // WebCrypto, one digest at a time per number: up to a second or two at the default difficulty

  it('under pressure, answers magic_link_challenge_required when asked not to solve, and never asks twice', async () => {
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']));
    expect(await client.requestMagicLink('ada@example.com', { solveChallenge: false })).toMatchObject({ ok: false, status: 428, error: 'magic_link_challenge_required', retryAfterSeconds: null });
    expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(3);
    // Solved once and still refused (the budget is spent): the answer is the budget's, with no second solve.
    aws.dynamo.reset();
    aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed']));
    expect(await client.requestMagicLink('ada@example.com')).toMatchObject({ ok: false, status: 503, error: 'magic_link_capacity_exceeded' });
  }, 30_000);

  it('tells already-used links apart with the recommended message', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: Date.now() / 1000 + 60, used_at: 1 }));
    expect(await client.verify('A'.repeat(43))).toMatchObject({
      ok: false,
      status: 401,
      error: 'magic_link_already_used',
      retryAfterSeconds: null,
      userMessage: "This sign-in link was already used. If you're already signed in elsewhere, use that session. Otherwise, request a fresh link.",
    });
  });

  it('passes field details through on validation_failed', async () => {
    expect(await client.requestMagicLink('nope')).toMatchObject({
      ok: false,
      status: 400,
      error: 'validation_failed',
      details: [{ field: 'email', issue: 'must be a valid email address' }],
      userMessage: 'Please enter a valid email address.',
    });
  });

  it('throws MagicLinkTransportError when no API answered, or something else did', async () => {
    const down = new MagicLinkClient({ baseUrl: 'https://api.example.com', fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    await expect(down.requestMagicLink('ada@example.com')).rejects.toThrow(MagicLinkTransportError);
    const gateway = new MagicLinkClient({ baseUrl: 'https://api.example.com', fetch: async () => new Response('{"message":"Internal Server Error"}', { status: 500 }) });
    await expect(gateway.verify('A'.repeat(43))).rejects.toThrow("body that is not this API's envelope");
    const html = new MagicLinkClient({ baseUrl: 'https://api.example.com', fetch: async () => new Response('<html>', { status: 502 }) });
    await expect(html.getSession('x')).rejects.toThrow('without a JSON body');
  });

  it('knows every catalogued code and its status, with a message for each', () => {
    expect(ERROR_STATUS).toEqual(Object.fromEntries(ERROR_CODES.map((code) => [code, ERROR_CATALOG[code].status])));
    for (const code of ERROR_CODES) expect(userMessage(code, ERROR_CATALOG[code].retryAfter).length).toBeGreaterThan(10);
    expect(userMessage('service_unavailable', 5)).toBe('The service is busy right now. Please try again in 5 seconds.');
  });
});

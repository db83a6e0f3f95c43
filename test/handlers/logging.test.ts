import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { answerUpdates, expectedEmailHash, liveCodeItem, mockAws } from '../fixtures/aws';
import { captureLogs } from '../fixtures/logs';

const aws = mockAws();

// The logger reads its level once, at module load, like in Lambda: load the handlers with logging on.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
/* eslint-disable @typescript-eslint/no-require-imports */
const { handler: requestMagicLink } = require('../../lambdas/handlers/request-magic-link');
const { handler: verify } = require('../../lambdas/handlers/verify');
/* eslint-enable @typescript-eslint/no-require-imports */

it('logs one structured line per request with its id and outcome, and no address or token', async () => {
  aws.dynamo.on(TransactWriteCommand).resolves({});
  answerUpdates(aws, 'ada.lovelace@example.com');
  aws.ses.on(SendEmailCommand).resolves({});
  const seen: { ids: string[]; linkToken?: string; sessionToken?: string } = { ids: [] };

  const { raw, entries } = await captureLogs(async () => {
    const first = await invoke(requestMagicLink, apiEvent({ body: { email: 'Ada.Lovelace@Example.com' } }));
    const text = aws.ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content!.Simple!.Body!.Text!.Data!;
    seen.linkToken = /#token=([A-Za-z0-9_-]{43})/.exec(text)![1]!;
    const second = await invoke(verify, apiEvent({ path: '/v1/auth/verify', body: { token: seen.linkToken } }));
    seen.sessionToken = second.body.data.session.token;
    seen.ids.push(first.body.request_id, second.body.request_id);
  });

  const completed = entries.filter((entry) => entry.message === 'request completed');
  expect(completed).toEqual([
    expect.objectContaining({
      level: 'INFO',
      status: 202,
      outcome: 'ok',
      request_id: seen.ids[0],
      route: 'POST /v1/auth/magic-link',
      // Keyed with the deployment's secret: a guess list hashed with SHA-256 does not find it.
      email_hash: expectedEmailHash('ada.lovelace@example.com'),
      // The mail's language, resolved from the body, Accept-Language or the default.
      locale: 'en',
    }),
    expect.objectContaining({ level: 'INFO', status: 200, outcome: 'ok', request_id: seen.ids[1] }),
  ]);
  expect(completed[1]).not.toHaveProperty('email_hash');
  const lower = raw.toLowerCase();
  expect(lower).not.toContain('ada.lovelace@example.com');
  expect(raw).not.toContain(seen.linkToken);
  for (const part of seen.sessionToken!.split('.')) expect(raw).not.toContain(part);
});

it('logs no one-time code, code_verifier or code_challenge, on success or refusal', async () => {
  const { GetCommand, TransactWriteCommand: Transact, UpdateCommand: Update } = require('@aws-sdk/lib-dynamodb'); // eslint-disable-line @typescript-eslint/no-require-imports
  aws.dynamo.reset();
  aws.ses.reset();
  aws.dynamo.on(Transact).resolves({});
  answerUpdates(aws, 'grace@example.com');
  aws.ses.on(SendEmailCommand).resolves({});
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
  let code = '';
  const { raw, entries } = await captureLogs(async () => {
    await invoke(requestMagicLink, apiEvent({ body: { email: 'grace@example.com', code_challenge: challenge } }));
    const text = aws.ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content!.Simple!.Body!.Text!.Data!;
    code = text.split('\n').find((line: string) => /^\d{6}$/.test(line))!;
    aws.dynamo.on(GetCommand).resolves({ Item: liveCodeItem('grace@example.com', code, 'x'.repeat(43), Date.now() / 1000 + 600, { challenge }) });
    await invoke(verify, apiEvent({ path: '/v1/auth/verify', body: { email: 'grace@example.com', code, code_verifier: verifier } }));
    aws.dynamo.on(GetCommand).resolves({});
    aws.dynamo.on(Update).resolves({});
    await invoke(verify, apiEvent({ path: '/v1/auth/verify', body: { email: 'grace@example.com', code: '000000', code_verifier: verifier } }));
    await invoke(verify, apiEvent({ path: '/v1/auth/verify', body: { email: 'grace@example.com', code: 'abc', code_verifier: 'short' } }));
  });
  expect(entries.map((entry) => entry.outcome)).toEqual(['ok', 'ok', 'magic_link_code_invalid', 'validation_failed']);
  expect(code).toMatch(/^\d{6}$/);
  for (const secret of [code, verifier, challenge, 'grace@example.com']) expect(raw).not.toContain(secret);
});

describe('logs that cannot leak', () => {
  it('never logs the event, even with POWERTOOLS_LOGGER_LOG_EVENT=true (the debugging switch)', async () => {
    const saved = { ...process.env };
    let raw: string;
    let entries: { message?: string }[];
    try {
      process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
      let handlers: { requestMagicLink: unknown; verify: unknown } = { requestMagicLink: undefined, verify: undefined };
      jest.isolateModules(() => {
        handlers = {
          requestMagicLink: require('../../lambdas/handlers/request-magic-link').handler, // eslint-disable-line @typescript-eslint/no-require-imports
          verify: require('../../lambdas/handlers/verify').handler, // eslint-disable-line @typescript-eslint/no-require-imports
        };
      });
      aws.dynamo.on(TransactWriteCommand).resolves({});
      aws.ses.on(SendEmailCommand).resolves({});
      ({ raw, entries } = await captureLogs(async () => {
        await invoke(handlers.requestMagicLink, apiEvent({ body: { email: 'leak.check@example.com' }, headers: { Authorization: 'Bearer secret-session-token' } }));
        await invoke(handlers.verify, apiEvent({ path: '/v1/auth/verify', body: { token: 'T'.repeat(43), code_verifier: 'V'.repeat(43) } }));
      }));
    } finally {
      process.env = saved;
    }
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.map((entry) => entry.message)).not.toContain('Lambda invocation event');
    for (const secret of ['leak.check@example.com', 'secret-session-token', 'T'.repeat(43), 'V'.repeat(43)]) expect(raw).not.toContain(secret);
  });

  it('logs a failure as its name, AWS request id and cancellation codes, never its message', async () => {
    const { transactionCanceled } = require('../fixtures/aws'); // eslint-disable-line @typescript-eslint/no-require-imports
    aws.dynamo.reset();
    const cancelled = transactionCanceled(['None', 'ThrottlingError', 'None', 'None']);
    cancelled.message = 'Transaction cancelled: item {"email":{"S":"leak.check@example.com"}}';
    cancelled.$metadata = { requestId: 'AWSREQ123' };
    aws.dynamo.on(TransactWriteCommand).rejects(cancelled);
    const bug = new TypeError("Cannot read properties of undefined (reading 'leak.check@example.com')");
    const { raw, entries } = await captureLogs(async () => {
      await invoke(requestMagicLink, apiEvent({ body: { email: 'leak.check@example.com' } }));
      aws.dynamo.on(TransactWriteCommand).rejects(bug);
      await invoke(requestMagicLink, apiEvent({ body: { email: 'leak.check@example.com' } }));
    });
    const [unavailable, internal] = entries.filter((entry) => entry.message === 'request failed');
    expect(unavailable).toMatchObject({
      level: 'WARN',
      outcome: 'service_unavailable',
      error: { name: 'DependencyUnavailableError', cause: { name: 'TransactionCanceledException', aws_request_id: 'AWSREQ123', cancellation_reasons: ['None', 'ThrottlingError', 'None', 'None'] } },
    });
    expect(internal).toMatchObject({ level: 'ERROR', outcome: 'internal_error', error: { name: 'TypeError', frames: expect.arrayContaining([expect.stringMatching(/^at /)]) } });
    expect(raw).not.toContain('leak.check@example.com');
    expect(raw).not.toContain('Cannot read properties');
  });
});

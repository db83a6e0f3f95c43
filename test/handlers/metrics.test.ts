import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { awsError, conditionFailed, liveCodeItem, mockAws, transactionCanceled, succeedEverywhere } from '../fixtures/aws';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { captureLogs } from '../fixtures/logs';
import { ROUTES } from '../../lambdas/contract/routes';

const aws = mockAws();

// Metrics read their switch once, at module load, like in Lambda: load the handlers with them on.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
/* eslint-disable @typescript-eslint/no-require-imports */
const { handler: requestMagicLink } = require('../../lambdas/handlers/request-magic-link');
const { handler: verify } = require('../../lambdas/handlers/verify');
const { handler: getSession } = require('../../lambdas/handlers/get-session');
const { handler: openapi } = require('../../lambdas/handlers/openapi');
/* eslint-enable @typescript-eslint/no-require-imports */

const NOW = new Date('2026-11-21T21:10:00Z');
const NOW_S = NOW.getTime() / 1000;
const TOKEN = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';

beforeEach(() => {
  succeedEverywhere(aws);
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

/** The metric names one invocation writes (embedded metric format), with their dimensions checked. */
async function metricsOf(run: () => Promise<unknown>): Promise<string[]> {
  const { metrics } = await captureLogs(async () => void (await run()));
  expect(metrics.length).toBeLessThanOrEqual(1);
  return metrics.flatMap((line) => {
    const [directive] = line._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe('MagicLinkAuth');
    expect(directive.Dimensions).toEqual([['service', 'deployment']]);
    expect(line.service).toBe('magic-link-auth');
    const names: string[] = directive.Metrics.map((metric: { Name: string; Unit: string }) => {
      expect(metric.Unit).toBe('Count');
      expect(line[metric.Name]).toBe(1);
      return metric.Name;
    });
    return names.sort();
  });
}

const request = (body: object = { email: 'ada@example.com' }) => invoke(requestMagicLink, apiEvent({ body }));
const verifyLink = () => invoke(verify, apiEvent({ path: '/v1/auth/verify', body: { token: TOKEN } }));
const verifyCode = () => invoke(verify, apiEvent({ path: '/v1/auth/verify', body: { email: 'ada@example.com', code: '123456' } }));

describe('metrics: what each handler counts for each outcome', () => {
  it.each([
    ['a mailed link', () => {}, ['LinkMailed', 'LinkRequested']],
    ['the network limit', () => aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None', 'None'])), ['LinkRequested', 'RefusedIpLimit']],
    ['the address limit', () => aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'ConditionalCheckFailed', 'None', 'None', 'None', 'None'])), ['LinkRequested', 'RefusedEmailLimit']],
    // Without a proof of work a spent budget is past its threshold: the request is asked for one.
    ['the mail budget', () => aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'None', 'None', 'None', 'None', 'ConditionalCheckFailed'])), ['ChallengeRequired', 'LinkRequested']],
    ['an SES refusal', () => aws.ses.on(SendEmailCommand).rejects(awsError('MessageRejected')), ['DeliveryFailed', 'LinkRequested']],
  ])('magic-link: %s', async (_name, arrange, expected) => {
    arrange();
    expect(await metricsOf(() => request())).toEqual(expected);
  });

  it('magic-link: a bad body still counts as requested, and nothing else', async () => {
    expect(await metricsOf(() => request({ email: 'not-an-address' }))).toEqual(['LinkRequested']);
  });

  it.each([
    ['a sign-in by link', () => {}, verifyLink, ['VerifiedByLink']],
    ['a used link', () => aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S + 60, used_at: NOW_S - 5 })), verifyLink, ['AlreadyUsed']],
    ['an expired link', () => aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S - 5 })), verifyLink, ['Expired']],
    ['an unknown link', () => aws.dynamo.on(UpdateCommand).rejects(conditionFailed()), verifyLink, ['NotFound']],
    ['a bound link without its verifier', () => aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'x', link_expires_at: NOW_S + 60, challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' })), verifyLink, ['DeviceMismatch']],
    ['a sign-in by code', () => aws.dynamo.on(GetCommand).resolves({ Item: liveCodeItem('ada@example.com', '123456', 'abc', NOW_S + 60) }), verifyCode, ['VerifiedByCode']],
    ['a wrong code', () => aws.dynamo.on(GetCommand).resolves({}), verifyCode, ['CodeInvalid']],
    ['the right code of a used sign-in (counted as a wrong code)', () => {
      aws.dynamo.on(GetCommand).resolves({ Item: liveCodeItem('ada@example.com', '123456', 'abc', NOW_S + 60) });
      aws.dynamo.on(TransactWriteCommand).rejectsOnce(transactionCanceled(['None', 'None', 'None', 'ConditionalCheckFailed', 'None'])).resolves({});
    }, verifyCode, ['CodeInvalid']],
    ['a spent wrong-code budget', () => {
      aws.dynamo.on(GetCommand).resolves({});
      aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['None', 'ConditionalCheckFailed', 'None']));
    }, verifyCode, ['CodeAttemptsExceeded']],
    ['a spent network wrong-code budget', () => {
      aws.dynamo.on(GetCommand).resolves({});
      aws.dynamo.on(TransactWriteCommand).rejects(transactionCanceled(['ConditionalCheckFailed', 'None', 'None']));
    }, verifyCode, ['CodeIpLimitExceeded']],
  ])('verify: %s', async (_name, arrange, run, expected) => {
    arrange();
    expect(await metricsOf(run)).toEqual(expected);
  });

  it('writes no metric line for routes whose outcomes are not counted', async () => {
    aws.dynamo.on(GetCommand).resolves({});
    expect(await metricsOf(() => invoke(getSession, apiEvent({ method: 'GET', path: '/v1/auth/session', headers: { authorization: `Bearer ${TOKEN}.${TOKEN}` } })))).toEqual([]);
    expect(await metricsOf(() => invoke(openapi, apiEvent({ method: 'GET', path: '/v1/openapi.json' })))).toEqual([]);
  });
});

describe('the route a function counts under', () => {
  // The chain takes the operation id from the handler's options rather than from the request's path,
  // so a handler naming another route's id would count its outcomes under that route.
  it.each([...new Set(ROUTES.map((route) => route.handler))])('%s names the operation ROUTES gives it, or none when it serves several', (handler) => {
    const source = readFileSync(path.join(__dirname, '../../lambdas/handlers', `${handler}.ts`), 'utf8');
    const named = [...source.matchAll(/\boperationId: '(\w+)'/g)].map((match) => match[1]);
    const served = ROUTES.filter((route) => route.handler === handler).map((route) => route.operationId);
    // Several routes: none named (one chain for all), or each named by its own chain.
    expect([[], served].map((ids) => [...ids].sort())).toContainEqual([...named].sort());
  });
});

import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ERROR_CODES } from '../../lambdas/contract/errors';
import { handler } from '../../lambdas/handlers/openapi';
import { loadConfig } from '../../lambdas/config';
import { openApiDocument } from '../../lambdas/http/openapi';
import { DOCS_BASE_URL_PLACEHOLDER } from '../../lambdas/http/openapi-document.generated';
import { ROUTES } from '../../lambdas/contract/routes';
import { expectCommonHeaders } from '../fixtures/assertions';
import { aws, resetAws, scenarios } from '../fixtures/error-scenarios';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { handlerFetch } from '../fixtures/handler-fetch';
import { USER_ID, answerUpdates } from '../fixtures/aws';
import { openApiValidator } from '../fixtures/openapi-validator';

const validate = openApiValidator();
beforeEach(resetAws);

async function send(method: string, path: string, init: { body?: unknown; token?: string } = {}) {
  const response = await handlerFetch(`https://api.example.com${path}`, {
    method,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  return { status: response.status, headers, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('GET /v1/openapi.json', () => {
  it("serves exactly what openApiDocument builds, with the deployment's docsBaseUrl (prebuilt, packed in the bundle)", async () => {
    const config = loadConfig();
    if (!config.ok) throw config.error;
    const response = await invoke(handler, apiEvent({ method: 'GET', path: '/v1/openapi.json' }));
    expect(response.body).toEqual(JSON.parse(JSON.stringify(openApiDocument({ docsBaseUrl: config.config.docsBaseUrl }))));
    expect(response.rawBody).not.toContain(DOCS_BASE_URL_PLACEHOLDER);
  });

  it('serves an OpenAPI 3.1 document with every route and its errors', async () => {
    const response = await invoke(handler, apiEvent({ method: 'GET', path: '/v1/openapi.json' }));
    expect(response.status).toBe(200);
    expectCommonHeaders(response);
    expect(response.body.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      const operation = response.body.paths[route.path][route.method.toLowerCase()];
      expect(operation.operationId).toBe(route.operationId);
      const documented = Object.values(operation.responses).flatMap(
        (r: any) => r.content?.['application/json']?.schema?.allOf?.[1]?.properties?.error?.enum ?? [], // eslint-disable-line @typescript-eslint/no-explicit-any
      );
      expect(documented.sort()).toEqual([...route.errors].sort());
    }
  });
});

describe('real handler responses conform to the OpenAPI document', () => {
  it('for every success', async () => {
    answerUpdates(aws);
    const requested = await send('POST', '/v1/auth/magic-link', { body: { email: 'ada@example.com' } });
    expect(validate('POST', '/v1/auth/magic-link', requested)).toEqual([]);
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(aws.ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content!.Simple!.Body!.Text!.Data!)![1];
    const verified = await send('POST', '/v1/auth/verify', { body: { token } });
    expect(validate('POST', '/v1/auth/verify', verified)).toEqual([]);
    const session = verified.body.data.session.token;
    const secretHash = require('node:crypto').createHash('sha256').update(session.split('.')[1]).digest('base64url'); // eslint-disable-line @typescript-eslint/no-require-imports
    aws.dynamo.on(GetCommand).resolves({ Item: { email: 'ada@example.com', user_id: USER_ID, session_hash: secretHash, session_expires_at: Date.now() / 1000 + 60 } });
    expect(validate('GET', '/v1/auth/session', await send('GET', '/v1/auth/session', { token: session }))).toEqual([]);
    // A session started before sign-ins recorded their user: its user has no id, and that conforms too.
    aws.dynamo.on(GetCommand).resolves({ Item: { email: 'ada@example.com', session_hash: secretHash, session_expires_at: Date.now() / 1000 + 60 } });
    expect(validate('GET', '/v1/auth/session', await send('GET', '/v1/auth/session', { token: session }))).toEqual([]);
    expect(validate('POST', '/v1/auth/sign-out', await send('POST', '/v1/auth/sign-out', { token: session }))).toEqual([]);
    expect(validate('GET', '/v1/openapi.json', await send('GET', '/v1/openapi.json'))).toEqual([]);
    expect(aws.dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it.each(ERROR_CODES)('for %s', async (code) => {
    const response = await scenarios[code]();
    const { route } = response;
    const problems =
      route === undefined
        ? // Unknown paths are documented once, as shared responses: check the body against the envelope.
          validate('POST', '/v1/auth/magic-link', { ...response, status: 400 }).filter((p) => !p.includes('/error'))
        : validate(route.method, route.path, response);
    expect(problems).toEqual([]);
  });
});

describe('the validator itself', () => {
  it('catches responses that break the document', () => {
    const ok = { 'x-request-id': 'req_01HXYZABCDEFGHJKMNPQRSTVWX' };
    const envelope = { success: true, data: { expires_in: 900 }, request_id: ok['x-request-id'], timestamp: '2026-05-25T12:34:56Z' };
    expect(validate('POST', '/v1/auth/magic-link', { status: 202, headers: ok, body: envelope })).toEqual([]);
    expect(validate('POST', '/v1/auth/magic-link', { status: 202, headers: ok, body: { ...envelope, data: { expires_in: '900' } } })).not.toEqual([]);
    expect(validate('POST', '/v1/auth/magic-link', { status: 202, headers: {}, body: envelope })).toEqual(['missing header X-Request-Id']);
    expect(validate('POST', '/v1/auth/magic-link', { status: 401, headers: ok, body: envelope })).toEqual(['status 401 is not documented for POST /v1/auth/magic-link']);
    const limited = { success: false, error: 'magic_link_expired', message: 'x', details: [], retry_after: 3600, doc_url: 'https://d.example/x', request_id: ok['x-request-id'], timestamp: envelope.timestamp };
    expect(validate('POST', '/v1/auth/magic-link', { status: 429, headers: { ...ok, 'retry-after': '3600' }, body: limited })).not.toEqual([]);
  });
});

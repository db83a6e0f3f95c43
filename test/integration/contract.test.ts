import { MagicLinkClient } from '../../client';
import { magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { USER_ID_SHAPE } from '../fixtures/assertions';
import { openApiValidator } from '../fixtures/openapi-validator';
import { call, deployment, freshEmail } from './client';

describe('the deployed stack keeps its published contract', () => {
  const validate = openApiValidator();

  it('serves its OpenAPI document at GET /v1/openapi.json', async () => {
    const response = await call('GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/v1/auth/magic-link', '/v1/auth/verify', '/v1/auth/session', '/v1/auth/sign-out']));
  });

  it('answers every route, successes and errors, as the OpenAPI document says', async () => {
    const email = freshEmail('contract');
    const checks: [string, string, Awaited<ReturnType<typeof call>>][] = [];
    const check = async (method: string, path: string, options: Parameters<typeof call>[2] = {}) => {
      const response = await call(method, path, options);
      checks.push([method, path, response]);
      return response;
    };
    await check('POST', '/v1/auth/magic-link', { body: { email } });
    const token = magicLinkIn((await waitForMail(deployment().endpoint, email))[0]!)!.token;
    const verified = await check('POST', '/v1/auth/verify', { body: { token } });
    const auth = { authorization: `Bearer ${verified.body.data.session.token}` };
    await check('GET', '/v1/auth/session', { headers: auth });
    await check('POST', '/v1/auth/sign-out', { headers: auth });
    await check('GET', '/v1/auth/session', { headers: auth });
    await check('POST', '/v1/auth/sign-out', { headers: auth });
    await check('POST', '/v1/auth/verify', { body: { token } });
    await check('POST', '/v1/auth/verify', { body: { token: 'B'.repeat(43) } });
    await check('POST', '/v1/auth/verify', { body: { token: 'short' } });
    await check('POST', '/v1/auth/magic-link', { body: '{' });
    await check('POST', '/v1/auth/magic-link', { body: 'x', headers: { 'content-type': 'text/plain' } });
    await check('POST', '/v1/auth/magic-link', { body: { email, pad: 'x'.repeat(9000) } });
    await check('GET', '/v1/openapi.json');

    const problems = checks.flatMap(([method, path, response]) => validate(method, path, response).map((p) => `${method} ${path} ${response.status}: ${p}`));
    expect(problems).toEqual([]);
    expect(checks.map(([, , response]) => response.status)).toEqual([202, 200, 200, 200, 401, 401, 401, 401, 400, 400, 415, 413, 200]);
  });

  it('is driven end to end by the typed client', async () => {
    const client = new MagicLinkClient({ baseUrl: deployment().apiBaseUrl });
    const email = freshEmail('client');
    expect(await client.requestMagicLink(email)).toMatchObject({ ok: true, status: 202, data: { expires_in: 60 } });
    const token = magicLinkIn((await waitForMail(deployment().endpoint, email))[0]!)!.token;
    const verified = await client.verify(token);
    if (!verified.ok) throw new Error(`verify failed: ${verified.error}`);
    expect((await client.verify(token)) as unknown).toMatchObject({ ok: false, error: 'magic_link_already_used', userMessage: expect.stringContaining('already used') });
    expect(verified.data.user).toEqual({ id: expect.stringMatching(USER_ID_SHAPE), email });
    expect(await client.getSession(verified.data.session.token)).toMatchObject({ ok: true, data: { user: verified.data.user } });
    expect(await client.signOut(verified.data.session.token)).toMatchObject({ ok: true });
    expect(await client.getSession(verified.data.session.token)).toMatchObject({ ok: false, status: 401, error: 'session_invalid' });

    // The 429 path, on the address limit (the IP limit's deployment belongs to limits.test.ts).
    const busy = freshEmail('client-busy');
    for (let i = 0; i < 5; i++) expect((await client.requestMagicLink(busy)).ok).toBe(true);
    expect(await client.requestMagicLink(busy)).toMatchObject({
      ok: false,
      status: 429,
      error: 'magic_link_email_limit_exceeded',
      retryAfterSeconds: 3600,
      userMessage: expect.stringContaining('try again in 60 minutes'),
    });
  });
});

import { PutCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createHash } from 'node:crypto';
import { KmsPublicKeys } from '../../lambdas/adapters/kms-token-signer';
import { CODE_SECRET, USER_ID, conditionFailed, mockAws } from '../fixtures/aws';
import { testAccessTokens, testSigner } from '../fixtures/access-tokens';
import { invokeRoute } from '../fixtures/handler-fetch';

/** The clients test/env.ts registers: a public one and a confidential one (whose secret the stub hands out). */
const SPA = { clientId: 'spa-app', redirectUri: 'https://app.example.com/callback' };
const SERVER = { clientId: 'server-app', redirectUri: 'https://server.example.com/oidc/callback', secret: CODE_SECRET };
const ISSUER = 'https://auth.example.com';
const CURRENT_KEY = '22222222-2222-4222-8222-222222222222';
const VERIFIER = 'dBjftJeZ4CVP-mJ92K9ZxnRyhpBm4rB9V8_vWGhqWp4a';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const CODE = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE';
const FAMILY = 'FaMiLyFaMiLyFaMiLyFaMiLyFaMiLyFaMiLyFaMiLyF';
const SIGN_IN = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';
const nowSeconds = () => Math.floor(Date.now() / 1000);

const aws = mockAws();
beforeEach(() => {
  aws.dynamo.reset();
  aws.kms.resetHistory();
});

const authorize = (query: Record<string, string>) => invokeRoute('GET', '/oauth2/authorize', { query });
const valid = { response_type: 'code', client_id: SPA.clientId, redirect_uri: SPA.redirectUri, scope: 'openid email', state: 'st ate/+', nonce: 'n-1', code_challenge: CHALLENGE, code_challenge_method: 'S256' };

describe('GET /oauth2/authorize', () => {
  it('shows the hosted page for a valid request, naming the client, with no AWS call', async () => {
    const response = await authorize(valid);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.rawBody).toContain('<title>Sign in to Example App</title>');
    expect(response.rawBody).toContain('data-client-name="Example App"');
    expect(response.rawBody).toContain('src="../sign-in/app.js"');
    expect(aws.dynamo.calls()).toHaveLength(0);
  });

  it.each([
    ['an unknown client', { client_id: 'nobody' }],
    ['no client', { client_id: '' }],
    ['a redirect URI the client did not register', { redirect_uri: 'https://app.example.com/callback/other' }],
    ['a redirect URI on another host', { redirect_uri: 'https://app.example.com.evil.test/callback' }],
    ['no redirect URI', { redirect_uri: '' }],
  ])('%s: an error page, never a redirect', async (_case, change) => {
    const response = await authorize({ ...valid, ...change });
    expect(response.status).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.rawBody).toContain('This sign-in request is not valid');
    expect(response.rawBody).not.toContain('app.js');
  });

  it.each([
    ['no response_type', { response_type: undefined }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['a scope without openid', { scope: 'email' }, 'invalid_scope'],
    ['a public client without code_challenge', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['code_challenge_method plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a malformed code_challenge', { code_challenge: 'short' }, 'invalid_request'],
    ['prompt=none', { prompt: 'none' }, 'login_required'],
    ['a request object', { request: 'eyJ...' }, 'request_not_supported'],
  ])('%s: back to the redirect URI with the error, state and iss', async (_case, change, error) => {
    const query = Object.fromEntries(Object.entries({ ...valid, ...change }).filter(([, value]) => value !== undefined)) as Record<string, string>;
    const response = await authorize(query);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(SPA.redirectUri);
    expect(Object.fromEntries(location.searchParams)).toEqual({ error, error_description: expect.any(String), state: 'st ate/+', iss: ISSUER });
  });

  it('a repeated parameter is invalid_request', async () => {
    const response = await invokeRoute('GET', '/oauth2/authorize', { query: valid, rawQuery: `${new URLSearchParams(valid)}&scope=openid` });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.location!).searchParams.get('error')).toBe('invalid_request');
  });

  it('a confidential client may leave out PKCE', async () => {
    const response = await authorize({ response_type: 'code', client_id: SERVER.clientId, redirect_uri: SERVER.redirectUri, scope: 'openid' });
    expect(response.status).toBe(200);
    expect(response.rawBody).toContain('Sign in to Example Server');
  });
});

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  invokeRoute('POST', '/oauth2/token', { body: new URLSearchParams(fields).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });
const basic = (id: string, secret: string) => ({ Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });

/** The code item as the exchange's update returns it (ALL_NEW). */
function exchangedCode(overrides: Record<string, unknown> = {}) {
  return { scope: 'openid email', nonce: 'n-1', user_id: USER_ID, email: 'ada@example.com', signin: SIGN_IN, auth_time: nowSeconds() - 5, session_expires_at: nowSeconds() + 3600, ...overrides };
}

async function verifiedClaims(token: string, audience: string) {
  const keys = createLocalJWKSet({ keys: await new KmsPublicKeys([`arn:aws:kms:eu-west-1:123456789012:key/${CURRENT_KEY}`]).get() });
  return (await jwtVerify(token, keys, { issuer: ISSUER, audience, algorithms: ['RS256'] })).payload;
}

describe('POST /oauth2/token: the code exchange', () => {
  const exchange = (extra: Record<string, string> = {}) => form({ grant_type: 'authorization_code', code: CODE, redirect_uri: SPA.redirectUri, client_id: SPA.clientId, code_verifier: VERIFIER, ...extra });

  it('exchanges a code once for an access token, an ID token and a refresh token, never cached', async () => {
    aws.dynamo.on(UpdateCommand).resolves({ Attributes: exchangedCode() });
    aws.dynamo.on(PutCommand).resolves({});
    const response = await exchange();
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.pragma).toBe('no-cache');
    expect(response.body).toEqual({ access_token: expect.any(String), id_token: expect.any(String), refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/), token_type: 'Bearer', expires_in: 600, scope: 'openid email' });
    const idToken = await verifiedClaims(response.body.id_token, SPA.clientId);
    expect(idToken).toMatchObject({ iss: ISSUER, sub: USER_ID, aud: SPA.clientId, nonce: 'n-1', amr: ['otp'], email: 'ada@example.com', email_verified: true, sid: expect.any(String), auth_time: expect.any(Number) });
    expect(await verifiedClaims(response.body.access_token, 'magic-link-auth')).toMatchObject({ sub: USER_ID, email: 'ada@example.com' });

    // The code is consumed by its hash, for its client, redirect URI and the verifier's challenge; the family stores only hashes.
    const [update] = aws.dynamo.commandCalls(UpdateCommand);
    expect(update!.args[0].input).toMatchObject({
      Key: { pk: `authcode#${createHash('sha256').update(CODE).digest('base64url')}` },
      ExpressionAttributeValues: expect.objectContaining({ ':client_id': SPA.clientId, ':redirect_uri': SPA.redirectUri, ':challenge': CHALLENGE }),
    });
    const [put] = aws.dynamo.commandCalls(PutCommand);
    const item = put!.args[0].input.Item!;
    const [family, secret] = (response.body.refresh_token as string).split('.');
    expect(item).toMatchObject({ pk: `refresh#${family}`, refresh_hash: createHash('sha256').update(secret!).digest('base64url'), client_id: SPA.clientId });
    expect(JSON.stringify(item)).not.toContain(secret);
    // Calls: the code's update and the family's put; two signatures (access and ID token).
    expect(aws.dynamo.calls()).toHaveLength(2);
    expect(aws.kms.calls().filter((c) => c.args[0].constructor.name === 'SignCommand')).toHaveLength(2);
  });

  it('a code used before gets invalid_grant and ends the refresh family its first use started', async () => {
    aws.dynamo.on(UpdateCommand).rejectsOnce(conditionFailed({ pk: 'authcode#x', used_at: nowSeconds() - 10, family: FAMILY })).resolves({});
    const response = await exchange();
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    const revoke = aws.dynamo.commandCalls(UpdateCommand)[1]!.args[0].input;
    expect(revoke.Key).toEqual({ pk: `refresh#${FAMILY}` });
    expect(Object.values(revoke.ExpressionAttributeNames ?? {})).toContain('revoked_at');
  });

  it('a refused code (wrong verifier, unknown, expired) gets invalid_grant and revokes nothing', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: 'authcode#x', code_expires_at: nowSeconds() + 30 }));
    const response = await exchange();
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
    expect(aws.dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('a family a second use revoked before the first could start it: invalid_grant', async () => {
    aws.dynamo.on(UpdateCommand).resolves({ Attributes: exchangedCode() });
    aws.dynamo.on(PutCommand).rejects(conditionFailed());
    expect((await exchange()).body.error).toBe('invalid_grant');
  });

  it.each([
    ['no code_verifier from a public client', { code_verifier: '' }, 'invalid_request'],
    ['no code', { code: '' }, 'invalid_request'],
    ['no redirect_uri', { redirect_uri: '' }, 'invalid_request'],
    ['a malformed code', { code: 'short' }, 'invalid_grant'],
    ['grant_type password', { grant_type: 'password' }, 'unsupported_grant_type'],
  ])('%s: %s', async (_case, change, error) => {
    const fields = Object.fromEntries(Object.entries({ grant_type: 'authorization_code', code: CODE, redirect_uri: SPA.redirectUri, client_id: SPA.clientId, code_verifier: VERIFIER, ...change }).filter(([, v]) => v !== ''));
    const response = await form(fields);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe(error);
    expect(aws.dynamo.calls()).toHaveLength(0);
  });

  it('a body that is not form-encoded is invalid_request', async () => {
    const response = await invokeRoute('POST', '/oauth2/token', { body: { grant_type: 'authorization_code' } });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });
});

describe('POST /oauth2/token: client authentication', () => {
  const refresh = { grant_type: 'refresh_token', refresh_token: `${FAMILY}.${SIGN_IN}` };
  beforeEach(() => {
    aws.dynamo.on(UpdateCommand).resolves({ Attributes: { scope: 'openid', user_id: USER_ID, email: 'ada@example.com', signin: SIGN_IN } });
    aws.dynamo.on(GetCommand).resolves({ Item: { email: 'ada@example.com', session_expires_at: nowSeconds() + 3600 } });
  });

  it('a confidential client authenticates with client_secret_basic or client_secret_post', async () => {
    expect((await form(refresh, basic(SERVER.clientId, SERVER.secret))).status).toBe(200);
    expect((await form({ ...refresh, client_id: SERVER.clientId, client_secret: SERVER.secret })).status).toBe(200);
  });

  it('a wrong secret is 401 invalid_client with a Basic challenge, and counted for the client and the network', async () => {
    const response = await form(refresh, basic(SERVER.clientId, `${SERVER.secret.slice(0, -1)}x`));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(response.headers['www-authenticate']).toBe('Basic realm="oauth2", error="invalid_client"');
    const [count] = aws.dynamo.commandCalls(UpdateCommand);
    // Per client and per network (the source's network key), in this hour's window.
    expect(String(count!.args[0].input.Key!.pk)).toMatch(/^rl#client#server-app#[^#]*203\.0\.113\.10#\d+$/);
  });

  it('past the cap, that network\'s failures are answered 429 with Retry-After', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed());
    const response = await form({ ...refresh, client_id: SERVER.clientId, client_secret: 'wrong' });
    expect(response.status).toBe(429);
    expect(response.body.error).toBe('invalid_client');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });

  it.each([
    ['an unknown client', { client_id: 'nobody' }],
    ['a confidential client without its secret', { client_id: SERVER.clientId }],
    ['a public client with a secret', { client_id: SPA.clientId, client_secret: 'anything' }],
    ['no client at all', {}],
  ])('%s: 401 invalid_client', async (_case, credentials) => {
    const response = await form({ ...refresh, ...credentials });
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_client');
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm="oauth2"/);
  });

  it('two authentication methods at once are invalid_request', async () => {
    const response = await form({ ...refresh, client_secret: SERVER.secret }, basic(SERVER.clientId, SERVER.secret));
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });
});

describe('POST /oauth2/token: refresh', () => {
  const refresh = (token = `${FAMILY}.${SIGN_IN}`) => form({ grant_type: 'refresh_token', refresh_token: token, client_id: SPA.clientId });

  it('rotates the refresh token and issues a new access token while the session lives (one update, one read, one signature)', async () => {
    aws.dynamo.on(UpdateCommand).resolves({ Attributes: { scope: 'openid email', user_id: USER_ID, email: 'ada@example.com', signin: SIGN_IN } });
    aws.dynamo.on(GetCommand).resolves({ Item: { email: 'ada@example.com', session_expires_at: nowSeconds() + 3600 } });
    const response = await refresh();
    expect(response.status).toBe(200);
    expect(response.body.refresh_token).toMatch(new RegExp(`^${FAMILY}\\.`));
    expect(response.body.refresh_token).not.toBe(`${FAMILY}.${SIGN_IN}`);
    expect(response.body.id_token).toBeUndefined();
    const rotation = aws.dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(rotation.ExpressionAttributeValues).toMatchObject({ ':current': createHash('sha256').update(SIGN_IN).digest('base64url'), ':client_id': SPA.clientId });
    expect(aws.dynamo.calls()).toHaveLength(2);
  });

  it('a rotated token used again: invalid_grant, and the family is ended', async () => {
    aws.dynamo.on(UpdateCommand).rejectsOnce(conditionFailed({ pk: `refresh#${FAMILY}`, client_id: SPA.clientId, refresh_hash: 'the-newer-one' })).resolves({});
    const response = await refresh();
    expect(response.body.error).toBe('invalid_grant');
    expect(aws.dynamo.commandCalls(UpdateCommand)[1]!.args[0].input.Key).toEqual({ pk: `refresh#${FAMILY}` });
  });

  it('a revoked family, another client\'s, or a malformed token: invalid_grant, nothing more revoked', async () => {
    aws.dynamo.on(UpdateCommand).rejects(conditionFailed({ pk: `refresh#${FAMILY}`, client_id: SPA.clientId, refresh_hash: 'x', revoked_at: 1 }));
    expect((await refresh()).body.error).toBe('invalid_grant');
    expect(aws.dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    expect((await refresh('not-a-token')).body.error).toBe('invalid_grant');
  });

  it('a signed-out session: invalid_grant', async () => {
    aws.dynamo.on(UpdateCommand).resolves({ Attributes: { scope: 'openid', user_id: USER_ID, email: 'ada@example.com', signin: SIGN_IN } });
    aws.dynamo.on(GetCommand).resolves({ Item: { email: 'ada@example.com', session_expires_at: nowSeconds() + 3600, revoked_at: nowSeconds() - 1 } });
    expect((await refresh()).body.error).toBe('invalid_grant');
  });
});

describe('GET /oauth2/userinfo', () => {
  it('returns sub, email and email_verified of a valid access token', async () => {
    const { token } = await testAccessTokens(testSigner(CURRENT_KEY)).issue({ userId: USER_ID, email: 'ada@example.com', signInId: SIGN_IN }, new Date());
    const response = await invokeRoute('GET', '/oauth2/userinfo', { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ sub: USER_ID, email: 'ada@example.com', email_verified: true });
  });

  it('refuses a token signed by a key it does not publish, or none, with WWW-Authenticate', async () => {
    const { token } = await testAccessTokens(testSigner('99999999-9999-4999-8999-999999999999')).issue({ userId: USER_ID, email: 'ada@example.com', signInId: SIGN_IN }, new Date());
    const bad = await invokeRoute('GET', '/oauth2/userinfo', { headers: { Authorization: `Bearer ${token}` } });
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    const none = await invokeRoute('GET', '/oauth2/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
  });
});

import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { testAccessTokens, testSigner } from '../fixtures/access-tokens';
import { createHash } from 'node:crypto';
import { ERROR_CODES } from '../../lambdas/contract/errors';
import { ROUTES, type Route } from '../../lambdas/contract/routes';
import type { ParsedResponse } from '../../scripts/local/api-events';
import { expectError } from '../fixtures/assertions';
import { USER_ID, succeedEverywhere } from '../fixtures/aws';
import { aws, resetAws, scenarios } from '../fixtures/error-scenarios';
import { invokeRoute, type RoutedResponse } from '../fixtures/handler-fetch';

const TOKEN = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';
const SECRET = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

/** A live session for the bearer routes: the record the store would return for `TOKEN.SECRET`. */
function signedIn(): Record<string, string> {
  const session_hash = createHash('sha256').update(SECRET).digest('base64url');
  aws.dynamo.on(GetCommand).resolves({ Item: { email: 'ada@example.com', user_id: USER_ID, session_hash, session_expires_at: Date.now() / 1000 + 3600 } });
  return { Authorization: `Bearer ${TOKEN}.${SECRET}` };
}

/**
 * One successful call of each route, with the request headers given (a content type, for the routes
 * that read a body). The Record type makes a new route without one a compile error.
 */
const successes: Record<Route['operationId'], (headers?: Record<string, string>) => Promise<RoutedResponse>> = {
  requestMagicLink: (headers) => invokeRoute('POST', '/v1/auth/magic-link', { body: { email: 'ada@example.com' }, headers }),
  getChallenge: () => invokeRoute('GET', '/v1/auth/challenge'),
  verify: (headers) => invokeRoute('POST', '/v1/auth/verify', { body: { token: TOKEN }, headers }),
  getSession: () => invokeRoute('GET', '/v1/auth/session', { headers: signedIn() }),
  refreshAccessToken: () => invokeRoute('POST', '/v1/auth/token', { headers: signedIn() }),
  signOut: (headers) => invokeRoute('POST', '/v1/auth/sign-out', { body: {}, headers: { ...signedIn(), ...headers } }),
  getSignInPage: () => invokeRoute('GET', '/sign-in'),
  getSignInScript: () => invokeRoute('GET', '/sign-in/app.js'),
  getSignInStyles: () => invokeRoute('GET', '/sign-in/app.css'),
  getSignInLanguage: () => invokeRoute('GET', '/sign-in/language.js', { query: { locale: 'de' } }),
  getOpenApiDocument: () => invokeRoute('GET', '/v1/openapi.json'),
  getOpenIdConfiguration: () => invokeRoute('GET', '/.well-known/openid-configuration'),
  getJwks: () => invokeRoute('GET', '/.well-known/jwks.json'),
  authorize: () =>
    invokeRoute('GET', '/oauth2/authorize', {
      query: { response_type: 'code', client_id: 'spa-app', redirect_uri: 'https://app.example.com/callback', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' },
    }),
  oauthToken: () => {
    aws.dynamo.on(UpdateCommand).resolves({ Attributes: { scope: 'openid', user_id: USER_ID, email: 'ada@example.com', signin: TOKEN, auth_time: 1, session_expires_at: Date.now() / 1000 + 3600 } });
    aws.dynamo.on(GetCommand).resolves({ Item: { email: 'ada@example.com', session_expires_at: Date.now() / 1000 + 3600 } });
    return invokeRoute('POST', '/oauth2/token', {
      body: `grant_type=refresh_token&client_id=spa-app&refresh_token=${TOKEN}.${SECRET}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  },
  userInfo: async () => {
    // Signed with the deployment's current key (SIGNING_KEY_ARN in test/env.ts), which the JWKS publishes.
    const { token } = await testAccessTokens(testSigner('22222222-2222-4222-8222-222222222222')).issue({ userId: USER_ID, email: 'ada@example.com', signInId: TOKEN }, new Date());
    return invokeRoute('GET', '/oauth2/userinfo', { headers: { authorization: `Bearer ${token}` } });
  },
};

/** What a response says besides its body: nothing deprecated, nothing empty. */
function expectNoNoiseHeaders(response: ParsedResponse): void {
  expect(Object.entries(response.headers).filter(([, value]) => value.trim() === '')).toEqual([]);
  // `0` (the filter off) is the only value current guidance allows; absent is as good.
  expect([undefined, '0']).toContain(response.headers['x-xss-protection']);
}

// The error scenarios start from resetAws; the successes need every call to succeed.
beforeEach(resetAws);
const allSucceed = () => succeedEverywhere(aws);

describe('response headers', () => {
  it.each(ROUTES.map((route) => route.operationId))('a success of %s carries no empty header and no x-xss-protection but 0', async (operationId) => {
    allSucceed();
    const response = await successes[operationId]();
    expect(response.status).toBe(ROUTES.find((route) => route.operationId === operationId)!.successStatus);
    expectNoNoiseHeaders(response);
  });

  it.each(ERROR_CODES)('the %s error carries no empty header and no x-xss-protection but 0', async (code) => {
    const response = await scenarios[code]();
    expect(response.body.error).toBe(code);
    expectNoNoiseHeaders(response);
  });

  it('the answer to a preflight on a real path carries no empty header and no x-xss-protection but 0', async () => {
    const response = await invokeRoute('OPTIONS', '/v1/auth/verify', { headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'POST' } });
    expect(response.status).toBe(204);
    expectNoNoiseHeaders(response);
  });

  it('the hosted page keeps its whole policy and every security header it is served with', async () => {
    const page = await successes.getSignInPage();
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'; " +
        "trusted-types 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'",
    );
    expect(page.headers).toMatchObject({
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'DENY',
      'x-permitted-cross-domain-policies': 'none',
    });
    expect(page.headers['permissions-policy']).toMatch(/^accelerometer=\(\), .*camera=\(\), .*geolocation=\(\), .*microphone=\(\), .*payment=\(\)/);
  });
});

describe('the media type of a JSON body', () => {
  // Every route that reads a body, each with a call that succeeds when the body is labelled right.
  const bodyRoutes = ROUTES.filter((route) => (route.errors as readonly string[]).includes('unsupported_media_type'));

  it('is checked on the routes that read a body', () => {
    expect(bodyRoutes.map((route) => route.operationId)).toEqual(['requestMagicLink', 'verify', 'signOut']);
  });

  describe.each(bodyRoutes)('on $method $path', (route) => {
    beforeEach(allSucceed);

    it.each([
      'application/json',
      'application/json; charset=utf-8',
      'application/json; CHARSET=UTF-8',
      'application/json;charset="utf-8"',
      'application/json ; charset=utf-8 ',
      'application/problem+json',
      'application/vnd.example+json; charset=utf-8',
    ])('accepts %s', async (type) => {
      expect((await successes[route.operationId]({ 'Content-Type': type })).status).toBe(route.successStatus);
    });

    it.each([
      // The body is decoded as UTF-8: a body in another charset would be misread.
      'application/json; charset=utf-16',
      'application/json; charset=UTF-16LE',
      'application/json; charset=latin1',
      'application/json; charset=iso-8859-1',
      'application/json; charset=utf-8; charset=utf-16',
      // JSON defines no parameter: one the service does not know is refused, not ignored.
      'application/json; version=2',
      'application/json; charset=utf-8; profile="https://example.com/p"',
      'application/json; charset=',
      'text/json; charset=utf-8',
    ])('refuses %s with unsupported_media_type', async (type) => {
      expectError(await successes[route.operationId]({ 'Content-Type': type }), 'unsupported_media_type');
    });
  });
});

import { expectError } from '../fixtures/assertions';
import { call, freshEmail, type HttpResponse } from './client';

/**
 * What `curl -sD-` shows of the deployed API: the headers of real HTTP responses through the
 * emulator's API Gateway, and the media types a body may be labelled with.
 */
describe('response headers and media types through the real API Gateway', () => {
  it('sends no x-xss-protection but 0 and no empty header, on successes, errors and the hosted page', async () => {
    const responses: [string, HttpResponse][] = [
      ['GET /v1/openapi.json', await call('GET', '/v1/openapi.json')],
      ['POST /v1/auth/magic-link', await call('POST', '/v1/auth/magic-link', { body: { email: freshEmail('headers') } })],
      ['POST /v1/auth/verify', await call('POST', '/v1/auth/verify', { body: { token: 'B'.repeat(43) } })],
      ['GET /v1/auth/session', await call('GET', '/v1/auth/session')],
      ['POST text/plain', await call('POST', '/v1/auth/magic-link', { body: 'x', headers: { 'content-type': 'text/plain' } })],
      ['GET /v1/auth/users', await call('GET', '/v1/auth/users')],
      ['GET /sign-in', await call('GET', '/sign-in')],
    ];
    expect(responses.map(([label, response]) => [label, response.status])).toEqual([
      ['GET /v1/openapi.json', 200],
      ['POST /v1/auth/magic-link', 202],
      ['POST /v1/auth/verify', 401],
      ['GET /v1/auth/session', 401],
      ['POST text/plain', 415],
      ['GET /v1/auth/users', 404],
      ['GET /sign-in', 200],
    ]);
    const noise = responses.flatMap(([label, response]) =>
      Object.entries(response.headers)
        .filter(([name, value]) => value.trim() === '' || (name === 'x-xss-protection' && value !== '0'))
        .map(([name, value]) => `${label}: ${name}: ${JSON.stringify(value)}`),
    );
    expect(noise).toEqual([]);
    // The page keeps its policy.
    expect(responses.at(-1)![1].headers['content-security-policy']).toMatch(/^default-src 'self'; .*require-trusted-types-for 'script'/);
  });

  it('refuses a JSON body labelled charset=utf-16 with 415 unsupported_media_type, and takes charset=UTF-8', async () => {
    const body = { email: freshEmail('charset') };
    expectError(await call('POST', '/v1/auth/magic-link', { body, headers: { 'content-type': 'application/json; charset=utf-16' } }), 'unsupported_media_type');
    expect((await call('POST', '/v1/auth/magic-link', { body, headers: { 'content-type': 'application/json; CHARSET=UTF-8' } })).status).toBe(202);
  });
});

import { call } from './client';

function expectError(response: { status: number; body: any; headers: Record<string, string> }, status: number, code: string) { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect({ status: response.status, error: response.body?.error }).toEqual({ status, error: code });
  expect(response.body).toMatchObject({ success: false, retry_after: null, request_id: response.headers['x-request-id'] });
  expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
}

describe('bad input through the real API Gateway', () => {
  it.each([
    ['malformed JSON', () => call('POST', '/v1/auth/magic-link', { body: '{"email":' }), 400, 'invalid_json'],
    ['an empty body', () => call('POST', '/v1/auth/verify', { headers: { 'content-type': 'application/json' } }), 400, 'invalid_json'],
    ['a form-encoded body', () => call('POST', '/v1/auth/magic-link', { body: 'email=a%40example.com', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type'],
    ['plain text', () => call('POST', '/v1/auth/magic-link', { body: '{"email":"a@example.com"}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type'],
    ['a 20 KiB body', () => call('POST', '/v1/auth/magic-link', { body: { email: 'a@example.com', pad: 'x'.repeat(20 * 1024) } }), 413, 'payload_too_large'],
    ['an invalid email', () => call('POST', '/v1/auth/magic-link', { body: { email: 'not an address' } }), 400, 'validation_failed'],
    ['an email with a header injection', () => call('POST', '/v1/auth/magic-link', { body: { email: 'a@example.com\r\nBcc: b@example.com' } }), 400, 'validation_failed'],
    ['a garbage token', () => call('POST', '/v1/auth/verify', { body: { token: '../../etc/passwd' } }), 400, 'validation_failed'],
    ['an unknown route', () => call('GET', '/v1/auth/users'), 404, 'route_not_found'],
    ['the root path', () => call('GET', '/'), 404, 'route_not_found'],
    ['a wrong method', () => call('GET', '/v1/auth/magic-link'), 405, 'method_not_allowed'],
    ['DELETE on the session', () => call('DELETE', '/v1/auth/session'), 405, 'method_not_allowed'],
  ] as const)('%s gets its catalogued 4xx', async (_label, send, status, code) => {
    expectError(await send(), status, code);
  });

  it('tells a wrong method which methods exist', async () => {
    expect((await call('PUT', '/v1/auth/verify')).headers.allow).toBe('POST, OPTIONS');
  });
});

import type { ErrorCode, FieldIssue } from '../../lambdas/contract/errors';
import { expectError } from '../fixtures/assertions';
import { call } from './client';

describe('bad input through the real API Gateway', () => {
  it.each([
    ['malformed JSON', () => call('POST', '/v1/auth/magic-link', { body: '{"email":' }), 400, 'invalid_json'],
    ['an empty body', () => call('POST', '/v1/auth/verify', { headers: { 'content-type': 'application/json' } }), 400, 'invalid_json'],
    ['a form-encoded body', () => call('POST', '/v1/auth/magic-link', { body: 'email=a%40example.com', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type'],
    ['plain text', () => call('POST', '/v1/auth/magic-link', { body: '{"email":"a@example.com"}', headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type'],
    ['a 20 KiB body', () => call('POST', '/v1/auth/magic-link', { body: { email: 'a@example.com', pad: 'x'.repeat(20 * 1024) } }), 413, 'payload_too_large'],
    ['an invalid email', () => call('POST', '/v1/auth/magic-link', { body: { email: 'not an address' } }), 400, 'validation_failed', [{ field: 'email', issue: 'must be a valid email address' }]],
    ['an email with a header injection', () => call('POST', '/v1/auth/magic-link', { body: { email: 'a@example.com\r\nBcc: b@example.com' } }), 400, 'validation_failed', [{ field: 'email', issue: 'must not contain control characters' }]],
    ['a garbage token', () => call('POST', '/v1/auth/verify', { body: { token: '../../etc/passwd' } }), 400, 'validation_failed', [{ field: 'token', issue: 'must be the 43-character token from the magic link' }]],
    ['an unknown route', () => call('GET', '/v1/auth/users'), 404, 'route_not_found'],
    ['the root path', () => call('GET', '/'), 404, 'route_not_found'],
    ['a wrong method', () => call('GET', '/v1/auth/magic-link'), 405, 'method_not_allowed'],
    ['DELETE on the session', () => call('DELETE', '/v1/auth/session'), 405, 'method_not_allowed'],
  ] as [string, () => ReturnType<typeof call>, number, ErrorCode, FieldIssue[]?][])('%s gets its catalogued 4xx', async (_label, send, status, code, details = []) => {
    const response = await send();
    expect(response.status).toBe(status);
    expectError(response, code, details);
  });

  it('tells a wrong method which methods exist', async () => {
    expect((await call('PUT', '/v1/auth/verify')).headers.allow).toBe('POST, OPTIONS');
  });
});

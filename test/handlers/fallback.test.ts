import { handler } from '../../lambdas/handlers/fallback';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { expectError } from '../fixtures/assertions';

const route = (method: string, path: string, headers: Record<string, string> = {}) =>
  invoke(handler, apiEvent({ method, path, routeKey: '$default', headers }));

describe('$default route', () => {
  it('answers route_not_found for an unknown path', async () => {
    expectError(await route('GET', '/v1/auth/nope'), 'route_not_found');
    expectError(await route('POST', '/'), 'route_not_found');
    // API Gateway does not match a trailing slash to the route; neither does the fallback.
    expectError(await route('POST', '/v1/auth/verify/'), 'route_not_found');
  });

  it('answers method_not_allowed with Allow for a known path under another method', async () => {
    const response = await route('GET', '/v1/auth/magic-link');
    expectError(response, 'method_not_allowed');
    expect(response.headers.allow).toBe('POST, OPTIONS');
    expect((await route('DELETE', '/v1/auth/session')).headers.allow).toBe('GET, OPTIONS');
  });

  it('answers OPTIONS on a real path with an empty 204 and no CORS headers (API Gateway grants CORS when configured)', async () => {
    const response = await route('OPTIONS', '/v1/auth/verify', {
      Origin: 'https://app.example.com',
      'Access-Control-Request-Method': 'POST',
    });
    expect(response.status).toBe(204);
    expect(response.rawBody).toBe('');
    expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('answers GET /favicon.ico with the hosted pages\' small SVG icon, not a 404', async () => {
    const response = await route('GET', '/favicon.ico');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml');
    expect(response.rawBody).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^]*<\/svg>$/);
    expect(response.rawBody.length).toBeLessThan(400);
    expectError(await route('POST', '/favicon.ico'), 'route_not_found');
  });
});

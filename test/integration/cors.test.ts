import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { call, deployment } from './client';
import { CORS_PORT_KEY } from './settings';

/**
 * CORS is API Gateway's own (the construct's CorsConfiguration, from allowedOrigins): preflights are
 * answered by the gateway, and the allow headers added to every response, for allowed origins only.
 * Proven through the emulator's gateway, then in a real browser from pages on two loopback origins.
 */
const allowedOrigin = () => `http://127.0.0.1:${process.env[CORS_PORT_KEY]}`;
const otherOrigin = 'http://127.0.0.1:9';

const preflight = (origin: string) =>
  call('OPTIONS', '/v1/auth/verify', {
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });

describe('CORS by API Gateway', () => {
  it('answers a preflight from an allowed origin itself: 204, the methods, the request headers, a max age', async () => {
    const response = await preflight(allowedOrigin());
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(allowedOrigin());
    expect(response.headers['access-control-allow-methods']!.split(',')).toEqual(expect.arrayContaining(['POST', 'GET']));
    expect(response.headers['access-control-allow-headers']!.split(',')).toEqual(expect.arrayContaining(['content-type', 'authorization']));
    expect(response.headers['access-control-max-age']).toBe('600');
  });

  it('grants another origin nothing: no allow-origin header on the preflight or the response', async () => {
    expect((await preflight(otherOrigin)).headers['access-control-allow-origin']).toBeUndefined();
    const response = await call('POST', '/v1/auth/verify', { body: { token: 'x'.repeat(43) }, headers: { origin: otherOrigin } });
    expect(response.status).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("adds the allow-origin and exposes Retry-After and X-Request-Id on an allowed origin's responses, errors included", async () => {
    const response = await call('POST', '/v1/auth/verify', { body: { token: 'x'.repeat(43) }, headers: { origin: allowedOrigin() } });
    expect(response.status).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe(allowedOrigin());
    expect(response.headers['access-control-expose-headers']!.split(',')).toEqual(expect.arrayContaining(['retry-after', 'x-request-id']));
  });

  describe('in a real browser', () => {
    let browser: Browser;
    const servers: Server[] = [];

    /** A page on its own loopback origin, as a team's app would be. */
    function servePage(port: number): Promise<string> {
      const server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<!doctype html><title>app</title><h1>app</h1>');
      });
      servers.push(server);
      return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
    }

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      for (const server of servers) server.close();
    });

    /** The page's own fetch of the API, as its script would make it: what it could read, or how it failed. */
    async function fetchFrom(origin: string) {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${origin}/`);
      expect(new URL(page.url()).origin).toBe(origin);
      return page.evaluate(async (api) => {
        try {
          const response = await fetch(`${api}/v1/auth/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ token: 'x'.repeat(43) }),
          });
          const body = (await response.json()) as { error?: string };
          return { status: response.status, code: body.error, requestId: response.headers.get('x-request-id') };
        } catch (error) {
          return { failed: String(error) };
        }
      }, deployment().apiBaseUrl);
    }

    it('lets a page on an allowed origin call the API and read the answer and its exposed headers', async () => {
      const origin = await servePage(Number(process.env[CORS_PORT_KEY]));
      expect(await fetchFrom(origin)).toEqual({ status: 401, code: 'magic_link_not_found', requestId: expect.stringMatching(/^req_/) });
    });

    it('blocks a page on any other origin: its fetch fails before it can read anything', async () => {
      const origin = await servePage(0);
      expect(await fetchFrom(origin)).toEqual({ failed: expect.stringContaining('TypeError') });
    });
  });
});

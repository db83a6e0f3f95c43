import { ROUTES } from '../../lambdas/contract/routes';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { expectCommonHeaders } from '../fixtures/assertions';
import { invokeRoute } from '../fixtures/handler-fetch';

// The page's own routes; the function also serves /oauth2/authorize (test/handlers/oidc.test.ts).
const pageRoutes = ROUTES.filter((route) => route.handler === 'sign-in-page' && !('oauth' in route));

describe('GET /sign-in and its assets (the hosted page)', () => {
  it('serves the page, its module and its stylesheet, each with its media type, uncached', async () => {
    expect(pageRoutes.map((route) => route.path)).toEqual(['/sign-in', '/sign-in/app.js', '/sign-in/app.css']);
    for (const route of pageRoutes) {
      const response = await invokeRoute('GET', route.path);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe(`${'media' in route ? route.media : ''}; charset=utf-8`);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.rawBody.length).toBeGreaterThan(100);
    }
  });

  it('sends the HTML under a CSP that allows only its own script, styles and API, with no inline code', async () => {
    const page = await invokeRoute('GET', '/sign-in');
    const csp = Object.fromEntries(page.headers['content-security-policy']!.split(';').map((directive) => directive.trim().split(/\s+(.*)/s).slice(0, 2)));
    expect(csp).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
      'require-trusted-types-for': "'script'",
    });
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval|sandbox|upgrade-insecure-requests/);
    expect(page.rawBody).toContain('<script type="module" src="sign-in/app.js"></script>');
    expect(page.rawBody).not.toMatch(/<script(?![^>]*\bsrc=)|\son[a-z]+=|style="/i);
  });

  it('keeps the JSON API\'s own headers on the API (the page\'s content type does not leak)', async () => {
    const api = await invokeRoute('GET', '/v1/openapi.json');
    expectCommonHeaders(api);
    expect(api.headers['content-security-policy']).toBeUndefined();
  });

  it('answers other methods on the page with 405, like any route', async () => {
    const response = await invokeRoute('POST', '/sign-in');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, OPTIONS');
  });

  it('links the icon, relative to the page like its other assets', async () => {
    expect((await invokeRoute('GET', '/sign-in')).rawBody).toContain('<link rel="icon" href="favicon.ico">');
  });
});

describe('GET /sign-in?redirect_to=… (the app names where to come back to)', () => {
  const pageWith = async (redirectTo: string, env: Record<string, string> = {}) => {
    const saved = process.env;
    process.env = { ...saved, ...env };
    try {
      let handler: unknown;
      jest.isolateModules(() => {
        handler = require('../../lambdas/handlers/sign-in-page').handler; // eslint-disable-line @typescript-eslint/no-require-imports
      });
      return await invoke(handler, apiEvent({ method: 'GET', path: '/sign-in', routeKey: 'GET /sign-in', query: { redirect_to: redirectTo } }));
    } finally {
      process.env = saved;
    }
  };

  it('says a redirect_to the deployment does not allow is the app\'s mistake, and asks for no address', async () => {
    const response = await pageWith('https://app.example.com/after');
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.rawBody).toContain('This sign-in link is not allowed here');
    expect(response.rawBody).toContain('It is not something you did');
    // No form and no script: nothing on this page asks for an email address.
    expect(response.rawBody).not.toMatch(/<script|<form|<input|id="sign-in"/);
  });

  it('serves the sign-in page for an allowed redirect_to, however the app spells it', async () => {
    const response = await pageWith('HTTPS://App.Example.com/after', { REDIRECT_URLS: 'https://app.example.com/after' });
    expect(response.status).toBe(200);
    expect(response.rawBody).toContain('<main id="sign-in"');
  });

  it('refuses a near miss of an allowed URL', async () => {
    const response = await pageWith('https://app.example.com/after/extra', { REDIRECT_URLS: 'https://app.example.com/after' });
    expect(response.status).toBe(400);
    expect(response.rawBody).not.toContain('id="sign-in"');
  });
});

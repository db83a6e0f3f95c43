import { LOCALES, textDirection, type Locale } from '../../lambdas/contract/locales';
import { page as germanPage } from '../../lambdas/contract/locales/de/page';
import type { Language } from '../../lambdas/contract/locales/page';
import { ROUTES } from '../../lambdas/contract/routes';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { expectCommonHeaders } from '../fixtures/assertions';
import { invokeRoute } from '../fixtures/handler-fetch';

// The page's own routes; the function also serves /oauth2/authorize (test/handlers/oidc.test.ts).
const pageRoutes = ROUTES.filter((route) => route.handler === 'sign-in-page' && !('oauth' in route));

describe('GET /sign-in and its assets (the hosted page)', () => {
  it('serves the page, its module, its stylesheet and its words, each with its media type, uncached', async () => {
    expect(pageRoutes.map((route) => route.path)).toEqual(['/sign-in', '/sign-in/app.js', '/sign-in/app.css', '/sign-in/language.js']);
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

/** A hosted route of a function started with `env` on top of the tests' own (a container of its own). */
async function hostedWith(path: string, options: { query?: Record<string, string>; headers?: Record<string, string>; env?: Record<string, string> } = {}) {
  const saved = process.env;
  process.env = { ...saved, ...options.env };
  try {
    let handler: unknown;
    jest.isolateModules(() => {
      handler = require('../../lambdas/handlers/sign-in-page').handler; // eslint-disable-line @typescript-eslint/no-require-imports
    });
    return await invoke(handler, apiEvent({ method: 'GET', path, routeKey: `GET ${path}`, query: options.query ?? {}, headers: options.headers ?? {} }));
  } finally {
    process.env = saved;
  }
}

const BRAND = { logoUrl: 'https://cdn.example.com/acme/logo.svg', primaryColor: '#7a1fa2', support: 'help@acme.example' };
const branded = { APP_NAME: 'Acme Notes', BRAND: JSON.stringify(BRAND) };

/** The CSP's directives by name. */
const directivesOf = (csp: string) => Object.fromEntries(csp.split(';').map((directive) => directive.trim().split(/\s+(.*)/s).slice(0, 2)));

describe('the page says which app it is, in its look', () => {
  it('names the app in the title and for the heading, shows the logo and links the support address', async () => {
    const page = await hostedWith('/sign-in', { env: branded });
    expect(page.rawBody).toContain('<title>Sign in to Acme Notes</title>');
    expect(page.rawBody).toContain('data-app-name="Acme Notes"');
    expect(page.rawBody).toContain('<img src="https://cdn.example.com/acme/logo.svg" alt="Acme Notes">');
    expect(page.rawBody).toContain('<a id="mla-support" href="mailto:help@acme.example">Need help? Contact support</a>');
  });

  it("lets the logo's origin, exactly, into img-src, and nothing inline anywhere", async () => {
    const page = await hostedWith('/sign-in', { env: branded });
    const csp = page.headers['content-security-policy']!;
    expect(directivesOf(csp)).toMatchObject({ 'img-src': "'self' https://cdn.example.com", 'style-src': "'self'", 'script-src': "'self'", 'connect-src': "'self'" });
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(page.rawBody).not.toMatch(/<script(?![^>]*\bsrc=)|\son[a-z]+=|style=|<style/i);
    // Without a logo, the page's own images only.
    expect(directivesOf((await invokeRoute('GET', '/sign-in')).headers['content-security-policy']!)['img-src']).toBe("'self'");
  });

  it("draws the buttons in the brand's primary colour, from the generated stylesheet", async () => {
    const css = await hostedWith('/sign-in/app.css', { env: branded });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.rawBody).toContain('--mla-primary:#7a1fa2');
    expect(css.rawBody).toMatch(/\.mla button\{[^}]*background:var\(--mla-primary\)/);
    // No brand colour: the default one, still the same rules.
    expect((await invokeRoute('GET', '/sign-in/app.css')).rawBody).toMatch(/--mla-primary:#[0-9a-f]{6}/);
  });

  it('names the app in the title of the page that refuses a redirect_to', async () => {
    const refused = await hostedWith('/sign-in', { env: branded, query: { redirect_to: 'https://elsewhere.example.com/' } });
    expect(refused.status).toBe(400);
    expect(refused.rawBody).toContain('<title>Sign-in link not allowed · Acme Notes</title>');
  });
});

describe("the page in the reader's language", () => {
  /** The default export of the language module. */
  const languageOf = (body: string): Language => JSON.parse(body.replace(/^export default /, '').replace(/;\s*$/, '')) as Language;

  it.each(LOCALES.map((locale) => [locale]))('serves the words and error sentences of %s as a module of its own', async (locale: Locale) => {
    const response = await invokeRoute('GET', '/sign-in/language.js', { query: { locale } });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const language = languageOf(response.rawBody);
    expect(language.locale).toBe(locale);
    expect(language.messages.locale).toBe(locale);
    const { page } = await import(`../../lambdas/contract/locales/${locale}/page`);
    expect(language.page).toEqual(page);
  });

  it("answers a tag by its base language, and one the service does not speak in the deployment's default", async () => {
    expect(languageOf((await invokeRoute('GET', '/sign-in/language.js', { query: { locale: 'de-AT' } })).rawBody).locale).toBe('de');
    expect(languageOf((await invokeRoute('GET', '/sign-in/language.js', { query: { locale: 'pt' } })).rawBody).locale).toBe('pt-BR');
    expect(languageOf((await invokeRoute('GET', '/sign-in/language.js', { query: { locale: 'ko' } })).rawBody).locale).toBe('en');
    const fromGermanDeployment = await hostedWith('/sign-in/language.js', { query: { locale: 'ko' }, env: { DEFAULT_LOCALE: 'de' } });
    expect(languageOf(fromGermanDeployment.rawBody).page).toEqual(germanPage);
  });

  it("writes the HTML in the Accept-Language it speaks, right to left for Arabic, and tells the module the deployment's default", async () => {
    const arabic = await hostedWith('/sign-in', { env: branded, headers: { 'accept-language': 'ar-EG,ar;q=0.9,en;q=0.5' } });
    expect(arabic.rawBody).toContain(`<html lang="ar" dir="${textDirection('ar')}">`);
    expect(arabic.rawBody).toContain('<html lang="ar" dir="rtl">');
    expect(arabic.rawBody).toContain('<title>تسجيل الدخول إلى Acme Notes</title>');
    expect(arabic.rawBody).toContain('data-default-locale="en"');
    const german = await hostedWith('/sign-in', { env: { DEFAULT_LOCALE: 'de' }, headers: { 'accept-language': 'ko' } });
    expect(german.rawBody).toContain('<html lang="de" dir="ltr">');
    expect(german.rawBody).toContain('data-default-locale="de"');
    expect(german.rawBody).toContain(`<noscript><p>${germanPage.needsJavaScript}</p></noscript>`);
  });
});

describe('GET /sign-in?redirect_to=… (the app names where to come back to)', () => {
  const pageWith = (redirectTo: string, env: Record<string, string> = {}) => hostedWith('/sign-in', { query: { redirect_to: redirectTo }, env });

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

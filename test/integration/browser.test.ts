import type { Browser, BrowserContext, Page } from 'playwright-core';
import { codeIn, magicLinkIn, waitForMail, type CapturedMail } from '../../scripts/local/mailbox';
import { USER_ID_SHAPE, expectError } from '../fixtures/assertions';
import { expectVisible, launchChromium, screenshot } from './browser';
import { call, deployment, freshEmail } from './client';
import { REDIRECT_URL } from './settings';

/**
 * The hosted sign-in page in a real browser (Debian's Chromium, headless), against the stack
 * deployed on the emulator. The page is served by the API itself, so its URL is the API's.
 */
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

/** A fresh browser profile: its own storage, as another browser or device would have. */
async function profile(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

const pageUrl = (query = '') => `${deployment().apiBaseUrl}/sign-in${query}`;
/** The mailed link, pointed at the deployed page (the test stack's signInUrl is the local forwarder's). */
const linkUrl = (mail: CapturedMail) => `${pageUrl()}#token=${magicLinkIn(mail)!.token}`;

async function latestMail(email: string, count = 1): Promise<CapturedMail> {
  const mails = await waitForMail(deployment().endpoint, email, count);
  expect(mails.length).toBeGreaterThanOrEqual(count);
  return mails[mails.length - 1]!;
}

/** A person types the address and clicks; the page then shows the code step. */
async function requestInPage(page: Page, email: string, query = ''): Promise<void> {
  await page.goto(pageUrl(query));
  await expectVisible(page, 'label', 'Email address');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expectVisible(page, 'h1', 'Check your email');
}

describe('the hosted sign-in page', () => {
  it('serves HTML, its module and its stylesheet with a strict CSP, no-store and no referrer', async () => {
    const html = await call('GET', '/sign-in');
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers['cache-control']).toBe('no-store');
    expect(html.headers['referrer-policy']).toBe('no-referrer');
    const csp = html.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(html.rawBody).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
    expect((await call('GET', '/sign-in/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await call('GET', '/sign-in/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('scanner: a browser that opens a fresh link and runs the page for 10 s does not use it up', async () => {
    const email = freshEmail('scanner');
    expect((await call('POST', '/v1/auth/magic-link', { body: { email } })).status).toBe(202);
    const mail = await latestMail(email);
    const scanner = await profile();
    const requests: string[] = [];
    scanner.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
    await scanner.goto(linkUrl(mail));
    await expectVisible(scanner, 'button', 'Sign in');
    await screenshot(scanner, '1-confirm-step-as-a-scanner-sees-it');
    await scanner.waitForTimeout(10_000);
    await scanner.close();
    expect(requests.filter((request) => request.startsWith('POST'))).toEqual([]);

    const verified = await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(mail)!.token } });
    expect(verified.status).toBe(200);
  });

  it('person, same browser: request in the page, open the link, click: signed in, and the token is gone from the address bar and history', async () => {
    const email = freshEmail('person');
    const page = await profile();
    await requestInPage(page, email);
    await screenshot(page, '2-code-step-after-request');
    // "Send another email" waits at least a minute, and says so.
    const resend = page.getByRole('button', { name: 'Send another email' });
    expect(await resend.isDisabled()).toBe(true);
    await expectVisible(page, '[role=status]', /You can ask for another email in \d+ seconds/);

    const mail = await latestMail(email);
    const tab = await page.context().newPage();
    await tab.goto(linkUrl(mail));
    await expectVisible(tab, 'button', 'Sign in');
    expect(tab.url()).not.toContain('#');
    expect(tab.url()).not.toContain(magicLinkIn(mail)!.token);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(tab, 'h1', "You're signed in");
    await expectVisible(tab, 'strong', email);
    // Not a dead end: the person is told what to do next.
    await expectVisible(tab, 'p', 'You can close this tab and go back to the app.');
    await screenshot(tab, '3-signed-in');
    expect(await tab.evaluate('location.href')).not.toContain('token');
    // History holds the blank page the tab opened with and the page without its fragment, nothing else.
    expect(await tab.evaluate('history.length')).toBe(2);
    await tab.goBack();
    expect(tab.url()).toBe('about:blank');
    await tab.goForward();
    expect(tab.url()).toBe(pageUrl());
    // The module stores no session: it hands it to the app (and clears the pending verifier).
    expect(await tab.evaluate(() => Object.keys(localStorage))).toEqual([]);
  });

  it('other browser: the link opened elsewhere shows the code instruction and stays unused; the code typed in the first browser signs in', async () => {
    const email = freshEmail('two-devices');
    const first = await profile();
    await requestInPage(first, email);
    const mail = await latestMail(email);

    const second = await profile();
    await second.goto(linkUrl(mail));
    await second.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(second, '[role=status]', /type the 6-digit code from the email on the device where you asked/);
    await screenshot(second, '4-other-browser-device-mismatch');

    // Still unused: a used link would say magic_link_already_used to anyone who asks.
    expectError(await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(mail)!.token } }), 'magic_link_device_mismatch');

    await first.getByLabel('6-digit code').fill(`${codeIn(mail)!.slice(0, 3)} ${codeIn(mail)!.slice(3)}`); // pasted as the email shows it
    await first.getByRole('button', { name: 'Sign in with code' }).click();
    await expectVisible(first, 'h1', "You're signed in");
    await screenshot(first, '5-signed-in-with-code');
    // The code signed in, so the link is spent too.
    expectError(await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(mail)!.token } }), 'magic_link_already_used');
  });

  it('shows a wrong code clearly and keeps the field for another try', async () => {
    const email = freshEmail('wrong-code');
    const page = await profile();
    await requestInPage(page, email);
    const code = codeIn(await latestMail(email))!;
    await page.getByLabel('6-digit code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Sign in with code' }).click();
    await expectVisible(page, '[role=status]', /That code isn't right/);
    const field = page.getByLabel('6-digit code');
    expect(await field.isEnabled()).toBe(true);
    // Assistive technology hears that the field is in error, and why.
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await field.getAttribute('aria-describedby'))!;
    expect(await page.locator(`#${describedBy}`).textContent()).toMatch(/That code isn't right/);
    await screenshot(page, '6-wrong-code');
  });

  it('resend: the 60-second hold-off holds per address across "Use a different email"', async () => {
    const email = freshEmail('hold-off');
    const page = await profile();
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await requestInPage(page, email);
    expect(posts).toHaveLength(1);
    await page.getByRole('button', { name: 'Use a different email' }).click();
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    // Back at the code step, still waiting, and nothing was sent.
    await expectVisible(page, 'h1', 'Check your email');
    await expectVisible(page, '[role=status]', /You can ask for another email in \d+ seconds/);
    expect(await page.getByRole('button', { name: 'Send another email' }).isDisabled()).toBe(true);
    await page.waitForTimeout(1_000);
    expect(posts).toHaveLength(1);
    // Another address is not held off by the first one's wait.
    await page.getByRole('button', { name: 'Use a different email' }).click();
    await page.getByLabel('Email address').fill(freshEmail('hold-off-other'));
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expectVisible(page, 'h1', 'Check your email');
    expect(posts).toHaveLength(2);
    await screenshot(page, '7a-resend-held-off-across-addresses');
  });

  it('limits: shows the 429 message and keeps the button disabled, sending nothing more by itself', async () => {
    const email = freshEmail('limited');
    for (let i = 0; i < 5; i++) expect((await call('POST', '/v1/auth/magic-link', { body: { email } })).status).toBe(202);
    const page = await profile();
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.goto(pageUrl());
    await page.getByLabel('Email address').fill(email);
    const button = page.getByRole('button', { name: 'Email me a sign-in link' });
    await button.click();
    await expectVisible(page, '[role=status]', /Too many sign-in links were requested for this email address/);
    await page.waitForTimeout(2_000);
    expect(await button.isDisabled()).toBe(true);
    expect(posts).toHaveLength(1);
    await screenshot(page, '7-rate-limited');
  });

  it('redirect: an allowlisted redirect_to receives the session in its fragment, and the session works', async () => {
    const email = freshEmail('redirect');
    const page = await profile();
    // The app page at REDIRECT_URL does not exist here: the browser's request for it is answered locally.
    await page.context().route(`${REDIRECT_URL}**`, (route) => route.fulfill({ contentType: 'text/html', body: '<h1>App</h1>' }));
    await requestInPage(page, email, `?redirect_to=${encodeURIComponent(REDIRECT_URL)}`);
    const mail = await latestMail(email);
    const tab = await page.context().newPage();
    await tab.goto(linkUrl(mail));
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.waitForURL(`${REDIRECT_URL}#**`);
    await screenshot(tab, '8-redirected-to-the-app');
    const fragment = new URLSearchParams(new URL(tab.url()).hash.slice(1));
    const session = fragment.get('session')!;
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    const current = await call('GET', '/v1/auth/session', { headers: { authorization: `Bearer ${session}` } });
    expect(current.status).toBe(200);
    expect(current.body.data.user).toEqual({ id: expect.stringMatching(USER_ID_SHAPE), email });
  });

  it('redirect: a redirect_to the deployment does not allow is reported as the app\'s mistake before any address is asked for', async () => {
    const page = await profile();
    await page.goto(pageUrl(`?redirect_to=${encodeURIComponent(`${REDIRECT_URL}/extra`)}`));
    await expectVisible(page, 'h1', 'This sign-in link is not allowed here');
    await expectVisible(page, 'p', /It is not something you did/);
    expect(await page.getByLabel('Email address').count()).toBe(0);
    expect(await page.locator('input').count()).toBe(0);
    await screenshot(page, '9-redirect-not-allowed');
  });

  it('icon: the page links a favicon that is answered, not a 404', async () => {
    const page = await profile();
    await page.goto(pageUrl());
    const href = await page.locator('link[rel=icon]').evaluate((link) => (link as unknown as { href: string }).href);
    const icon = await page.request.get(href);
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toBe('image/svg+xml');
  });

  it.each([
    ['an extra path segment', `${REDIRECT_URL}/extra`],
    ['another port', REDIRECT_URL.replace('app.example.test', 'app.example.test:8443')],
    ['a look-alike host', REDIRECT_URL.replace('app.example.test', 'app.example.test.evil.test')],
    ['another scheme', REDIRECT_URL.replace('https:', 'http:')],
    ['a query string', `${REDIRECT_URL}?next=/admin`],
  ])('redirect: refuses a near miss (%s) at request time with validation_failed on redirect_to', async (_label, redirectTo) => {
    const response = await call('POST', '/v1/auth/magic-link', { body: { email: freshEmail('near-miss'), redirect_to: redirectTo } });
    expectError(response, 'validation_failed', [{ field: 'redirect_to', issue: 'must be one of the redirect URLs this deployment allows' }]);
  });
});

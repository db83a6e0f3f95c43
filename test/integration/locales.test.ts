import type { Browser } from 'playwright-core';
import { formatDuration, textDirection, type Locale } from '../../lambdas/contract/locales';
import { DEFAULT_APP_NAME } from '../../lib/magic-link-auth-stack';
import { codeIn, magicLinkIn, waitForMail, type CapturedMail } from '../../scripts/local/mailbox';
import { SCREENSHOT_DIR, expectVisible, launchChromium, screenshot } from './browser';
import { call, deployment, freshEmail } from './client';
import { TEST_STACKS } from './settings';

/**
 * The sign-in mail in the reader's language, through the deployed stack: the request's `locale`
 * first, then its `Accept-Language`, then the deployment's default (`en`); and each mail, opened as a
 * page in Chromium, shows its link and its code in the right direction.
 */
const APP_NAME = (TEST_STACKS.main.context as { appName?: string }).appName ?? DEFAULT_APP_NAME;
const LIFETIME_SECONDS = Number(TEST_STACKS.main.context.linkLifetimeSeconds);

interface Case {
  readonly label: string;
  readonly body: object;
  readonly headers: Record<string, string>;
  readonly locale: Locale;
  readonly subject: string;
  /** Words only that language's mail has. */
  readonly words: string;
}

const CASES: readonly Case[] = [
  { label: 'pt', body: { locale: 'pt-BR' }, headers: { 'accept-language': 'de' }, locale: 'pt-BR', subject: `Entrar em ${APP_NAME}`, words: 'Ou digite este código onde você pediu para entrar:' },
  { label: 'fr', body: {}, headers: { 'accept-language': 'fr-CA,fr;q=0.9' }, locale: 'fr', subject: `Se connecter à ${APP_NAME}`, words: 'Ou saisissez ce code là où vous avez demandé à vous connecter\u00a0:' },
  { label: 'xx', body: { locale: 'tlh-Latn' }, headers: {}, locale: 'en', subject: `Sign in to ${APP_NAME}`, words: 'Or type this code where you asked to sign in:' },
  { label: 'ar', body: { locale: 'ar' }, headers: {}, locale: 'ar', subject: `تسجيل الدخول إلى ${APP_NAME}`, words: 'أو اكتب هذا الرمز حيث طلبت تسجيل الدخول:' },
];

const mails = new Map<string, CapturedMail>();

describe('the mail in the reader\'s language, through the deployed stack', () => {
  it.each(CASES)('$label: $subject', async ({ label, body, headers, locale, subject, words }) => {
    const email = freshEmail(`locale-${label}`);
    const requested = await call('POST', '/v1/auth/magic-link', { body: { email, ...body }, headers });
    expect(requested.status).toBe(202);
    const [mail] = await waitForMail(deployment().endpoint, email);
    expect(mail).toBeDefined();
    expect(mail!.subject).toBe(subject);
    expect(mail!.text).toContain(words);
    expect(mail!.text).toContain(formatDuration(LIFETIME_SECONDS, locale));
    expect(mail!.html).toContain(`<html lang="${locale}" dir="${textDirection(locale)}">`);
    expect(magicLinkIn(mail!)).not.toBeNull();
    expect(codeIn(mail!)).toMatch(/^\d{6}$/);
    mails.set(locale, mail!);
  });
});

describe('the rendered mail, opened as a page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    console.log(`mail screenshots: ${SCREENSHOT_DIR}`);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(['pt-BR', 'fr', 'ar'] as const)('%s: lang and dir applied, the link and the code visible', async (locale) => {
    const mail = mails.get(locale);
    expect(mail).toBeDefined();
    const page = await browser.newPage();
    try {
      // A mail client shows the mail offline from the service: its images (the brand's logo) are answered here.
      await page.route('**/*', (route) =>
        route.fulfill({ status: 200, contentType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#4b1f8c"/></svg>' }),
      );
      await page.setContent(mail!.html, { waitUntil: 'load' });
      expect(await page.evaluate('[document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction]')).toEqual([
        locale,
        textDirection(locale),
        textDirection(locale),
      ]);
      const link = magicLinkIn(mail!)!;
      await expectVisible(page, `a[href="${link.url}"]`);
      const code = codeIn(mail!)!;
      await expectVisible(page, 'span[dir="ltr"]', `${code.slice(0, 3)} ${code.slice(3)}`);
      // The code reads left to right even inside right-to-left text.
      const direction = await page
        .locator('span[dir="ltr"]', { hasText: code.slice(0, 3) })
        .evaluate((element) => (globalThis as unknown as { getComputedStyle(node: unknown): { direction: string } }).getComputedStyle(element).direction);
      expect(direction).toBe('ltr');
      await screenshot(page, `mail-${locale}`);
    } finally {
      await page.close();
    }
  });
});

import type { Browser, BrowserContext, ConsoleMessage, Locator, Page } from 'playwright-core';
import { textDirection } from '../../lambdas/contract/locales';
import { mail as arabicMail } from '../../lambdas/contract/locales/ar/mail';
import { page as arabic } from '../../lambdas/contract/locales/ar/page';
import { mail as germanMail } from '../../lambdas/contract/locales/de/mail';
import { page as german } from '../../lambdas/contract/locales/de/page';
import type { MailStrings } from '../../lambdas/contract/locales/mail';
import { fill, type PageStrings } from '../../lambdas/contract/locales/page';
import { codeIn, magicLinkIn, waitForMail, type CapturedMail } from '../../scripts/local/mailbox';
import { SCREENSHOT_DIR, expectVisible, launchChromium, screenshot } from './browser';
import { deployment, freshEmail } from './client';
import { TEST_BRAND, TEST_STACKS } from './settings';

/**
 * The hosted page in the reader's language, in a real browser against the deployed main stack: the
 * browser's languages choose it, the page is written (and mirrored, for Arabic) in it, and the mail
 * the page asks for arrives in it too. The deployment's name and brand are on the page.
 */
let browser: Browser;
const contexts: BrowserContext[] = [];
const appName = TEST_STACKS.main.context.appName;

beforeAll(async () => {
  browser = await launchChromium();
  console.log(`hosted page screenshots: ${SCREENSHOT_DIR}`);
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
});

/** A browser whose languages are `locale` (navigator.languages and Accept-Language), with every console line kept. */
async function browserIn(locale: string): Promise<{ page: Page; console: string[] }> {
  const context = await browser.newContext({ locale });
  contexts.push(context);
  // The logo's host is not reachable from here: the browser's request for it is answered locally, under the page's CSP still.
  await context.route(TEST_BRAND.logoUrl, (route) =>
    route.fulfill({ contentType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"><rect width="120" height="32" fill="#4b1f8c"/></svg>' }),
  );
  const page = await context.newPage();
  const lines: string[] = [];
  page.on('console', (message: ConsoleMessage) => lines.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
  return { page, console: lines };
}

async function latestMail(email: string): Promise<CapturedMail> {
  const mails = await waitForMail(deployment().endpoint, email, 1);
  return mails[mails.length - 1]!;
}

const pageUrl = () => `${deployment().apiBaseUrl}/sign-in`;

/** A CSS property as the browser computed it for the element. */
const styleOf = (locator: Locator, property: 'backgroundColor' | 'direction') =>
  locator.evaluate((element, name) => (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(element)[name]!, property);

/** The mail is in the page's language: its subject and first line from that locale's mail catalog, with the app's name. */
function expectMailIn(mail: CapturedMail, strings: MailStrings): void {
  expect(mail.subject).toBe(fill(strings.subject, { appName }));
  expect(mail.text).toContain(fill(strings.intro, { appName }));
}

/** The page in `strings`'s language: its heading, labels and look, then a link requested in it. */
async function requestIn(page: Page, strings: PageStrings, email: string): Promise<void> {
  await page.goto(pageUrl());
  await expectVisible(page, 'h1', fill(strings.signInTo, { appName }));
  expect(await page.title()).toBe(fill(strings.signInTo, { appName }));
  // The brand: the logo (from the origin the CSP names), the buttons in its colour, the support link in the page's language.
  await expectVisible(page, `img[alt="${appName}"]`);
  expect(await page.locator(`img[alt="${appName}"]`).evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  await expectVisible(page, 'a#mla-support', strings.support);
  const button = page.getByRole('button', { name: strings.sendLink });
  expect(await styleOf(button, 'backgroundColor')).toBe('rgb(75, 31, 140)'); // TEST_BRAND.primaryColor
  await page.getByLabel(strings.emailLabel).fill(email);
  await button.click();
  await expectVisible(page, 'h1', strings.checkEmail);
}

describe("the hosted page in the reader's language", () => {
  it('de: a browser that prefers German gets the page in German, and the mail too; the code signs in', async () => {
    const { page, console: lines } = await browserIn('de-DE');
    expect(await page.evaluate(() => navigator.languages)).toEqual(expect.arrayContaining(['de-DE']));
    const email = freshEmail('locale-de');
    await requestIn(page, german, email);
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
    await expectVisible(page, '[role=status]', /Sie können in \d+ Sekunden eine neue E-Mail anfordern/);
    await screenshot(page, 'locale-de-1-code-step');

    const mail = await latestMail(email);
    expectMailIn(mail, germanMail);
    await page.getByLabel(german.codeLabel).fill(codeIn(mail)!);
    await page.getByRole('button', { name: german.signInWithCode }).click();
    await expectVisible(page, 'h1', german.signedIn);
    await expectVisible(page, 'p', german.nextStep);
    await screenshot(page, 'locale-de-2-signed-in');
    expect(lines.filter((line) => /Content.Security.Policy|Refused to|pageerror/i.test(line))).toEqual([]);
  });

  it('ar: a browser that prefers Arabic gets the page right to left, and the mail in Arabic; the link signs in', async () => {
    const { page, console: lines } = await browserIn('ar-EG');
    const email = freshEmail('locale-ar');
    await requestIn(page, arabic, email);
    expect(await page.locator('html').getAttribute('lang')).toBe('ar');
    expect(await page.locator('html').getAttribute('dir')).toBe(textDirection('ar'));
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    // Mirrored for real: the heading's text starts at the right.
    expect(await styleOf(page.locator('h1'), 'direction')).toBe('rtl');
    // The address inside the Arabic sentence still reads left to right, in its own order.
    expect(await styleOf(page.locator('strong', { hasText: email }), 'direction')).toBe('ltr');
    await screenshot(page, 'locale-ar-1-code-step');

    const mail = await latestMail(email);
    expectMailIn(mail, arabicMail);
    const tab = await page.context().newPage();
    tab.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
    await tab.goto(`${pageUrl()}#token=${magicLinkIn(mail)!.token}`);
    await expectVisible(tab, 'h1', arabic.finishSigningIn);
    await tab.getByRole('button', { name: arabic.signIn }).click();
    await expectVisible(tab, 'h1', arabic.signedIn);
    await expectVisible(tab, 'strong', email);
    expect(await tab.locator('html').getAttribute('dir')).toBe('rtl');
    await screenshot(tab, 'locale-ar-2-signed-in');
    expect(lines.filter((line) => /Content.Security.Policy|Refused to|pageerror/i.test(line))).toEqual([]);
  });
});

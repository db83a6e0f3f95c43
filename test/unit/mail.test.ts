import { SignInMailer } from '../../lambdas/adapters/sign-in-mailer';
import { LOCALES, formatDuration, textDirection, type Locale } from '../../lambdas/contract/locales';
import { MAIL_STRINGS, loadMailRenderer } from '../../lambdas/contract/locales/mail';
import { loadOnce } from '../../lambdas/domain/load-once';
import type { MailTemplates } from '../../lambdas/domain/mail-templates';
import type { OutgoingEmail } from '../../lambdas/domain/ports';
import { BRAND_FIXTURE, TEMPLATE_FIXTURES } from '../fixtures/mail-templates';

/**
 * Every mail a reader can get carries the link and the code in both parts: every shipped locale, and
 * every team template fixture, rendered by the request function's own mailer.
 */
const APP_NAME = 'Ada & <Co> "Labs"';
const BRAND = { ...BRAND_FIXTURE, logoUrl: 'https://cdn.example.com/logo.png?v=1&s=2' };
const LINK = 'https://app.example.com/sign-in?next=/a&b=1#token=T0k3n';
const CODE = '012345';
const LIFETIME = 900;

async function write(locale: Locale, templates: MailTemplates = {}): Promise<{ mail: OutgoingEmail; loaded: string[] }> {
  const sent: OutgoingEmail[] = [];
  const loaded: string[] = [];
  const strings = Object.fromEntries(
    LOCALES.map((tag) => [
      tag,
      () => {
        loaded.push(tag);
        return MAIL_STRINGS[tag]();
      },
    ]),
  ) as unknown as typeof MAIL_STRINGS;
  const mailer = new SignInMailer(
    { send: async (mail) => void sent.push(mail) },
    { appName: APP_NAME, brand: BRAND, defaultLocale: 'en', templates, load: { strings, renderer: loadMailRenderer } },
  );
  await mailer.send({ to: 'ada@example.com', locale, link: LINK, code: CODE, lifetimeSeconds: LIFETIME });
  expect(sent).toHaveLength(1);
  return { mail: sent[0]!, loaded };
}

/** What every mail must be, whoever wrote it. */
function expectComplete(mail: OutgoingEmail, locale: Locale) {
  // The link as it is in the text part, escaped in the HTML part's attribute.
  expect(mail.text).toContain(LINK);
  expect(mail.html).toContain(`href="${LINK.replace(/&/g, '&amp;')}"`);
  // The code: alone on a line of the text part (copied whole), readable in the HTML part.
  expect(mail.text.split('\n').map((line) => line.trim())).toContain(CODE);
  expect(mail.html).toMatch(/012 ?345/);
  const root = /<html lang="([^"]+)" dir="(ltr|rtl)">/.exec(mail.html);
  expect(root?.slice(1)).toEqual([locale, textDirection(locale)]);
  for (const part of [mail.subject, mail.text, mail.html]) {
    // No placeholder left, of the templates' or the catalogs' kind.
    expect(part).not.toMatch(/\{\{|\}\}|\{(appName|duration|support)\}/);
  }
  // The app's name is the team's text: escaped in HTML, as it is elsewhere.
  expect(mail.html).not.toContain('<Co>');
  expect(mail.html).toMatch(/Ada &amp; &lt;Co&gt; (&quot;|")Labs(&quot;|")/);
  // The subject is plain text: nothing escaped there.
  expect(mail.subject).not.toContain('&amp;');
}

describe('the shipped mail in every locale', () => {
  it.each(LOCALES)('%s: link and code in both parts, lang and dir, the app named and escaped', async (locale) => {
    const { mail, loaded } = await write(locale);
    expectComplete(mail, locale);
    // Only this locale's words were loaded.
    expect(loaded).toEqual([locale]);
    // Says who is asking, in the subject and the first line; the lifetime in the reader's words.
    expect(mail.subject).toContain(APP_NAME);
    expect(mail.text.split('\n')[0]).toContain(APP_NAME);
    expect(mail.text).toContain(formatDuration(LIFETIME, locale));
    // The code keeps its digits left to right inside right-to-left text.
    expect(mail.html).toContain('<span dir="ltr">012 345</span>');
    // The brand: the logo (its URL escaped), the button's colour, the support address linked in the footer.
    expect(mail.html).toContain('<img src="https://cdn.example.com/logo.png?v=1&amp;s=2"');
    expect(mail.html).toContain(`background:${BRAND.primaryColor};color:#ffffff`);
    expect(mail.html).toContain('<a dir="ltr" href="mailto:help@example.com">help@example.com</a>');
    expect(mail.text).toContain('help@example.com');
  });

  it('without a brand: the default colour, no logo and no support line', async () => {
    const sent: OutgoingEmail[] = [];
    const mailer = new SignInMailer(
      { send: async (mail) => void sent.push(mail) },
      { appName: 'Example App', brand: {}, defaultLocale: 'de', templates: {}, load: { strings: MAIL_STRINGS, renderer: loadMailRenderer } },
    );
    // A tag the deployment does not speak gets its default.
    await mailer.send({ to: 'ada@example.com', locale: 'xx', link: LINK, code: CODE, lifetimeSeconds: 3600 });
    expect(sent[0]!.subject).toBe('Bei Example App anmelden');
    expect(sent[0]!.text).toContain('1 Stunde');
    expect(sent[0]!.html).toContain('background:#111111');
    expect(sent[0]!.html).not.toContain('<img');
    expect(sent[0]!.html).not.toContain('mailto:');
  });
});

describe('loading a language', () => {
  it('loads a chunk once per container, and tries again after a failed load', async () => {
    let loads = 0;
    const load = loadOnce(async () => {
      loads++;
      if (loads === 1) throw new Error('chunk not loaded');
      return 'words';
    });
    await expect(load()).rejects.toThrow('chunk not loaded');
    expect(await load()).toBe('words');
    expect(await load()).toBe('words');
    expect(loads).toBe(2);
  });

  it('each locale\'s words and the renderer are such loaders: one load for every mail a container writes', () => {
    for (const locale of LOCALES) expect(MAIL_STRINGS[locale]()).toBe(MAIL_STRINGS[locale]());
    expect(loadMailRenderer()).toBe(loadMailRenderer());
  });
});

describe('team templates', () => {
  const cases = Object.entries(TEMPLATE_FIXTURES).flatMap(([name, templates]) => (Object.keys(templates) as Locale[]).map((locale) => [name, locale, templates] as const));

  it.each(cases)('%s (%s): link and code in both parts, lang and dir, placeholders filled and escaped', async (_name, locale, templates) => {
    const { mail } = await write(locale, templates);
    expectComplete(mail, locale);
    const template = templates[locale]!;
    if (template.subject !== undefined) expect(mail.subject).toBe(template.subject.replace('{{appName}}', APP_NAME));
    if (template.text !== undefined) expect(mail.text).toContain(`${CODE}\n`);
    if (template.html?.includes('{{supportUrl}}')) expect(mail.html).toContain('href="mailto:help@example.com"');
    if (template.html?.includes('{{expires}}')) expect(mail.html).toContain(formatDuration(LIFETIME, locale));
  });

  it('leaves the locales a team did not write shipped', async () => {
    const { mail } = await write('fr', TEMPLATE_FIXTURES.complete);
    expect(mail.subject).toBe(`Se connecter à ${APP_NAME}`);
  });
});

/**
 * The hosted page's words by locale, and the client's `userMessage` sentences, each catalog a chunk of
 * its own that the sign-in page's function imports the first time that language is asked for: no cold
 * start parses all seven.
 */
import type { Locale } from '../contract/locales';
import type { MessageStrings } from '../contract/locales/messages';
import type { Language, PageStrings } from '../contract/locales/page';

const PAGES: Record<Locale, () => Promise<{ readonly page: PageStrings }>> = {
  en: () => import('../contract/locales/en/page'),
  de: () => import('../contract/locales/de/page'),
  fr: () => import('../contract/locales/fr/page'),
  es: () => import('../contract/locales/es/page'),
  'pt-BR': () => import('../contract/locales/pt-BR/page'),
  ja: () => import('../contract/locales/ja/page'),
  ar: () => import('../contract/locales/ar/page'),
};

const MESSAGES: Record<Locale, () => Promise<{ readonly messages: MessageStrings }>> = {
  en: () => import('../contract/locales/en/messages'),
  de: () => import('../contract/locales/de/messages'),
  fr: () => import('../contract/locales/fr/messages'),
  es: () => import('../contract/locales/es/messages'),
  'pt-BR': () => import('../contract/locales/pt-BR/messages'),
  ja: () => import('../contract/locales/ja/messages'),
  ar: () => import('../contract/locales/ar/messages'),
};

export async function pageStrings(locale: Locale): Promise<PageStrings> {
  return (await PAGES[locale]()).page;
}

/** `locale`'s `Language` as an ES module (its default export), for the page's module to `import()` under `script-src 'self'`. */
export async function languageModule(locale: Locale): Promise<string> {
  const [page, { messages }] = await Promise.all([pageStrings(locale), MESSAGES[locale]()]);
  return `export default ${JSON.stringify({ locale, page, messages } satisfies Language)};\n`;
}

/**
 * The hosted page's words by locale, and the client's `userMessage` sentences, each catalog a chunk of
 * its own that the sign-in page's function imports the first time that language is asked for: no cold
 * start parses all seven.
 */
import type { Locale } from '../contract/locales';
import type { MessageStrings } from '../contract/locales/messages';
import type { Language, PageStrings } from '../contract/locales/page';

type Catalogs = readonly [{ readonly page: PageStrings }, { readonly messages: MessageStrings }];

const CATALOGS: Record<Locale, () => Promise<Catalogs>> = {
  en: () => Promise.all([import('../contract/locales/en/page'), import('../contract/locales/en/messages')]),
  de: () => Promise.all([import('../contract/locales/de/page'), import('../contract/locales/de/messages')]),
  fr: () => Promise.all([import('../contract/locales/fr/page'), import('../contract/locales/fr/messages')]),
  es: () => Promise.all([import('../contract/locales/es/page'), import('../contract/locales/es/messages')]),
  'pt-BR': () => Promise.all([import('../contract/locales/pt-BR/page'), import('../contract/locales/pt-BR/messages')]),
  ja: () => Promise.all([import('../contract/locales/ja/page'), import('../contract/locales/ja/messages')]),
  ar: () => Promise.all([import('../contract/locales/ar/page'), import('../contract/locales/ar/messages')]),
};

export async function pageStrings(locale: Locale): Promise<PageStrings> {
  return (await CATALOGS[locale]())[0].page;
}

/** `locale`'s `Language` as an ES module (its default export), for the page's module to `import()` under `script-src 'self'`. */
export async function languageModule(locale: Locale): Promise<string> {
  const [{ page }, { messages }] = await CATALOGS[locale]();
  return `export default ${JSON.stringify({ locale, page, messages } satisfies Language)};\n`;
}

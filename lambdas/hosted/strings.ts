/**
 * The hosted page's words by locale, each catalog a chunk of its own that the sign-in page's function
 * imports the first time a page in that language is asked for: no cold start parses all seven.
 */
import type { Locale } from '../contract/locales';
import type { PageStrings } from '../contract/locales/page';

const PAGES: Record<Locale, () => Promise<{ readonly page: PageStrings }>> = {
  en: () => import('../contract/locales/en/page'),
  de: () => import('../contract/locales/de/page'),
  fr: () => import('../contract/locales/fr/page'),
  es: () => import('../contract/locales/es/page'),
  'pt-BR': () => import('../contract/locales/pt-BR/page'),
  ja: () => import('../contract/locales/ja/page'),
  ar: () => import('../contract/locales/ar/page'),
};

export async function pageStrings(locale: Locale): Promise<PageStrings> {
  return (await PAGES[locale]()).page;
}

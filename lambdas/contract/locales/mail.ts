/**
 * The sign-in email's words, one catalog per locale (`./<tag>/mail.ts`, typed by `MailStrings`, so a
 * locale missing a string does not compile), and how the request function loads them: each locale,
 * and the renderer, on first use and once per container, each its own chunk, so a cold start carries none of them.
 * Imported by the request function only (an `import()` gives every bundle that imports it a chunk).
 */
import { loadOnce } from '../../domain/load-once';
import type { MailStrings } from '../../domain/mail';
import type { Locale } from '../locales';

export type { MailStrings };

export const MAIL_STRINGS: { readonly [L in Locale]: () => Promise<MailStrings> } = {
  en: loadOnce(async () => (await import('./en/mail')).mail),
  de: loadOnce(async () => (await import('./de/mail')).mail),
  fr: loadOnce(async () => (await import('./fr/mail')).mail),
  es: loadOnce(async () => (await import('./es/mail')).mail),
  'pt-BR': loadOnce(async () => (await import('./pt-BR/mail')).mail),
  ja: loadOnce(async () => (await import('./ja/mail')).mail),
  ar: loadOnce(async () => (await import('./ar/mail')).mail),
};

/** The renderer of the shipped layout and of the team's templates. */
export const loadMailRenderer = loadOnce(() => import('../../domain/mail-templates'));

export type MailLoaders = { readonly strings: typeof MAIL_STRINGS; readonly renderer: typeof loadMailRenderer };

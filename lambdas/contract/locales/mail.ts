/**
 * The sign-in email's words, one catalog per locale (`./<tag>/mail.ts`, typed by `MailStrings`, so a
 * locale missing a string does not compile), and how the request function loads them: each locale,
 * and the renderer, on first use, each its own chunk, so a cold start carries none of them.
 * Imported by the request function only (an `import()` gives every bundle that imports it a chunk).
 */
import type { MailStrings } from '../../domain/mail';
import type { Locale } from '../locales';

export type { MailStrings };

export const MAIL_STRINGS: { readonly [L in Locale]: () => Promise<MailStrings> } = {
  en: async () => (await import('./en/mail')).mail,
  de: async () => (await import('./de/mail')).mail,
  fr: async () => (await import('./fr/mail')).mail,
  es: async () => (await import('./es/mail')).mail,
  'pt-BR': async () => (await import('./pt-BR/mail')).mail,
  ja: async () => (await import('./ja/mail')).mail,
  ar: async () => (await import('./ar/mail')).mail,
};

/** The renderer of the shipped layout and of the team's templates. */
export const loadMailRenderer = () => import('../../domain/mail-templates');

export type MailLoaders = { readonly strings: typeof MAIL_STRINGS; readonly renderer: typeof loadMailRenderer };

/**
 * What the client's `userMessage` says, one catalog per locale (`./<tag>/messages.ts`, each importable
 * on its own so an app ships only the languages it uses): a sentence for every error code, and for
 * `validation_failed` one for each field it can name. `{minutes}` and `{seconds}` are the wait in the
 * catalog's language ("60 minutes", "60 Minuten", "60 分"); nothing else is filled in.
 * Runs in Node and in browsers: no imports beyond types and the locales.
 */
import type { ErrorCode } from '../errors';
import type { Locale } from '../locales';

/** The fields `validation_failed` has a sentence of its own for; the first one `details` names wins. */
export const VALIDATION_FIELDS = ['email', 'code', 'token'] as const;

export type MessageKey = ErrorCode | `validation_failed.${(typeof VALIDATION_FIELDS)[number]}`;

/** One locale's sentences; `validation_failed` is said when `details` names none of the fields above. */
export interface MessageStrings extends Readonly<Record<MessageKey, string>> {
  readonly locale: Locale;
}

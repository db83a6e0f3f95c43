/**
 * What the client's `userMessage` says, one catalog per locale (`./<tag>/messages.ts`, each importable
 * on its own so an app ships only the languages it uses): a sentence for every error code, and for
 * `validation_failed` one for each field it can name. `{minutes}` and `{seconds}` are the wait in the
 * catalog's language ("60 minutes", "60 Minuten", "60 分"); nothing else is filled in.
 * Runs in Node and in browsers: no imports beyond types and the locales.
 */
import type { ErrorCode } from '../errors';
import type { Locale } from '../locales';

/**
 * The codes a person can do nothing about (a bug in the calling app, or an outage): each locale says
 * its one "something went wrong" sentence for all of them.
 */
export const SOMETHING_WENT_WRONG = ['invalid_json', 'payload_too_large', 'unsupported_media_type', 'route_not_found', 'method_not_allowed', 'internal_error'] as const satisfies readonly ErrorCode[];

/** A locale's "something went wrong" sentence under every code of `SOMETHING_WENT_WRONG`, to spread into its catalog. */
export function somethingWentWrong(sentence: string): Readonly<Record<(typeof SOMETHING_WENT_WRONG)[number], string>> {
  return Object.fromEntries(SOMETHING_WENT_WRONG.map((code) => [code, sentence])) as Record<(typeof SOMETHING_WENT_WRONG)[number], string>;
}

/** The fields `validation_failed` has a sentence of its own for; the first one `details` names wins. */
export const VALIDATION_FIELDS = ['email', 'code', 'token'] as const;

export type MessageKey = ErrorCode | `validation_failed.${(typeof VALIDATION_FIELDS)[number]}`;

/** One locale's sentences; `validation_failed` is said when `details` names none of the fields above. */
export interface MessageStrings extends Readonly<Record<MessageKey, string>> {
  readonly locale: Locale;
}

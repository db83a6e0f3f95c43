/**
 * The languages the service speaks, declared once. The mail, the hosted page and the client's
 * `userMessage` each keep one typed catalog section per locale under `locales/<tag>/`, so a locale
 * that misses a string does not compile. Everything here runs in Node and in browsers: no imports.
 */
export const LOCALES = ['en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * The form of a BCP 47 tag a request may name (`pt-BR`, `zh-Hant-TW`): subtags of letters and digits,
 * at most 35 characters (RFC 5646's advice for a buffer). Only the form: a tag the deployment does not
 * speak falls back (`negotiateLocale`), it is not an error.
 */
export const LOCALE_TAG_PATTERN = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
export const MAX_LOCALE_TAG_LENGTH = 35;

/** What a deployment speaks when the reader asks for nothing it has. */
export const FALLBACK_LOCALE: Locale = 'en';

const RIGHT_TO_LEFT: ReadonlySet<string> = new Set(['ar', 'he', 'fa', 'ur']);

/** `rtl` for scripts written right to left, for the `dir` attribute of mail and page. */
export function textDirection(locale: Locale): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(baseLanguage(locale)) ? 'rtl' : 'ltr';
}

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}

function baseLanguage(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

/**
 * The supported locale for one BCP 47 tag: an exact match (case-insensitive), then its base language
 * (`pt-BR` for `pt`, `fr` for `fr-CA`), else undefined.
 */
export function matchTag(tag: string, supported: readonly Locale[] = LOCALES): Locale | undefined {
  const wanted = tag.trim().toLowerCase();
  if (wanted === '' || wanted === '*') return undefined;
  const exact = supported.find((l) => l.toLowerCase() === wanted);
  if (exact) return exact;
  const base = baseLanguage(wanted);
  return supported.find((l) => l.toLowerCase() === base) ?? supported.find((l) => baseLanguage(l) === base);
}

/** `Accept-Language` (RFC 9110 §12.5.4) as tags in the reader's order of preference; q=0 means "not this". */
export function acceptedLanguages(header: string): string[] {
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';').map((s) => s.trim());
      const q = params.find((p) => p.toLowerCase().startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag, weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag !== '' && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.tag);
}

/**
 * The language to write in: the explicit `locale` when the deployment has it (exact, then its base
 * language), else the first of the reader's preferences it has, else the deployment's default.
 */
export function negotiateLocale(
  choice: { readonly locale?: string | undefined; readonly preferences?: readonly string[] | undefined },
  defaultLocale: Locale,
  supported: readonly Locale[] = LOCALES,
): Locale {
  const explicit = choice.locale === undefined ? undefined : matchTag(choice.locale, supported);
  if (explicit) return explicit;
  for (const tag of choice.preferences ?? []) {
    const match = matchTag(tag, supported);
    if (match) return match;
  }
  return defaultLocale;
}

/**
 * A lifetime as a reader of `locale` says it ("15 minutes", "15 Minuten", "15 分", "15 دقيقة"), by the
 * platform's own CLDR data: whole days, hours or minutes when the value is one, else seconds.
 */
export function formatDuration(seconds: number, locale: Locale): string {
  const [value, unit]: [number, TimeUnit] =
    seconds % 86_400 === 0 ? [seconds / 86_400, 'day'] : seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return formatUnit(value, unit, locale);
}

export type TimeUnit = 'day' | 'hour' | 'minute' | 'second';

/** Made once per locale and unit: making one costs far more than using it. */
const UNIT_FORMATS = new Map<string, Intl.NumberFormat>();

/** A count of one unit as a reader of `locale` says it, plural and digits included ("1 minute", "60 Minuten", "دقيقتان"). */
export function formatUnit(value: number, unit: TimeUnit, locale: Locale): string {
  const key = `${locale} ${unit}`;
  let format = UNIT_FORMATS.get(key);
  if (format === undefined) UNIT_FORMATS.set(key, (format = new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' })));
  return format.format(value);
}

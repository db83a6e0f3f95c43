/**
 * Writing the sign-in email: the shipped layout in a locale's words, and a team's own templates. The
 * placeholder set, the template renderer and the template validator live here only: the construct
 * checks templates with `checkMailTemplates` at synth, the request function renders them with
 * `renderMagicLinkEmail`, so a template that passed one is one the other can write.
 * Loaded when a mail is written, not when the function starts.
 */
import { fill } from './fill';
import { BUTTON_TEXT_COLOR, DEFAULT_PRIMARY_COLOR, supportHref, type Brand } from './brand';
import type { MagicLinkEmail, MailStrings } from './mail';

/** What a team's template may say, as `{{name}}`; in the HTML part each value is HTML-escaped. */
export const PLACEHOLDERS = ['link', 'code', 'expires', 'appName', 'supportUrl'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** The placeholders every body (text and HTML) must use: a mail without both cannot sign anyone in. */
const REQUIRED_IN_BODY: readonly Placeholder[] = ['link', 'code'];

/** A team's own wording for one locale: any of the three parts; a part left out keeps the shipped one. */
export interface MailTemplate {
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
}

/** Templates by locale tag. */
export type MailTemplates = Readonly<Record<string, MailTemplate>>;

const PARTS = ['subject', 'text', 'html'] as const;

type Piece = { readonly literal: string } | { readonly placeholder: Placeholder };
type Parsed = { readonly ok: true; readonly pieces: readonly Piece[] } | { readonly ok: false; readonly problem: string };

const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name);
const known = PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ');

/** A template as literal text and placeholders, or what keeps it from rendering. */
function parse(template: string): Parsed {
  const pieces: Piece[] = [];
  for (let at = 0; at < template.length; ) {
    const open = template.indexOf('{{', at);
    const literal = template.slice(at, open === -1 ? undefined : open);
    const stray = literal.indexOf('}}');
    if (stray !== -1) return { ok: false, problem: `has "}}" without an opening "{{" at character ${at + stray + 1}` };
    if (literal) pieces.push({ literal });
    if (open === -1) break;
    const close = template.indexOf('}}', open + 2);
    if (close === -1) return { ok: false, problem: `has an unclosed "{{" at character ${open + 1}` };
    const name = template.slice(open + 2, close);
    if (!isPlaceholder(name)) return { ok: false, problem: `uses the unknown placeholder {{${name}}} (known: ${known})` };
    pieces.push({ placeholder: name });
    at = close + 2;
  }
  return { ok: true, pieces };
}

/** What a template's placeholders stand for in one mail. */
export type PlaceholderValues = Readonly<Record<Placeholder, string>>;

function render(template: string, values: PlaceholderValues, escape: (value: string) => string): string {
  const parsed = parse(template);
  // Checked at synth: a template that does not parse never reaches a function.
  if (!parsed.ok) throw new Error(`mail template ${parsed.problem}`);
  return parsed.pieces.map((piece) => ('literal' in piece ? piece.literal : escape(values[piece.placeholder]))).join('');
}

/**
 * The first problem with a team's templates, naming the locale and the part, or undefined when they
 * are fine. `locales` are the tags the service speaks; `supportUrl` is usable only when the brand
 * names a support address or page.
 */
export function checkMailTemplates(templates: unknown, options: { readonly locales: readonly string[]; readonly hasSupport: boolean }): string | undefined {
  if (typeof templates !== 'object' || templates === null || Array.isArray(templates)) return 'must be an object of templates by locale';
  for (const [locale, template] of Object.entries(templates as Record<string, unknown>)) {
    const where = `mailTemplates["${locale}"]`;
    if (!options.locales.includes(locale)) return `${where}: "${locale}" is not a locale the service speaks (${options.locales.join(', ')})`;
    if (typeof template !== 'object' || template === null || Array.isArray(template)) return `${where} must be an object with subject, text and/or html`;
    const extra = Object.keys(template).filter((key) => !(PARTS as readonly string[]).includes(key));
    if (extra.length > 0) return `${where} has no part "${extra[0]}" (parts: ${PARTS.join(', ')})`;
    for (const part of PARTS) {
      const body: unknown = (template as MailTemplate)[part];
      if (body === undefined) continue;
      if (typeof body !== 'string' || body.trim() === '') return `${where}.${part} must be a non-empty string`;
      const parsed = parse(body);
      if (!parsed.ok) return `${where}.${part} ${parsed.problem}`;
      const used = new Set(parsed.pieces.flatMap((piece) => ('placeholder' in piece ? [piece.placeholder] : [])));
      if (part !== 'subject') {
        const missing = REQUIRED_IN_BODY.find((name) => !used.has(name));
        if (missing) return `${where}.${part} must contain {{${missing}}}: without it the mail cannot sign anyone in`;
      }
      if (used.has('supportUrl') && !options.hasSupport) return `${where}.${part} uses {{supportUrl}}, but brand.support is not set`;
      if (part === 'subject' && /[\r\n]/.test(body)) return `${where}.subject must be one line`;
    }
  }
  return undefined;
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** For text between tags: the translator's apostrophes and quotes stay as they are. */
export function escapeText(value: string): string {
  return value.replace(/[&<>]/g, (c) => TEXT_ESCAPES[c]!);
}

const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', "'": '&#39;' };
/** For attribute values and for a team's placeholders, which may land in either. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ATTRIBUTE_ESCAPES[c]!);
}

/** Three digits, a space, three digits: easier to read and to type back. The plain-text part keeps the digits alone on a line. */
export function groupCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/** Who sends the mail and in which language. */
export interface MailLook {
  /** The BCP 47 tag of the mail's language, for `lang`. */
  readonly lang: string;
  readonly dir: 'ltr' | 'rtl';
  readonly strings: MailStrings;
  readonly appName: string;
  readonly brand: Brand;
}

/** What one mail carries. */
export interface MailContent {
  readonly link: string;
  /** The 6 digits. */
  readonly code: string;
  /** The link's lifetime in the mail's language ("15 minutes"). */
  readonly expires: string;
}

/**
 * The sign-in email: a plain-text part and an HTML part that say the same thing, in the look's
 * language; the parts a team's `template` gives replace the shipped ones. The link and the code are
 * two ways to finish one sign-in; the code works on any device, typed where the person asked.
 */
export function renderMagicLinkEmail(content: MailContent, look: MailLook, template: MailTemplate = {}): MagicLinkEmail {
  const { strings, appName, brand } = look;
  const support = brand.support;
  const values: PlaceholderValues = { ...content, appName, supportUrl: support === undefined ? '' : supportHref(support) };
  const words = { appName, duration: content.expires };
  const subject = template.subject === undefined ? fill(strings.subject, words) : render(template.subject, values, (value) => value);
  const text =
    template.text === undefined
      ? [
          fill(strings.intro, words),
          '',
          content.link,
          '',
          strings.codeIntro,
          '',
          content.code,
          '',
          fill(strings.expiry, words),
          '',
          strings.ignore,
          ...(support === undefined ? [] : ['', fill(strings.support, { support })]),
          '',
        ].join('\n')
      : render(template.text, values, (value) => value);
  const html = template.html === undefined ? shippedHtml(content, look, subject) : render(template.html, values, escapeHtml);
  return { subject, text, html };
}

const MUTED = 'font-size:13px;color:#555';

function shippedHtml(content: MailContent, look: MailLook, subject: string): string {
  const { strings, appName, brand } = look;
  const words = { appName, duration: content.expires };
  const href = escapeHtml(content.link);
  const color = brand.primaryColor ?? DEFAULT_PRIMARY_COLOR;
  // The support line links the address or page; the words around it come from the catalog.
  const supportLine = () => {
    const [before = '', after = ''] = strings.support.split('{support}');
    // An address or URL reads left to right inside right-to-left text too (its slashes stay in place).
    const link = `<a dir="ltr" href="${escapeHtml(supportHref(brand.support!))}">${escapeText(brand.support!)}</a>`;
    return `<p style="${MUTED}">${escapeText(before)}${link}${escapeText(after)}</p>\n`;
  };
  return `<!doctype html>
<html lang="${escapeHtml(look.lang)}" dir="${look.dir}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeText(subject)}</title></head>
<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;line-height:1.5;color:#111">
${brand.logoUrl === undefined ? '' : `<p><img src="${escapeHtml(brand.logoUrl)}" alt="${escapeHtml(appName)}" height="40" style="height:40px;width:auto"></p>\n`}<p>${escapeText(fill(strings.intro, words))}</p>
<p><a href="${href}" style="display:inline-block;padding:10px 18px;background:${color};color:${BUTTON_TEXT_COLOR};text-decoration:none;border-radius:6px">${escapeText(strings.button)}</a></p>
<p style="${MUTED}">${escapeText(strings.copyLink)}<br><span dir="ltr" style="word-break:break-all">${href}</span></p>
<p>${escapeText(strings.codeIntro)}</p>
<p style="font-size:28px;font-weight:600;letter-spacing:4px;font-family:ui-monospace,Menlo,Consolas,monospace"><span dir="ltr">${escapeText(groupCode(content.code))}</span></p>
<p>${escapeText(fill(strings.expiry, words))}</p>
<p style="${MUTED}">${escapeText(strings.ignore)}</p>
${brand.support === undefined ? '' : supportLine()}</body>
</html>
`;
}

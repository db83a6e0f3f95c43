import { domainToASCII } from 'node:url';

/** Longest address SMTP can carry (RFC 5321 path limit less the angle brackets). */
export const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;

// Local part: dot-separated runs of letters, digits and `_ + - ' &`. Narrower than RFC 5322's
// dot-atom on purpose: `%` and `!` are source-routing syntax, `=?...?=` is an encoded word, and quoted
// local parts, `/`, `|` and the rest are handled differently by mail servers and SES, which is how an
// address meant for one mailbox is routed to another ("splitting the email atom"). Real addresses
// keep to this set. Domain: LDH labels of 1-63 characters (internationalized names in their punycode
// form), at least two labels, a top-level label that is not all digits.
const LOCAL_PART = /^[a-z0-9_+'&-]+(\.[a-z0-9_+'&-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Any C0/C1 control character, DEL, or Unicode line/paragraph separator.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export type EmailCheck = { readonly ok: true; readonly email: string } | { readonly ok: false; readonly issue: string };

/**
 * Trims and lower-cases an address, then checks it. The normalized form is what is limited, stored and
 * mailed, so `A@Example.com ` and `a@example.com` share one quota. An internationalized domain is
 * normalized to its punycode form (`ada@bücher.example` is `ada@xn--bcher-kva.example`), which is what
 * SES mails to; the local part must be ASCII.
 */
export function normalizeEmail(raw: unknown): EmailCheck {
  if (raw === undefined || raw === null) return { ok: false, issue: 'is required' };
  if (typeof raw !== 'string') return { ok: false, issue: 'must be a string' };
  if (CONTROL_CHARACTERS.test(raw)) return { ok: false, issue: 'must not contain control characters' };
  const email = raw.trim().toLowerCase();
  if (email.length === 0) return { ok: false, issue: 'is required' };
  if (email.length > MAX_EMAIL_LENGTH) {
    return { ok: false, issue: `must be at most ${MAX_EMAIL_LENGTH} characters` };
  }
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return { ok: false, issue: 'must be a valid email address' };
  const local = email.slice(0, at);
  const domain = normalizeDomain(email.slice(at + 1));
  if (domain === null) return { ok: false, issue: 'must be a valid email address' };
  const valid = local.length <= MAX_LOCAL_PART_LENGTH && LOCAL_PART.test(local);
  const normalized = `${local}@${domain}`;
  if (normalized.length > MAX_EMAIL_LENGTH) return { ok: false, issue: `must be at most ${MAX_EMAIL_LENGTH} characters` };
  return valid ? { ok: true, email: normalized } : { ok: false, issue: 'must be a valid email address' };
}

/**
 * A mail domain in the form addresses are kept in: lower-cased, an internationalized name in its
 * punycode form (`Bücher.example` is `xn--bcher-kva.example`); null when it is not one.
 */
export function normalizeDomain(raw: string): string | null {
  const lower = raw.trim().toLowerCase();
  const domain = /^\p{ASCII}*$/u.test(lower) ? lower : domainToASCII(lower);
  const labels = domain.split('.');
  const valid = domain !== '' && labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label)) && !/^[0-9]+$/.test(labels[labels.length - 1]!);
  return valid ? domain : null;
}

/** The domain of an address `normalizeEmail` accepted: already lower-case and punycode. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/**
 * The inbox an address `normalizeEmail` accepted delivers to: its local part without a `+tag`
 * (subaddressing, RFC 5233), which Gmail, Outlook, iCloud, Fastmail and most servers deliver to the
 * same mailbox. Limits count per inbox, so `victim+1@` cannot get around `victim@`'s. The mail still
 * goes to the exact address typed. A local part that starts with `+` is kept whole.
 */
export function inboxOf(email: string): string {
  const at = email.lastIndexOf('@');
  const plus = email.indexOf('+');
  return plus > 0 && plus < at ? `${email.slice(0, plus)}${email.slice(at)}` : email;
}

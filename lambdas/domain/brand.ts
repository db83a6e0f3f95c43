import { normalizeEmail } from './email';

/** The team's look, shown in the mail and on the hosted page. Every field is optional. */
export interface Brand {
  /** An https URL of the logo image. */
  readonly logoUrl?: string;
  /**
   * The buttons' colour, `#rgb` or `#rrggbb`. White button text must be readable on it: a colour with
   * less than WCAG AA's 4.5:1 contrast against it is refused.
   */
  readonly primaryColor?: string;
  /** Where a reader gets help, shown in the mail's footer: an email address or an https URL. */
  readonly support?: string;
}

/** The text colour of a button drawn in the primary colour (mail and hosted page alike). */
export const BUTTON_TEXT_COLOR = '#ffffff';
/** The primary colour when the brand names none. */
export const DEFAULT_PRIMARY_COLOR = '#111111';
/** WCAG 2.x level AA, normal text. */
export const MIN_CONTRAST = 4.5;

const BRAND_FIELDS = ['logoUrl', 'primaryColor', 'support'] as const;
const HEX_COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
const MAX_URL_LENGTH = 2048;

/** `#abc` → `#aabbcc`, lower-case; undefined when it is not a hex colour. */
export function hexColor(value: string): string | undefined {
  if (!HEX_COLOR.test(value)) return undefined;
  const digits = value.slice(1).toLowerCase();
  return `#${digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits}`;
}

/** WCAG 2.x relative luminance of a `#rrggbb` colour. */
function luminance(color: string): number {
  const channel = (offset: number) => {
    const c = parseInt(color.slice(offset, offset + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG 2.x contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function httpsOnly(value: string): boolean {
  if (value.length > MAX_URL_LENGTH || value.includes('#')) return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** A support address as a link target: `mailto:` for an address, the URL itself otherwise. */
export function supportHref(support: string): string {
  return support.includes('@') && !support.includes('/') ? `mailto:${support}` : support;
}

export type BrandCheck = { readonly ok: true; readonly brand: Brand } | { readonly ok: false; readonly issue: string };

/**
 * A brand's form only: an object of known string fields, the colour a hex colour. What the functions
 * check when they read the brand the construct wrote (after `checkBrand` at synth); the contrast and
 * the URLs' and address's own checks stay out of every function's bundle.
 */
export function checkBrandForm(value: unknown): BrandCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, issue: 'must be an object ({ logoUrl?, primaryColor?, support? })' };
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter((key) => !(BRAND_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) return { ok: false, issue: `has no field ${unknown.map((k) => `"${k}"`).join(', ')} (it has ${BRAND_FIELDS.join(', ')})` };
  const wrong = BRAND_FIELDS.find((key) => given[key] !== undefined && typeof given[key] !== 'string');
  if (wrong !== undefined) return { ok: false, issue: `${wrong} must be a string, got ${String(given[wrong])}` };
  const { primaryColor } = given as Brand;
  if (primaryColor !== undefined && hexColor(primaryColor) === undefined) return { ok: false, issue: `primaryColor must be a hex colour such as #1a56db, got "${primaryColor}"` };
  return { ok: true, brand: given as Brand };
}

/** Checks a brand (at synth) and returns its canonical form (colour lower-case `#rrggbb`, address normalized). */
export function checkBrand(value: unknown): BrandCheck {
  const form = checkBrandForm(value);
  if (!form.ok) return form;
  const brand: { logoUrl?: string; primaryColor?: string; support?: string } = {};
  const { logoUrl, primaryColor, support } = form.brand;
  if (logoUrl !== undefined) {
    if (!httpsOnly(logoUrl)) return { ok: false, issue: `logoUrl must be an https URL without a fragment, got "${logoUrl}"` };
    brand.logoUrl = new URL(logoUrl).href;
  }
  if (primaryColor !== undefined) {
    const color = hexColor(primaryColor)!;
    const ratio = contrastRatio(color, BUTTON_TEXT_COLOR);
    if (ratio < MIN_CONTRAST) {
      // Rounded down: a ratio just under the minimum must not print as the minimum.
      const shown = Math.floor(ratio * 100) / 100;
      return {
        ok: false,
        issue: `primaryColor ${color} has a contrast ratio of ${shown.toFixed(2)}:1 with the button text (${BUTTON_TEXT_COLOR}); WCAG AA needs at least ${MIN_CONTRAST}:1, so choose a darker colour`,
      };
    }
    brand.primaryColor = color;
  }
  if (support !== undefined) {
    if (httpsOnly(support)) brand.support = new URL(support).href;
    else {
      const address = normalizeEmail(support);
      if (!address.ok) return { ok: false, issue: `support must be an email address or an https URL, got "${support}"` };
      brand.support = address.email;
    }
  }
  return { ok: true, brand };
}

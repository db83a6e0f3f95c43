import { MagicLinkClient, userMessage, type MessageStrings } from '../../client';
import { ERROR_CATALOG, ERROR_CODES, type ErrorCode } from '../../lambdas/contract/errors';
import { LOCALES } from '../../lambdas/contract/locales';
import { messages as en } from '../../lambdas/contract/locales/en/messages';
import { VALIDATION_FIELDS, type MessageKey } from '../../lambdas/contract/locales/messages';

/** Every locale's catalog, loaded by its tag as an app would import it. */
const catalogs: MessageStrings[] = LOCALES.map((tag) => require(`../../lambdas/contract/locales/${tag}/messages`).messages); // eslint-disable-line @typescript-eslint/no-require-imports
const byTag = (tag: string) => catalogs.find((catalog) => catalog.locale === tag)!;

const KEYS = Object.keys(en).filter((key) => key !== 'locale') as MessageKey[];
/** What makes `userMessage` say each key's sentence. */
const FIELD_OF: Partial<Record<MessageKey, string>> = Object.fromEntries(VALIDATION_FIELDS.map((field) => [`validation_failed.${field}`, field]));
const codeOf = (key: MessageKey) => key.split('.')[0] as ErrorCode;
const render = (key: MessageKey, retryAfter: number | null, catalog: MessageStrings) =>
  userMessage(codeOf(key), retryAfter, FIELD_OF[key] === undefined ? [] : [{ field: FIELD_OF[key]!, issue: 'is wrong' }], catalog);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the client user messages', () => {
  it('has a sentence for every error code and every validation field', () => {
    expect(KEYS).toEqual(expect.arrayContaining([...ERROR_CODES, ...VALIDATION_FIELDS.map((field) => `validation_failed.${field}`)]));
    expect(catalogs.map((catalog) => catalog.locale)).toEqual([...LOCALES]);
  });

  it.each([...LOCALES])('%s: every key renders, with no placeholder left and a wait wherever English says one', (tag) => {
    const catalog = byTag(tag);
    for (const key of KEYS) {
      expect(placeholders(catalog[key])).toEqual(placeholders(en[key]));
      for (const retryAfter of [null, 1, 59, 60, 61, 3600]) {
        const text = render(key, retryAfter, catalog);
        expect(text).not.toMatch(/[{}]/);
        expect(text.trim().length).toBeGreaterThan(10);
      }
    }
  });

  it.each(['de', 'ar'])('%s is not English: no sentence is the English one', (tag) => {
    for (const key of KEYS) expect(byTag(tag)[key]).not.toBe(en[key]);
  });

  it('says Arabic in Arabic script', () => {
    for (const key of KEYS) expect(byTag('ar')[key]).toMatch(/[\u0600-\u06FF]/);
  });

  it('English is what it always was, from the seeds on: waits in whole minutes rounded up, at most the catalog\'s when not given', () => {
    const english = (code: ErrorCode, retryAfter: number | null = ERROR_CATALOG[code].retryAfter, details = [] as { field: string; issue: string }[]) =>
      userMessage(code, retryAfter, details);
    expect(english('magic_link_ip_limit_exceeded')).toBe('Too many sign-in requests from your network. Please try again in 60 minutes.');
    expect(english('magic_link_ip_limit_exceeded', null)).toBe('Too many sign-in requests from your network. Please try again in 60 minutes.');
    expect(english('magic_link_ip_limit_exceeded', 1799)).toBe('Too many sign-in requests from your network. Please try again in 30 minutes.');
    expect(english('magic_link_email_limit_exceeded')).toBe(
      'Too many sign-in links were requested for this email address. Please check your inbox (and spam folder), or try again in 60 minutes.',
    );
    expect(english('magic_link_capacity_exceeded', 125)).toBe('Sign-in emails are paused for a while because of unusually high demand. Please try again in 3 minutes.');
    expect(english('magic_link_already_used')).toBe("This sign-in link was already used. If you're already signed in elsewhere, use that session. Otherwise, request a fresh link.");
    expect(english('magic_link_device_mismatch')).toBe(
      'This sign-in was requested on another device or browser. Open the link there, or type the 6-digit code from the email on the device where you asked to sign in.',
    );
    expect(english('magic_link_code_invalid')).toBe("That code isn't right. Check the 6-digit code in your most recent sign-in email and try again.");
    expect(english('magic_link_code_attempts_exceeded')).toBe(
      'Too many wrong codes were entered for this email address. Please use the link in the email, or try again in 60 minutes.',
    );
    expect(english('magic_link_code_ip_limit_exceeded')).toBe('Too many wrong codes were entered from this network. Please use the link in the email, or try again in 60 minutes.');
    expect(english('magic_link_expired')).toBe('This sign-in link has expired. Please request a fresh link.');
    expect(english('magic_link_not_found')).toBe("This sign-in link isn't valid. Make sure you opened the whole link from your most recent email, or request a fresh one.");
    expect(english('session_invalid')).toBe('Your session has ended. Please sign in again.');
    expect(english('sign_in_not_allowed')).toBe("This email address can't be used to sign in here. Please use another address, or ask the service's operators to admit this one.");
    expect(english('validation_failed', null, [{ field: 'code', issue: 'x' }, { field: 'email', issue: 'x' }])).toBe('Please enter a valid email address.');
    expect(english('validation_failed', null, [{ field: 'code', issue: 'x' }])).toBe('Please enter the 6-digit code from the email.');
    expect(english('validation_failed', null, [{ field: 'token', issue: 'x' }])).toBe("This sign-in link isn't complete. Open the whole link from your email, or request a fresh one.");
    expect(english('validation_failed', null, [{ field: 'redirect_to', issue: 'x' }])).toBe('Some of the information sent was not valid. Please check it and try again.');
    expect(english('email_delivery_failed')).toBe("We couldn't send the sign-in email. Please check the address and try again in a moment.");
    expect(english('service_unavailable')).toBe('The service is busy right now. Please try again in 5 seconds.');
    for (const code of ['invalid_json', 'payload_too_large', 'unsupported_media_type', 'route_not_found', 'method_not_allowed', 'internal_error'] as const) {
      expect(english(code)).toBe('Something went wrong. Please try again later.');
    }
  });

  it('says a wait of one as one, in every language (CLDR plurals, not "1 minutes")', () => {
    expect(userMessage('magic_link_ip_limit_exceeded', 45)).toBe('Too many sign-in requests from your network. Please try again in 1 minute.');
    expect(userMessage('service_unavailable', 1)).toBe('The service is busy right now. Please try again in 1 second.');
    expect(userMessage('magic_link_ip_limit_exceeded', 3600, [], byTag('de'))).toBe('Zu viele Anmeldeanfragen aus Ihrem Netzwerk. Bitte versuchen Sie es in 60 Minuten erneut.');
    expect(userMessage('magic_link_ip_limit_exceeded', 60, [], byTag('de'))).toContain('in 1 Minute erneut');
    expect(userMessage('magic_link_ip_limit_exceeded', 3600, [], byTag('ar'))).toContain('بعد 60 دقيقة');
    expect(userMessage('service_unavailable', 5, [], byTag('ja'))).toContain('5 秒後');
  });

  it('MagicLinkClient({ messages }) gives every failure its userMessage in that language', async () => {
    const envelope = { success: false, error: 'magic_link_ip_limit_exceeded', message: 'Too many magic link requests from this IP.', details: [], retry_after: 600, doc_url: '', request_id: 'req_1' };
    const fetch = async () => new Response(JSON.stringify(envelope), { status: 429, headers: { 'content-type': 'application/json' } });
    const french = new MagicLinkClient({ baseUrl: 'https://auth.example.com', fetch, messages: byTag('fr') });
    expect(await french.requestMagicLink('ada@example.com')).toMatchObject({ ok: false, error: 'magic_link_ip_limit_exceeded', userMessage: 'Trop de demandes de connexion depuis votre réseau. Veuillez réessayer dans 10 minutes.' });
    const english = new MagicLinkClient({ baseUrl: 'https://auth.example.com', fetch });
    expect(await english.requestMagicLink('ada@example.com')).toMatchObject({ userMessage: 'Too many sign-in requests from your network. Please try again in 10 minutes.' });
  });
});

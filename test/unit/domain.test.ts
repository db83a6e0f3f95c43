import { authSettings } from '../fixtures/auth-settings';
import { CODE_PATTERN, VERIFIER_PATTERN, challengeFor, codeHash, emailHash, generateCode } from '../../lambdas/domain/codes';
import fc from 'fast-check';
import { MagicLinkService, consumeRefusal } from '../../lambdas/domain/auth-service';
import { RefusedError } from '../../lambdas/domain/errors';
import type { AuthStore, LinkRequest } from '../../lambdas/domain/ports';
import { MAX_EMAIL_LENGTH, inboxOf, normalizeEmail } from '../../lambdas/domain/email';
import { ipRateLimitKey } from '../../lambdas/domain/ip';
import { mailBudgetShards, rateLimitWindow } from '../../lambdas/domain/limits';
import { describeDuration, magicLinkUrl } from '../../lambdas/domain/mail';
import { renderMagicLinkEmail } from '../../lambdas/domain/mail-templates';
import { mail as englishMail } from '../../lambdas/contract/locales/en/mail';
import { bearerToken, issueSessionToken, parseSessionToken } from '../../lambdas/domain/sessions';
import { generateToken, hashToken, isWellFormedToken } from '../../lambdas/domain/tokens';
import { USER_ID_PATTERN, newUserId } from '../../lambdas/domain/users';
import { decodeTime, isValid } from 'ulid';

describe('tokens', () => {
  it('are 256-bit base64url strings, all different', () => {
    const tokens = new Set(Array.from({ length: 2000 }, generateToken));
    expect(tokens.size).toBe(2000);
    for (const token of tokens) {
      expect(isWellFormedToken(token)).toBe(true);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
  });

  it('hash to a fixed SHA-256 value', () => {
    expect(hashToken('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('are recognised only in their exact shape', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(isWellFormedToken(value)).toBe(/^[A-Za-z0-9_-]{43}$/.test(value));
      }),
    );
  });
});

describe('user ids', () => {
  it('are `usr_` and a valid ULID of the given moment, all different, even within one millisecond', () => {
    const at = new Date('2026-11-21T21:10:00.123Z');
    const ids = new Set(Array.from({ length: 2000 }, () => newUserId(at)));
    expect(ids.size).toBe(2000);
    for (const id of ids) {
      expect(id).toMatch(USER_ID_PATTERN);
      expect(isValid(id.slice(4))).toBe(true);
      expect(decodeTime(id.slice(4))).toBe(at.getTime());
    }
  });

  it('use every character of the random part (80 random bits, not fewer)', () => {
    const random = Array.from({ length: 1000 }, () => newUserId(new Date(0)).slice(-16));
    for (let position = 0; position < 16; position++) expect(new Set(random.map((part) => part[position])).size).toBe(32);
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases valid addresses, idempotently', () => {
    fc.assert(
      fc.property(fc.emailAddress({ size: 'small' }), fc.constantFrom('', ' ', '\t', '  '), (address, pad) => {
        const check = normalizeEmail(`${pad}${address.toUpperCase()}${pad}`);
        if (!check.ok) return; // fast-check may generate RFC forms this service deliberately refuses (see email.ts)
        expect(check.email).toBe(address.toLowerCase());
        expect(normalizeEmail(check.email)).toEqual(check);
      }),
    );
  });

  it('accepts the common shapes of real addresses', () => {
    for (const address of ['ada@example.com', 'ada.lovelace+news@mail.example.co.uk', "o'brien@example.ie", 'x@xn--bcher-kva.example']) {
      expect(normalizeEmail(address)).toEqual({ ok: true, email: address });
    }
  });

  it.each([
    ['an encoded word', '=?utf-8?q?attacker=40evil.test=3e=20?=@victim-corp.com'],
    ['a percent hack (source route)', 'user%evil.test@example.com'],
    ['a bang path', 'evil.test!user@example.com'],
    ['a quoted local part', '"ada lovelace"@example.com'],
    ['a quoted local part with an @', '"attacker@evil.test"@example.com'],
    ['a slash', 'ada/bob@example.com'],
    ['an equals sign', 'ada=bob@example.com'],
    ['a non-ASCII local part', 'ädä@example.com'],
    ['an unencodable domain', 'ada@ex\u200bample..com'],
  ])('refuses %s, which mail servers route differently', (_label, address) => {
    expect(normalizeEmail(address)).toEqual({ ok: false, issue: 'must be a valid email address' });
  });

  it('mails an internationalized domain by its punycode form, so both spellings share one quota', () => {
    expect(normalizeEmail('Ada@Bücher.Example')).toEqual({ ok: true, email: 'ada@xn--bcher-kva.example' });
    expect(normalizeEmail('ada@xn--bcher-kva.example')).toEqual({ ok: true, email: 'ada@xn--bcher-kva.example' });
    expect(normalizeEmail('o.brien+tag@münchen.de')).toEqual({ ok: true, email: 'o.brien+tag@xn--mnchen-3ya.de' });
  });

  it('never accepts control characters or anything over 254 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        const check = normalizeEmail(value);
        if (check.ok) {
          expect(check.email.length).toBeLessThanOrEqual(MAX_EMAIL_LENGTH);
          expect(check.email).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex
          expect(check.email).toMatch(/^[^@]+@[^@]+\.[^@]+$/);
        }
      }),
    );
  });
});

describe('ipRateLimitKey', () => {
  it('keys IPv4 addresses on their own', () => {
    expect(ipRateLimitKey('203.0.113.9')).toBe('v4:203.0.113.9');
  });

  it('keys IPv6 addresses by /64, whatever the notation', () => {
    expect(ipRateLimitKey('2001:db8::1')).toBe('v6:2001:db8:0:0::/64');
    expect(ipRateLimitKey('2001:0DB8:0000:0000:ffff:ffff:ffff:ffff')).toBe('v6:2001:db8:0:0::/64');
    expect(ipRateLimitKey('::1')).toBe('v6:0:0:0:0::/64');
    expect(ipRateLimitKey('fe80::1%eth0')).toBe('v6:fe80:0:0:0::/64');
  });

  it('counts IPv4-mapped IPv6 as IPv4', () => {
    expect(ipRateLimitKey('::ffff:203.0.113.9')).toBe('v4:203.0.113.9');
    expect(ipRateLimitKey('::ffff:cb00:7109')).toBe('v4:203.0.113.9');
  });

  it('puts every address of a /64 under one key and other /64s under others', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }), (address, low) => {
        const key = ipRateLimitKey(address);
        expect(key).not.toBeNull();
        if (key!.startsWith('v4:')) return;
        const prefix = key!.slice(3, -5); // "a:b:c:d"
        const sibling = `${prefix}:${low.map((g) => g.toString(16)).join(':')}`;
        expect(ipRateLimitKey(sibling)).toBe(key);
      }),
    );
  });

  it('refuses what is not an IP address', () => {
    for (const value of ['', 'localhost', '1.2.3', '1.2.3.4.5', '2001:db8:::1', '10.0.0.1, 10.0.0.2']) {
      expect(ipRateLimitKey(value)).toBeNull();
    }
  });
});

describe('rateLimitWindow', () => {
  it('is the fixed hour containing now, so waiting 3600 s always reaches a new window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (now) => {
        const window = rateLimitWindow(now);
        expect(window.start).toBeLessThanOrEqual(now);
        expect(window.end).toBe(window.start + 3600);
        expect(window.end).toBeGreaterThan(now);
        expect(rateLimitWindow(now + 3600).start).toBeGreaterThan(window.start);
      }),
    );
  });
});

describe('sessions', () => {
  it('issue tokens whose secret only the caller holds', () => {
    const issued = issueSessionToken(hashToken('link'));
    const parsed = parseSessionToken(issued.token);
    expect(parsed).toEqual({ signInId: hashToken('link'), secretHash: issued.secretHash });
    expect(issued.token).not.toContain(issued.secretHash);
  });

  it('reads Bearer headers strictly', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc')).toBe('abc');
    for (const header of [undefined, '', 'Bearer', 'Bearer a b', 'Basic abc', 'abc']) expect(bearerToken(header)).toBeNull();
  });
});

describe('consumeRefusal', () => {
  it('tells not found, already used and expired apart, preferring already used', () => {
    expect(consumeRefusal(null, 100)).toBe('link_not_found');
    expect(consumeRefusal({ linkExpiresAt: 200, usedAt: 50 }, 100)).toBe('link_already_used');
    expect(consumeRefusal({ linkExpiresAt: 50, usedAt: 40 }, 100)).toBe('link_already_used');
    expect(consumeRefusal({ linkExpiresAt: 100 }, 100)).toBe('link_expired');
    expect(() => consumeRefusal({ linkExpiresAt: 101 }, 100)).toThrow();
  });
});

describe('the sign-in email', () => {
  const renderEnglish = (link: string, code: string) =>
    renderMagicLinkEmail({ link, code, expires: '15 minutes' }, { lang: 'en', dir: 'ltr', strings: englishMail, appName: 'Example App', brand: {} });

  it('describes lifetimes as people say them', () => {
    expect(describeDuration(900)).toBe('15 minutes');
    expect(describeDuration(60)).toBe('1 minute');
    expect(describeDuration(3600)).toBe('1 hour');
    expect(describeDuration(90)).toBe('90 seconds');
    expect(describeDuration(7 * 86_400)).toBe('7 days');
  });

  it('carries the code on a line of its own in the text part, grouped for reading in the HTML part', () => {
    const mail = renderEnglish('https://app.example.com/sign-in#token=T', '012345');
    expect(mail.text.split('\n')).toContain('012345');
    expect(mail.text.split('\n').filter((line) => /^\d{6}$/.test(line))).toEqual(['012345']);
    expect(mail.html).toContain('012 345');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('expire in 15 minutes');
      expect(part).toContain('This link and code work once');
      expect(part).toMatch(/Didn't ask for this\? You can safely ignore this email/);
    }
  });

  it('puts the token in the fragment and escapes the link in HTML', () => {
    const link = magicLinkUrl('https://app.example.com/sign-in?next=/a&b="c"', 'TOKEN');
    expect(link).toBe('https://app.example.com/sign-in?next=/a&b="c"#token=TOKEN');
    const mail = renderEnglish(link, '012345');
    expect(mail.text).toContain(link);
    expect(mail.html).toContain('href="https://app.example.com/sign-in?next=/a&amp;b=&quot;c&quot;#token=TOKEN"');
    expect(mail.html).not.toContain('"c"');
  });
});

describe('one-time codes and browser binding', () => {
  it('draws six digits, leading zeros kept, from the whole range', () => {
    const codes = Array.from({ length: 2000 }, () => generateCode());
    expect(codes.every((code) => CODE_PATTERN.test(code))).toBe(true);
    expect(new Set(codes.map((code) => code[0])).size).toBe(10);
  });

  it('computes the RFC 7636 S256 challenge (the RFC\'s own example)', () => {
    expect(challengeFor('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(VERIFIER_PATTERN.test('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(true);
    expect(VERIFIER_PATTERN.test('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX')).toBe(false); // 42: one short
    expect(VERIFIER_PATTERN.test(`${'a'.repeat(128)}`)).toBe(true);
    expect(VERIFIER_PATTERN.test(`${'a'.repeat(129)}`)).toBe(false);
    expect(VERIFIER_PATTERN.test(`${'a'.repeat(42)}+`)).toBe(false);
  });

  it('keys a code by address and code under the secret: another secret, address or code gives another hash', () => {
    const id = codeHash('secret-a', 'ada@example.com', '123456');
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeHash('secret-a', 'ada@example.com', '123456')).toBe(id);
    expect(codeHash('secret-b', 'ada@example.com', '123456')).not.toBe(id);
    expect(codeHash('secret-a', 'bob@example.com', '123456')).not.toBe(id);
    expect(codeHash('secret-a', 'ada@example.com', '123457')).not.toBe(id);
  });

  it('refuses a live bound sign-in to another browser, but reports used and expired first', () => {
    expect(consumeRefusal({ linkExpiresAt: 200, challenge: 'A' }, 100, undefined)).toBe('device_mismatch');
    expect(consumeRefusal({ linkExpiresAt: 200, challenge: 'A' }, 100, 'B')).toBe('device_mismatch');
    expect(consumeRefusal({ linkExpiresAt: 200, usedAt: 90, challenge: 'A' }, 100, 'B')).toBe('link_already_used');
    expect(consumeRefusal({ linkExpiresAt: 100, challenge: 'A' }, 100, 'B')).toBe('link_expired');
    expect(() => consumeRefusal({ linkExpiresAt: 200, challenge: 'A' }, 100, 'A')).toThrow();
    // Ended by signing out everywhere before it was used: ask for a new link, whichever browser asks.
    expect(consumeRefusal({ linkExpiresAt: 200, revokedAt: 90, challenge: 'A' }, 100, 'B')).toBe('link_expired');
  });
});

describe('emailHash', () => {
  it('keys an address with the deployment\'s secret: another secret gives another key, and plain SHA-256 does not find it', () => {
    const key = emailHash('deployment-secret', 'ada@example.com');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(emailHash('other-secret', 'ada@example.com')).not.toBe(key);
    expect(key).not.toBe(require('node:crypto').createHash('sha256').update('ada@example.com').digest('hex')); // eslint-disable-line @typescript-eslint/no-require-imports
  });
  it('names the inbox: a +tag shares the base address\'s key (and so its limits), another address does not', () => {
    const key = emailHash('deployment-secret', 'victim@example.com');
    for (const tagged of ['victim+1@example.com', 'victim+news+2@example.com', 'victim+@example.com']) expect(emailHash('deployment-secret', tagged)).toBe(key);
    expect(emailHash('deployment-secret', 'victim1@example.com')).not.toBe(key);
    expect(emailHash('deployment-secret', 'victim@example.org')).not.toBe(key);
    // An address that is only a tag is an address of its own.
    expect(inboxOf('+tag@example.com')).toBe('+tag@example.com');
    expect(inboxOf('a.b+c@xn--bcher-kva.example')).toBe('a.b@xn--bcher-kva.example');
  });
});

describe('mailBudgetShards', () => {
  it('splits the budget over at most 10 shards whose shares add up to it exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (budget) => {
        const shards = mailBudgetShards(budget);
        expect(shards.length).toBe(Math.min(10, budget));
        expect(shards.reduce((sum, shard) => sum + shard.limit, 0)).toBe(budget);
        expect(Math.max(...shards.map((s) => s.limit)) - Math.min(...shards.map((s) => s.limit))).toBeLessThanOrEqual(1);
        expect(new Set(shards.map((shard) => shard.shard)).size).toBe(shards.length);
      }),
    );
  });
});

describe('MagicLinkService: the redirect allowlist', () => {
  const recorded: LinkRequest[] = [];
  const store = { recordLinkRequest: async (request: LinkRequest) => (recorded.push(request), 'created' as const) } as unknown as AuthStore;
  const service = new MagicLinkService(store, { send: async () => undefined }, { get: async () => 'x'.repeat(64) }, authSettings({ redirectUrls: ['https://app.example.com/after'] }));
  const ask = (redirectTo: string) => service.requestMagicLink('ada@example.com', '198.51.100.7', new Date(), { redirectTo });
  beforeEach(() => recorded.splice(0));

  it('stores an allowed URL as the allowlist writes it, after URL normalization', async () => {
    await ask('HTTPS://App.Example.com:443/after');
    expect(recorded.map((request) => request.link.redirectTo)).toEqual(['https://app.example.com/after']);
  });

  it.each(['https://app.example.com/after/extra', 'https://app.example.com.evil.test/after', 'http://app.example.com/after', 'not a url'])(
    'refuses %s as redirect_not_allowed before counting anything',
    async (redirectTo) => {
      await expect(ask(redirectTo)).rejects.toEqual(new RefusedError('redirect_not_allowed'));
      expect(recorded).toEqual([]);
    },
  );
});

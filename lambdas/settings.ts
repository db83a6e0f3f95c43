/**
 * Every setting of the service, declared once: its name, type, default and accepted range (its meaning,
 * which no function reads, is in `settings-docs.ts`, keyed by the same names).
 *
 * Everything else derives from this table:
 * - the construct's props (`lib/settings-props.generated.ts`, written by `npm run docs`) and its
 *   synth-time validation (`lib/settings.ts`);
 * - the app's `-c` context keys (`lib/magic-link-auth-stack.ts`);
 * - the functions' environment variables and their validation at start (`lambdas/config.ts`);
 * - the settings reference (`docs/reference/settings.md`).
 * The construct and the functions both take their values through one resolver
 * (`settings-resolver.ts`): the same defaults, in the same order, and the same checks.
 *
 * One name per setting: the prop is the name; a duration's prop is a CDK `Duration` while its context
 * key, environment variable and config field carry whole seconds (`linkLifetime` is
 * `linkLifetimeSeconds`, `LINK_LIFETIME_SECONDS`).
 *
 * No AWS SDK and no CDK imports: the functions bundle this file.
 */
import { FALLBACK_LOCALE, LOCALES, type Locale } from './contract/locales';
import { checkBrandForm, type Brand } from './domain/brand';
import { normalizeDomain, normalizeEmail } from './domain/email';
import { describeDuration } from './domain/mail';

export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const bad = (problem: string): Checked<never> => ({ ok: false, problem });

/** How one kind of setting is written as text (context, environment) and what values it accepts. */
export interface SettingKind<T> {
  /** The prop's TypeScript type in the construct (the generated props interface uses it). */
  readonly propType: string;
  /** The module that declares `propType`, from the repository's root, when it is not a built-in or CDK type. */
  readonly propTypeFrom?: string;
  /** `seconds` when the prop is a `Duration` and the text forms carry whole seconds. */
  readonly unit?: 'seconds';
  /** Bounds of a whole-number setting, for the docs. */
  readonly range?: Range;
  /** Checks a typed value (a prop, a default) and returns its canonical form. */
  check(value: unknown): Checked<T>;
  /** Reads the text form (environment variable, `-c` context value) and checks it. */
  fromText(text: string): Checked<T>;
  /** The text form handed to the functions. */
  toText(value: T): string;
  /** How the reference docs show a value. */
  describe(value: T): string;
}

/** Bounds of a whole-number setting, inclusive. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

function wholeNumber(range: Range, unit: string): SettingKind<number> {
  const check = (value: unknown): Checked<number> =>
    typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max
      ? ok(value)
      : bad(`must be a whole number from ${range.min} to ${range.max}${unit}, got ${String(value)}`);
  return {
    propType: 'number',
    range,
    check,
    fromText: (text) => (/^\d+$/.test(text) ? check(Number(text)) : bad(`must be a whole number, got "${text}"`)),
    toText: String,
    describe: String,
  };
}

/** A whole number of something per hour, such as a limit. */
export function count(range: Range): SettingKind<number> {
  return wholeNumber(range, '');
}

/** A duration: a CDK `Duration` as a prop, whole seconds everywhere else. */
export function seconds(range: Range): SettingKind<number> & { readonly unit: 'seconds' } {
  return { ...wholeNumber(range, ' seconds'), propType: 'Duration', unit: 'seconds', describe: describeDuration };
}

/** An email address, trimmed and lower-cased. */
export function emailAddress(): SettingKind<string> {
  const check = (value: unknown): Checked<string> => {
    const result = normalizeEmail(value);
    return result.ok ? ok(result.email) : bad(`${result.issue}, got "${String(value)}"`);
  };
  return { propType: 'string', check, fromText: check, toText: String, describe: String };
}

/** True for https URLs, and for http on loopback (local development against an emulator). */
export function isAcceptableUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function parseUrl(value: unknown): Checked<URL> {
  if (typeof value !== 'string') return bad(`must be an absolute URL, got ${String(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad(`must be an absolute URL, got "${value}"`);
  }
  if (!isAcceptableUrl(url)) return bad('must use https (http is accepted only for localhost)');
  if (value.includes('#')) return bad('must not contain a fragment (#)');
  return ok(url);
}

/** An absolute https URL (http only on loopback) without a fragment. Trailing slashes are kept or dropped as asked. */
export function httpsUrl(options: { readonly trimTrailingSlash: boolean }): SettingKind<string> {
  const check = (value: unknown): Checked<string> => {
    const url = parseUrl(value);
    if (!url.ok) return url;
    return ok(options.trimTrailingSlash ? url.value.href.replace(/\/+$/, '') : url.value.href);
  };
  return { propType: 'string', check, fromText: check, toText: String, describe: String };
}

/** A comma-separated list (as text) of strings each checked by `one`. */
function listOf(one: (value: unknown) => Checked<string>, options: { readonly atLeastOne: string | null }): SettingKind<readonly string[]> {
  const check = (value: unknown): Checked<readonly string[]> => {
    if (!Array.isArray(value)) return bad('must be a list');
    if (options.atLeastOne !== null && value.length === 0) return bad(options.atLeastOne);
    const result: string[] = [];
    for (const item of value) {
      const checked = one(item);
      if (!checked.ok) return checked;
      result.push(checked.value);
    }
    return ok(result);
  };
  return {
    propType: 'string[]',
    check,
    fromText: (text) => check(text.split(',').map((item) => item.trim()).filter(Boolean)),
    toText: (value) => value.join(','),
    describe: (value) => (value.length === 0 ? 'none' : value.join(', ')),
  };
}

/** Browser origins (scheme, host and port only). `*` is refused: the allowlist is the point. */
export function origins(): SettingKind<readonly string[]> {
  return listOf(
    (value) => {
      if (value === '*') return bad('must list origins, not "*"');
      const url = parseUrl(value);
      if (!url.ok) return url;
      if (url.value.pathname !== '/' || url.value.search || String(value).replace(/\/$/, '') !== url.value.origin) {
        return bad(`must be origins without a path or query, got "${String(value)}"`);
      }
      return ok(url.value.origin);
    },
    { atLeastOne: 'must list at least one origin' },
  );
}

/**
 * Absolute https URLs (http only on loopback) without fragments, in their normalized form. They are
 * matched exactly, so a wildcard (`*`), which could never match what it means to, is refused.
 */
export function urlList(): SettingKind<readonly string[]> {
  return listOf(
    (value) => {
      if (typeof value === 'string' && value.includes('*')) return bad(`must be exact URLs, without a wildcard (*) (in "${value}")`);
      const url = parseUrl(value);
      return url.ok ? ok(url.value.href) : bad(`${url.problem} (in "${String(value)}")`);
    },
    { atLeastOne: null },
  );
}

/** Mail domains, each in the form addresses are kept in (lower-case, punycode): matched exactly, no wildcards. */
export function domains(): SettingKind<readonly string[]> {
  return listOf(
    (value) => {
      const domain = typeof value === 'string' ? normalizeDomain(value) : null;
      return domain === null ? bad(`must list mail domains such as example.com (no @, no wildcards), got "${String(value)}"`) : ok(domain);
    },
    { atLeastOne: null },
  );
}

/** A short text of printable ASCII without spaces or commas, such as an audience. */
export function word(): SettingKind<string> {
  const check = (value: unknown): Checked<string> =>
    typeof value === 'string' && /^[\x21-\x2b\x2d-\x7e]{1,256}$/.test(value)
      ? ok(value)
      : bad(`must be 1 to 256 printable characters without spaces or commas, got "${String(value)}"`);
  return { propType: 'string', check, fromText: check, toText: String, describe: (value) => `\`${value}\`` };
}

/** A name people read, such as the app's: 1 to 64 characters, no control characters or line breaks; trimmed. */
export function displayName(): SettingKind<string> {
  const check = (value: unknown): Checked<string> => {
    // eslint-disable-next-line no-control-regex
    if (typeof value !== 'string' || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) return bad(`must be a name without control characters or line breaks, got "${String(value)}"`);
    const name = value.trim();
    return name.length >= 1 && name.length <= 64 ? ok(name) : bad(`must be 1 to 64 characters, got "${value}"`);
  };
  return { propType: 'string', check, fromText: check, toText: String, describe: (value) => `\`${value}\`` };
}

/**
 * The team's look (`Brand`): JSON as text. Its form is checked here, in the construct and the
 * functions alike; its colour's contrast and its URLs are checked by the construct (`checkBrand`), so
 * what the functions read is what synth accepted.
 */
export function brand(): SettingKind<Brand> {
  const check = (value: unknown): Checked<Brand> => {
    const checked = checkBrandForm(value);
    return checked.ok ? ok(checked.brand) : bad(checked.issue);
  };
  return {
    propType: 'Brand',
    propTypeFrom: 'lambdas/domain/brand',
    check,
    fromText: (text) => {
      try {
        return check(JSON.parse(text));
      } catch {
        return bad(`must be JSON such as {"primaryColor":"#1a56db"}, got "${text}"`);
      }
    },
    toText: (value) => JSON.stringify(value),
    describe: (value) => (Object.keys(value).length === 0 ? 'none' : `\`${JSON.stringify(value)}\``),
  };
}

/** One of a few words. */
export function oneOf<const T extends string>(values: readonly T[], propType: string): SettingKind<T> {
  const check = (value: unknown): Checked<T> =>
    values.includes(value as T) ? ok(value as T) : bad(`must be one of ${values.map((v) => `"${v}"`).join(', ')}, got "${String(value)}"`);
  return { propType, check, fromText: check, toText: String, describe: (value) => `\`${value}\`` };
}

/** What the construct knows once it has created its resources, for the settings that default to them. */
export interface DeploymentFacts {
  /** The sign-in page the stack serves itself: `<API URL>/sign-in`. */
  readonly hostedSignInUrl: string;
  /** The API's base URL, without a trailing slash. */
  readonly apiUrl: string;
}

/** The deployment as a default sees it: its facts, and how the construct reads a URL's origin. */
export interface Deployment extends DeploymentFacts {
  /** `scheme://host[:port]` of a URL: a deploy-time expression when the URL is a Token. */
  originOf(url: string): string;
}

export interface SettingSpec<T> {
  readonly kind: SettingKind<T>;
  /** The default; absent for required settings and for those `deploymentDefault` fills in. */
  readonly default?: T;
  /**
   * A default the construct works out from what it deploys and from the settings declared before this
   * one (documented by its `defaultText` in `settings-docs.ts`); `undefined` leaves the setting unset. The functions never apply
   * it: they are given the value, or do not read the setting.
   */
  readonly deploymentDefault?: (deployment: Deployment, settings: { readonly signInUrl: string }) => T | undefined;
  /** Whether the functions read it (an environment variable), or only the construct does. */
  readonly runtime: boolean;
}

/** A setting with no default of any kind: every layer must be given it. */
export function isRequired(spec: SettingSpec<unknown>): boolean {
  return spec.default === undefined && spec.deploymentDefault === undefined;
}

/** Keeps each entry's literal type (its kind, `runtime`), from which the config's type derives. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const setting = <const S extends SettingSpec<any>>(spec: S): S => spec;

/** Accepted bounds, named so the docs and tests can quote them. */
export const RANGES = {
  linkLifetime: { min: 60, max: 24 * 3600 },
  sessionLifetime: { min: 5 * 60, max: 365 * 24 * 3600 },
  accessTokenLifetime: { min: 60, max: 3600 },
  perHour: { min: 1, max: 1_000_000 },
  // Well inside the functions' own timeout, which must still fit the table and mail calls after it.
  beforeSignInTimeout: { min: 1, max: 5 },
} as const satisfies Record<string, Range>;

export const SETTINGS = {
  senderAddress: setting({ kind: emailAddress(), runtime: true }),
  appName: setting({ kind: displayName(), runtime: true }),
  brand: setting({ kind: brand(), default: {}, runtime: true }),
  defaultLocale: setting({ kind: oneOf<Locale>(LOCALES, LOCALES.map((tag) => `'${tag}'`).join(' | ')), default: FALLBACK_LOCALE, runtime: true }),
  signInUrl: setting({
    kind: httpsUrl({ trimTrailingSlash: false }),
    deploymentDefault: (deployment) => deployment.hostedSignInUrl,
    runtime: true,
  }),
  redirectUrls: setting({ kind: urlList(), default: [], runtime: true }),
  allowedOrigins: setting({
    kind: origins(),
    // The hosted page is served from the API's own origin: no cross-origin calls to allow.
    deploymentDefault: (deployment, { signInUrl }) => (signInUrl === deployment.hostedSignInUrl ? undefined : [deployment.originOf(signInUrl)]),
    runtime: false,
  }),
  linkLifetime: setting({ kind: seconds(RANGES.linkLifetime), default: 15 * 60, runtime: true }),
  sessionLifetime: setting({ kind: seconds(RANGES.sessionLifetime), default: 7 * 24 * 3600, runtime: true }),
  accessTokenLifetime: setting({ kind: seconds(RANGES.accessTokenLifetime), default: 10 * 60, runtime: true }),
  issuer: setting({ kind: httpsUrl({ trimTrailingSlash: true }), deploymentDefault: (deployment) => deployment.apiUrl, runtime: true }),
  audience: setting({ kind: word(), default: 'magic-link-auth', runtime: true }),
  ipLimitPerHour: setting({ kind: count(RANGES.perHour), default: 50, runtime: true }),
  emailLimitPerHour: setting({ kind: count(RANGES.perHour), default: 5, runtime: true }),
  inboxLimitPerHour: setting({ kind: count(RANGES.perHour), default: 20, runtime: true }),
  mailBudgetPerHour: setting({ kind: count(RANGES.perHour), default: 1000, runtime: true }),
  mailBudgetReservePercent: setting({ kind: count({ min: 0, max: 90 }), default: 20, runtime: true }),
  networkBudgetPercent: setting({ kind: count({ min: 1, max: 100 }), default: 5, runtime: true }),
  challengeThresholdPercent: setting({ kind: count({ min: 0, max: 100 }), default: 50, runtime: true }),
  challengeDifficulty: setting({ kind: count({ min: 1000, max: 10_000_000 }), default: 100_000, runtime: true }),
  codeAttemptsPerHour: setting({ kind: count({ min: 1, max: 100 }), default: 5, runtime: true }),
  inboxCodeAttemptsPerHour: setting({ kind: count({ min: 1, max: 1000 }), default: 20, runtime: true }),
  ipCodeAttemptsPerHour: setting({ kind: count({ min: 1, max: 100_000 }), default: 20, runtime: true }),
  allowedEmailDomains: setting({ kind: domains(), default: [], runtime: true }),
  beforeSignInTimeout: setting({ kind: seconds(RANGES.beforeSignInTimeout), default: 2, runtime: true }),
  beforeSignInOnError: setting({ kind: oneOf(['refuse', 'allow'] as const, "'refuse' | 'allow'"), default: 'refuse', runtime: true }),
  docsBaseUrl: setting({ kind: httpsUrl({ trimTrailingSlash: true }), default: 'https://docs.asterwise.com', runtime: true }),
  tableRemovalPolicy: setting({ kind: oneOf(['retain', 'destroy'] as const, 'RemovalPolicy'), default: 'retain', runtime: false }),
};

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<N extends SettingName> = (typeof SETTINGS)[N]['kind'] extends SettingKind<infer T> ? T : never;
export type RuntimeSettingName = { [N in SettingName]: (typeof SETTINGS)[N]['runtime'] extends true ? N : never }[SettingName];

/** The `-c` context key and config field: the name, plus `Seconds` for durations. */
export type TextName<N extends SettingName> = (typeof SETTINGS)[N]['kind'] extends { unit: 'seconds' } ? `${N}Seconds` : N;

/** The settings as the functions see them: canonical values under their text names. */
export type RuntimeSettings = { readonly [N in RuntimeSettingName as TextName<N>]: SettingValue<N> };

export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];
export const RUNTIME_SETTING_NAMES = SETTING_NAMES.filter((name) => SETTINGS[name].runtime) as RuntimeSettingName[];

/** `linkLifetime` → `linkLifetimeSeconds`; other names are their own text name. */
export function textName<N extends SettingName>(name: N): TextName<N> {
  return (SETTINGS[name].kind.unit === 'seconds' ? `${name}Seconds` : name) as TextName<N>;
}

/** `linkLifetimeSeconds` → `LINK_LIFETIME_SECONDS`. */
export function envName(name: SettingName): string {
  return textName(name)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();
}

/** Environment variables that wire the functions to the stack's resources (not settings a user chooses). */
export const RESOURCE_ENV = {
  tableName: 'TABLE_NAME',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  /** The Secrets Manager secret that keys the one-time codes' hashes. */
  codeSecretArn: 'CODE_SECRET_ARN',
  /** The current KMS signing key: the one the access tokens are signed with. */
  signingKeyArn: 'SIGNING_KEY_ARN',
  /** The KMS keys the JWKS publishes, comma-separated: the previous (when there is one), current and next. */
  publicKeyArns: 'PUBLIC_KEY_ARNS',
  /** The team's `beforeSignIn` function, when the construct is given one (request and verify only). */
  beforeSignInFunctionArn: 'BEFORE_SIGN_IN_FUNCTION_ARN',
  /** The EventBridge bus the lifecycle events go to (the events publisher only). */
  eventBusName: 'EVENT_BUS_NAME',
  /** Where the events publisher puts a table change it can never publish (the events publisher only). */
  eventsDeadLetterQueueUrl: 'EVENTS_DEAD_LETTER_QUEUE_URL',
  /** The registered OpenID Connect clients, JSON (`[{clientId, name, redirectUris, type}]`); absent when none. */
  oidcClients: 'OIDC_CLIENTS',
  /** The confidential clients' secrets, JSON (`{"<client id>": "<secret ARN>"}`): the token function only. */
  oidcClientSecretArns: 'OIDC_CLIENT_SECRET_ARNS',
  /** The team's mail templates by locale, JSON, as the construct checked them (the request function only; absent when none). */
  mailTemplates: 'MAIL_TEMPLATES',
} as const;

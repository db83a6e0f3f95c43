import { normalizeEmail } from './domain/email';
import { DEFAULTS, LIMITS } from './domain/defaults';

/** Everything the functions read from their environment, validated. */
export interface ServiceConfig {
  readonly tableName: string;
  readonly senderAddress: string;
  readonly sesConfigurationSet: string | undefined;
  readonly signInUrl: string;
  readonly corsAllowedOrigins: readonly string[];
  readonly linkTtlSeconds: number;
  readonly sessionTtlSeconds: number;
  readonly ipLimit: number;
  readonly emailLimit: number;
  readonly docsBaseUrl: string;
}

/** The environment variable names, shared with the CDK construct that sets them. */
export const ENV = {
  tableName: 'TABLE_NAME',
  senderAddress: 'SENDER_ADDRESS',
  sesConfigurationSet: 'SES_CONFIGURATION_SET',
  signInUrl: 'SIGN_IN_URL',
  corsAllowedOrigins: 'CORS_ALLOWED_ORIGINS',
  linkTtlSeconds: 'LINK_TTL_SECONDS',
  sessionTtlSeconds: 'SESSION_TTL_SECONDS',
  ipLimit: 'IP_LIMIT_PER_HOUR',
  emailLimit: 'EMAIL_LIMIT_PER_HOUR',
  docsBaseUrl: 'DOCS_BASE_URL',
} as const;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, 'is required but not set');
  return value;
}

function integer(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < range.min || value > range.max) {
    throw new ConfigError(name, `must be between ${range.min} and ${range.max}, got ${value}`);
  }
  return value;
}

/** True for https URLs, and for http on loopback (local development against an emulator). */
export function isAcceptableUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function url(name: string, value: string, { allowPath }: { allowPath: boolean }): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be an absolute URL, got "${value}"`);
  }
  if (!isAcceptableUrl(parsed)) throw new ConfigError(name, 'must use https (http is accepted only for localhost)');
  if (parsed.hash || value.includes('#')) throw new ConfigError(name, 'must not contain a fragment (#)');
  if (!allowPath && parsed.pathname !== '/') throw new ConfigError(name, `must be an origin without a path, got "${value}"`);
  return parsed;
}

/** Reads and validates the configuration; throws `ConfigError` naming the first bad variable. */
export function parseConfig(env: Env): ServiceConfig {
  const sender = normalizeEmail(required(env, ENV.senderAddress));
  if (!sender.ok) throw new ConfigError(ENV.senderAddress, `${sender.issue}`);
  const signInUrl = url(ENV.signInUrl, required(env, ENV.signInUrl), { allowPath: true });
  const origins = (env[ENV.corsAllowedOrigins] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map((origin) => {
      if (origin === '*') throw new ConfigError(ENV.corsAllowedOrigins, 'must list origins, not "*"');
      return url(ENV.corsAllowedOrigins, origin, { allowPath: false }).origin;
    });
  const docsBaseUrl = url(ENV.docsBaseUrl, env[ENV.docsBaseUrl]?.trim() || DEFAULTS.docsBaseUrl, {
    allowPath: true,
  });
  return {
    tableName: required(env, ENV.tableName),
    senderAddress: sender.email,
    sesConfigurationSet: env[ENV.sesConfigurationSet]?.trim() || undefined,
    signInUrl: signInUrl.href,
    corsAllowedOrigins: origins.length > 0 ? origins : [signInUrl.origin],
    linkTtlSeconds: integer(env, ENV.linkTtlSeconds, DEFAULTS.linkTtlSeconds, LIMITS.linkTtlSeconds),
    sessionTtlSeconds: integer(env, ENV.sessionTtlSeconds, DEFAULTS.sessionTtlSeconds, LIMITS.sessionTtlSeconds),
    ipLimit: integer(env, ENV.ipLimit, DEFAULTS.ipLimitPerHour, LIMITS.perHourLimit),
    emailLimit: integer(env, ENV.emailLimit, DEFAULTS.emailLimitPerHour, LIMITS.perHourLimit),
    docsBaseUrl: docsBaseUrl.href.replace(/\/+$/, ''),
  };
}

export type ConfigResult = { readonly ok: true; readonly config: ServiceConfig } | { readonly ok: false; readonly error: ConfigError };

/** Parses once per container, at init; an invalid configuration is reported on the first invocation. */
export function loadConfig(env: Env = process.env): ConfigResult {
  try {
    return { ok: true, config: parseConfig(env) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, error };
    throw error;
  }
}

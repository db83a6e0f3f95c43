import { RESOURCE_ENV, RUNTIME_SETTING_NAMES, envName, textName, type RuntimeSettings } from './settings';
import { resolveSettingValues } from './settings-resolver';
import type { MailTemplates } from './domain/mail-templates';
import type { OidcClient } from './domain/oidc';

/**
 * Everything the functions read from their environment, validated: the settings of `settings.ts`
 * under their text names (`linkLifetimeSeconds`, `ipLimitPerHour`, ...), plus the stack's resources.
 */
export type ServiceConfig = RuntimeSettings & {
  readonly tableName: string;
  readonly sesConfigurationSet: string | undefined;
  readonly codeSecretArn: string;
  readonly signingKeyArn: string;
  readonly publicKeyArns: readonly string[];
  /** The team's `beforeSignIn` function; absent when none is configured (or in functions that do not ask it). */
  readonly beforeSignInFunctionArn: string | undefined;
  /** The registered OpenID Connect clients (none unless the construct registers some). */
  readonly oidcClients: readonly OidcClient[];
  /** The confidential clients' secret ARNs, by client id (the token function only). */
  readonly oidcClientSecretArns: Readonly<Record<string, string>>;
  /** The team's mail templates by locale (none unless the construct is given some; the request function only). */
  readonly mailTemplates: MailTemplates;
};

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

const NOT_SET = 'is required but not set';

/** Reads and validates the configuration; throws `ConfigError` naming the first bad variable. */
export function parseConfig(env: Env): ServiceConfig {
  const text = (name: string) => env[name]?.trim() || undefined;
  const resource = (name: string) => {
    const value = text(name);
    if (value === undefined) throw new ConfigError(name, NOT_SET);
    return value;
  };
  const tableName = resource(RESOURCE_ENV.tableName);
  const codeSecretArn = resource(RESOURCE_ENV.codeSecretArn);
  const signingKeyArn = resource(RESOURCE_ENV.signingKeyArn);
  const publicKeyArns = resource(RESOURCE_ENV.publicKeyArns).split(',').map((arn) => arn.trim()).filter(Boolean);

  const resolved = resolveSettingValues(RUNTIME_SETTING_NAMES, (name) => text(envName(name)), { check: (kind, raw) => kind.fromText(raw as string) });
  if (!resolved.ok) throw new ConfigError(envName(resolved.name), resolved.missing ? NOT_SET : resolved.problem);
  const values = Object.fromEntries(RUNTIME_SETTING_NAMES.map((name) => [textName(name), resolved.values[name]]));
  // Written by the construct from what it checked at synth (checkOidcClients, checkMailTemplates): read, not checked again.
  const json = (name: string, empty: string): unknown => {
    try {
      return JSON.parse(text(name) ?? empty) as unknown;
    } catch {
      throw new ConfigError(name, 'must be JSON');
    }
  };
  return {
    ...(values as RuntimeSettings),
    tableName,
    sesConfigurationSet: text(RESOURCE_ENV.sesConfigurationSet),
    codeSecretArn,
    signingKeyArn,
    publicKeyArns,
    beforeSignInFunctionArn: text(RESOURCE_ENV.beforeSignInFunctionArn),
    oidcClients: json(RESOURCE_ENV.oidcClients, '[]') as OidcClient[],
    oidcClientSecretArns: json(RESOURCE_ENV.oidcClientSecretArns, '{}') as Record<string, string>,
    mailTemplates: json(RESOURCE_ENV.mailTemplates, '{}') as MailTemplates,
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

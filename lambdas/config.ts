import {
  RESOURCE_ENV,
  RUNTIME_SETTING_NAMES,
  SETTINGS,
  envName,
  textName,
  type RuntimeSettings,
  type SettingSpec,
} from './settings';

/**
 * Everything the functions read from their environment, validated: the settings of `settings.ts`
 * under their text names (`linkLifetimeSeconds`, `ipLimitPerHour`, ...), plus the stack's resources.
 */
export type ServiceConfig = RuntimeSettings & {
  readonly tableName: string;
  readonly sesConfigurationSet: string | undefined;
  readonly codeSecretArn: string;
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

/** Reads and validates the configuration; throws `ConfigError` naming the first bad variable. */
export function parseConfig(env: Env): ServiceConfig {
  const text = (name: string) => env[name]?.trim() || undefined;
  const resource = (name: string) => {
    const value = text(name);
    if (value === undefined) throw new ConfigError(name, 'is required but not set');
    return value;
  };
  const tableName = resource(RESOURCE_ENV.tableName);
  const codeSecretArn = resource(RESOURCE_ENV.codeSecretArn);

  const values: Record<string, unknown> = {};
  // signInUrl comes before the settings whose default derives from it (the declaration order).
  for (const name of RUNTIME_SETTING_NAMES) {
    const spec = SETTINGS[name] as SettingSpec<unknown>;
    const variable = envName(name);
    const raw = text(variable);
    let value: unknown;
    if (raw !== undefined) {
      const checked = spec.kind.fromText(raw);
      if (!checked.ok) throw new ConfigError(variable, checked.problem);
      value = checked.value;
    } else if (spec.derivedDefault) {
      value = spec.derivedDefault(values as { signInUrl: string });
    } else if (spec.default !== undefined) {
      value = spec.default;
    } else {
      throw new ConfigError(variable, 'is required but not set');
    }
    values[textName(name)] = value;
  }
  return {
    ...(values as RuntimeSettings),
    tableName,
    sesConfigurationSet: text(RESOURCE_ENV.sesConfigurationSet),
    codeSecretArn,
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

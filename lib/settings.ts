import { Duration, Fn, Token, Tokenization, type RemovalPolicy } from 'aws-cdk-lib';
import { RUNTIME_SETTING_NAMES, SETTINGS, SETTING_NAMES, envName, isRequired, textName, type DeploymentFacts, type SettingKind, type SettingName, type SettingSpec, type SettingValue } from '../lambdas/settings';
import { checkBrand } from '../lambdas/domain/brand';
import { resolveSettingValues } from '../lambdas/settings-resolver';
import type { MagicLinkAuthSettings } from './settings-props.generated';

/** A setting as the construct resolved it: a checked literal, or a Token left for deploy time. */
type Resolved = { readonly [N in SettingName]: SettingValue<N> };

export interface ResolvedSettings {
  /** Checked values; a Token-valued setting keeps its Token (strings and numbers stay encoded). */
  readonly values: Resolved;
  /** The functions' environment: every runtime setting present as text, under its variable name. */
  readonly environment: Record<string, string>;
}

const isDuration = (value: unknown): value is Duration => typeof (value as Duration | undefined)?.toSeconds === 'function';

/** True when any part of a value is only known at deploy time (an SSM parameter, another stack's output). */
function unresolved(value: unknown): boolean {
  if (Array.isArray(value)) return Token.isUnresolved(value) || value.some((item) => Token.isUnresolved(item));
  return Token.isUnresolved(value);
}

/** A value known only at deploy time, as text: its Tokens stay encoded. */
function tokenText(value: unknown): string {
  if (typeof value === 'number') return Tokenization.stringifyNumber(value);
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** The brand's whole check (contrast, URLs, address), which the functions leave to synth; its canonical form. */
function brandAtSynth(value: unknown): { ok: true; value: unknown } | { ok: false; problem: string } {
  const checked = checkBrand(value);
  return checked.ok ? { ok: true, value: checked.brand } : { ok: false, problem: checked.issue };
}

/**
 * Applies the defaults and checks every prop against `lambdas/settings.ts`. A bad literal fails synth
 * and names the prop; an unresolved Token is passed through and checked by the functions at start.
 */
export function resolveSettings(props: MagicLinkAuthSettings, facts: DeploymentFacts, owner = 'MagicLinkAuth'): ResolvedSettings {
  const resolved = resolveSettingValues(
    SETTING_NAMES,
    (name) => {
      const raw: unknown = props[name];
      return isDuration(raw) ? raw.toSeconds({ integral: false }) : raw;
    },
    {
      check: (kind, value) => (unresolved(value) ? { ok: true, value } : kind === SETTINGS.brand.kind ? brandAtSynth(value) : kind.check(value)),
      deployment: { ...facts, originOf },
    },
  );
  if (!resolved.ok) throw new Error(`${owner}: ${resolved.name} ${resolved.problem}`);
  const environment: Record<string, string> = {};
  for (const name of RUNTIME_SETTING_NAMES) {
    const value = resolved.values[name];
    if (value !== undefined) environment[envName(name)] = unresolved(value) ? tokenText(value) : (SETTINGS[name].kind as SettingKind<unknown>).toText(value);
  }
  return { values: resolved.values as Resolved, environment };
}

/**
 * `scheme://host[:port]` of a URL: read at synth from a literal, or worked out at deploy time by
 * CloudFormation's functions from a Token (an SSM parameter, another stack's output).
 */
export function originOf(url: string): string {
  if (!Token.isUnresolved(url)) return new URL(url).origin;
  const [scheme, rest] = [Fn.select(0, Fn.split('//', url)), Fn.select(1, Fn.split('//', url))];
  return Fn.join('', [scheme, '//', Fn.select(0, Fn.split('/', rest))]);
}

/**
 * Reads the settings from CDK context (`cdk.json`, or `-c key=value`): each setting under its text
 * name (`linkLifetimeSeconds`, `emailLimitPerHour`, ...). Unset values keep the construct's defaults.
 */
export function settingsFromContext(node: { tryGetContext(key: string): unknown }): MagicLinkAuthSettings {
  const props: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const name of SETTING_NAMES) {
    const spec = SETTINGS[name] as SettingSpec<unknown>;
    const key = textName(name);
    const raw = node.tryGetContext(key);
    props[name] = undefined;
    if (raw === undefined || raw === null || raw === '') {
      if (isRequired(spec)) missing.push(key);
      continue;
    }
    const checked = spec.kind.fromText(String(raw));
    if (!checked.ok) throw new Error(`context ${key} ${checked.problem}`);
    props[name] = spec.kind.unit === 'seconds' ? Duration.seconds(checked.value as number) : checked.value;
  }
  if (missing.length > 0) throw new Error(`set the ${missing.join(' and ')} context values (cdk.json or -c key=value)`);
  return props as unknown as MagicLinkAuthSettings;
}

/** The removal policy a `tableRemovalPolicy` setting stands for (its values are RemovalPolicy's own). */
export function removalPolicy(value: Resolved['tableRemovalPolicy']): RemovalPolicy {
  return value as RemovalPolicy;
}

/**
 * The one place a setting gets its value, for the construct (from its props) and the functions (from
 * their environment) alike; each caller only adapts its input and output. No AWS SDK and no CDK
 * imports: the functions bundle this file.
 */
import { SETTINGS, type Checked, type Deployment, type SettingKind, type SettingName, type SettingSpec, type SettingValue } from './settings';

export interface ResolveOptions {
  /** Checks a value given for a setting and returns its canonical form: parses text, or checks a prop. */
  readonly check: (kind: SettingKind<unknown>, given: unknown) => Checked<unknown>;
  /** Where the settings are deployed, for the defaults that come from it; the functions do not know it. */
  readonly deployment?: Deployment;
}

export type Resolution<N extends SettingName> =
  | { readonly ok: true; readonly values: { readonly [K in N]?: SettingValue<K> } }
  /** The first setting that has no value (`missing`) or a bad one (`problem`, to follow its name). */
  | { readonly ok: false; readonly name: N; readonly missing: boolean; readonly problem: string };

/**
 * Resolves `names` in declaration order. Each setting takes the value given for it, checked; else its
 * deployment default, when the deployment is known; else its default; and is missing otherwise.
 */
export function resolveSettingValues<N extends SettingName>(names: readonly N[], given: (name: N) => unknown, options: ResolveOptions): Resolution<N> {
  const values: Record<string, unknown> = {};
  for (const name of names) {
    const spec = SETTINGS[name] as SettingSpec<unknown>;
    const raw = given(name);
    if (raw !== undefined) {
      const checked = options.check(spec.kind, raw);
      if (!checked.ok) return { ok: false, name, missing: false, problem: checked.problem };
      values[name] = checked.value;
    } else if (spec.deploymentDefault && options.deployment) {
      values[name] = spec.deploymentDefault(options.deployment, values as { signInUrl: string });
    } else if (spec.default !== undefined) {
      values[name] = spec.default;
    } else {
      return { ok: false, name, missing: true, problem: 'is required' };
    }
  }
  return { ok: true, values: values as { [K in N]?: SettingValue<K> } };
}

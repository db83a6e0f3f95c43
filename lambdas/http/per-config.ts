import type { ServiceConfig } from '../config';

/**
 * Builds something from the configuration once per container (so SDK clients keep their connections
 * warm), and again only when handed another configuration (tests do). The one cache the composition
 * and the handlers share.
 */
export function perConfig<T, Rest extends unknown[] = []>(build: (config: ServiceConfig, ...rest: Rest) => T): (config: ServiceConfig, ...rest: Rest) => T {
  let cached: { config: ServiceConfig; value: T } | undefined;
  // `rest` is what a caller always passes the same (a module loader): built with the first one.
  return (config, ...rest) => {
    if (cached?.config !== config) cached = { config, value: build(config, ...rest) };
    return cached.value;
  };
}

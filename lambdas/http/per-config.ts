import type { ServiceConfig } from '../config';

/**
 * Builds something from the configuration once per container (so SDK clients keep their connections
 * warm), and again only when handed another configuration (tests do). The one cache the composition
 * and the handlers share.
 */
export function perConfig<T>(build: (config: ServiceConfig) => T): (config: ServiceConfig) => T {
  let cached: { config: ServiceConfig; value: T } | undefined;
  return (config) => {
    if (cached?.config !== config) cached = { config, value: build(config) };
    return cached.value;
  };
}

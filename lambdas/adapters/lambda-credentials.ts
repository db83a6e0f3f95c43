import { fromEnv } from '@aws-sdk/credential-provider-env';
import { memoize } from '@smithy/core/config';

type Credentials = Awaited<ReturnType<ReturnType<typeof fromEnv>>>;

/** Refreshed five minutes before they expire, as the default chain does; Lambda's usually carry no expiry. */
const REFRESH_BEFORE_MS = 5 * 60 * 1000;

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the functions' bundles (an esbuild alias, see
 * scripts/build/bundles.ts). Lambda hands a function its role's credentials in environment variables,
 * so the default chain's other sources (SSO, INI files, process, IMDS, web identity, each with nested
 * clients) are dead code there, and loading them costs every cold start.
 *
 * Memoized like the chain it replaces: the SDK asks for credentials on every request and does not
 * cache them itself, so a bare `fromEnv` would read the environment each time.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) =>
  memoize(
    fromEnv(init),
    (credentials: Credentials) => credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < REFRESH_BEFORE_MS,
    (credentials: Credentials) => credentials.expiration !== undefined,
  );

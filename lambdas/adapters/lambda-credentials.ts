import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the functions' bundles (an esbuild alias, see
 * scripts/build/bundles.ts). Lambda hands a function its role's credentials in environment variables,
 * so the default chain's other sources (SSO, INI files, process, IMDS, web identity, each with nested
 * clients: about 85 KB) are dead code there, and loading them costs every cold start.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);

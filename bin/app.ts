#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import type { OidcClient } from '../lib/magic-link-auth';
import { MagicLinkAuthStack, propsFromContext } from '../lib/magic-link-auth-stack';

// The repository's app deploys this clone's code: cdk.json's `build` step (`npm run bundle`) writes
// the bundles before the CLI runs this file (unchanged bundles keep their asset hashes).
/** `-c signingKeyGeneration=2` rotates the access tokens' signing key (docs/api.md, "The signing key"). */
function generation(raw: unknown): number | undefined {
  return raw === undefined || raw === '' ? undefined : Number(raw);
}

/** `-c oidcClients='[{"clientId": ..., "name": ..., "redirectUris": [...], "type": "public"}]'`: the OpenID Connect clients. */
function oidcClients(raw: unknown): OidcClient[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (Array.isArray(raw)) return raw as OidcClient[];
  try {
    return JSON.parse(String(raw)) as OidcClient[];
  } catch {
    throw new Error('-c oidcClients must be a JSON array of clients ({clientId, name, redirectUris, type})');
  }
}

function main(): void {
  const app = new App();
  new MagicLinkAuthStack(app, app.node.tryGetContext('stackName') ?? 'MagicLinkAuth', {
    auth: {
      ...propsFromContext(app.node),
      signingKeyGeneration: generation(app.node.tryGetContext('signingKeyGeneration')),
      oidcClients: oidcClients(app.node.tryGetContext('oidcClients')),
    },
    emailIdentityName: app.node.tryGetContext('emailIdentityName') || undefined,
    configurationSetName: app.node.tryGetContext('configurationSetName') || undefined,
    beforeSignInFunctionArn: app.node.tryGetContext('beforeSignInFunctionArn') || undefined,
    eventBusName: app.node.tryGetContext('eventBusName') || undefined,
    eventQueue: app.node.tryGetContext('eventQueue') === true || app.node.tryGetContext('eventQueue') === 'true',
    // Deploys to the account and region of the caller's credentials (environment-agnostic synth).
    description: 'Passwordless magic-link sign-in (API Gateway HTTP API, Lambda, DynamoDB, SES v2)',
  });
  app.synth();
}

main();

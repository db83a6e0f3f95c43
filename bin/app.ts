#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { MagicLinkAuthStack, propsFromContext } from '../lib/magic-link-auth-stack';
import { buildBundles } from '../scripts/build/bundles';

async function main(): Promise<void> {
  // The repository's app deploys this clone's code: bundle it first (unchanged bundles are left as
  // they are, so their asset hashes, and the deployed functions, stay the same).
  await buildBundles();

  const app = new App();
  new MagicLinkAuthStack(app, app.node.tryGetContext('stackName') ?? 'MagicLinkAuth', {
    auth: propsFromContext(app.node),
    emailIdentityName: app.node.tryGetContext('emailIdentityName') || undefined,
    configurationSetName: app.node.tryGetContext('configurationSetName') || undefined,
    // Deploys to the account and region of the caller's credentials (environment-agnostic synth).
    description: 'Passwordless magic-link sign-in (API Gateway HTTP API, Lambda, DynamoDB, SES v2)',
  });
  app.synth();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

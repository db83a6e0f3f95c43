#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
// In your own app: from 'magic-link-auth'.
import { MagicLinkAuth } from '../../lib';
import { ProtectedApiStack } from './protected-api-stack';

/**
 * Deploys the protected API next to a sign-in service that is already deployed, named by its stack's
 * outputs: `cdk deploy -c issuer=<Issuer> -c audience=<Audience>`.
 */
const app = new App();
const issuer = app.node.tryGetContext('issuer') as string | undefined;
if (!issuer) throw new Error('Set -c issuer=<the sign-in stack\'s Issuer output> (and -c audience=<its Audience output> if not the default).');
new ProtectedApiStack(app, app.node.tryGetContext('stackName') ?? 'ProtectedApi', {
  tokens: MagicLinkAuth.fromIssuer({ issuer, audience: app.node.tryGetContext('audience') || undefined }),
});
app.synth();

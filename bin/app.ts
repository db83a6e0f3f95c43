#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { MagicLinkAuthStack, propsFromContext } from '../lib/magic-link-auth-stack';

const app = new App();
new MagicLinkAuthStack(app, app.node.tryGetContext('stackName') ?? 'MagicLinkAuth', {
  auth: propsFromContext(app.node),
  emailIdentityName: app.node.tryGetContext('emailIdentityName') || undefined,
  // Deploys to the account and region of the caller's credentials (environment-agnostic synth).
  description: 'Passwordless magic-link sign-in (API Gateway HTTP API, Lambda, DynamoDB, SES v2)',
});
app.synth();

import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { MagicLinkAuth } from '../../lib/magic-link-auth';

/**
 * The API page's adopter configurations of the OpenID Connect provider, synthesized as docs/api.md
 * writes them (its ```ts alb and ```ts cognito blocks): an Application Load Balancer's
 * `authenticate-oidc` action and a Cognito user pool's OIDC identity provider, each a confidential
 * client of the service. Neither may put the client secret in the template as text.
 */
const API_PAGE = readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'api.md'), 'utf8');

function block(name: string): string {
  const match = new RegExp(`^\`\`\`ts ${name}\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(API_PAGE);
  if (!match) throw new Error(`docs/api.md has no \`\`\`ts ${name} block`);
  return ts.transpileModule(match[1]!, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
}

/** Runs a documented block as an adopter's stack constructor would, with what it names in scope. */
function run(code: string, stack: Stack, scope: Record<string, unknown>): void {
  new Function(...Object.keys(scope), code).call(stack, ...Object.values(scope));
}

function adopter() {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Adopter');
  const auth = new MagicLinkAuth(stack, 'Auth', {
    senderAddress: 'no-reply@example.com', appName: 'Example App',
    issuer: 'https://auth.example.com',
    oidcClients: [
      { clientId: 'alb', name: 'Internal tools', type: 'confidential', redirectUris: ['https://tools.example.com/oauth2/idpresponse'] },
      { clientId: 'cognito', name: 'Example app', type: 'confidential', redirectUris: ['https://example-app.auth.eu-west-1.amazoncognito.com/oauth2/idpresponse'] },
      { clientId: 'spa', name: 'Example SPA', type: 'public', redirectUris: ['https://app.example.com/callback'] },
    ],
  });
  return { stack, auth };
}

describe("adopters of the OpenID Connect provider, as docs/api.md configures them", () => {
  it('an Application Load Balancer authenticates every request with authenticate-oidc, the secret by reference', () => {
    const { stack, auth } = adopter();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Tools', { vpc, port: 80, targetType: elbv2.TargetType.IP });
    const listener = alb.addListener('Https', { port: 443, certificates: [elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:123456789012:certificate/abc')], defaultAction: elbv2.ListenerAction.fixedResponse(403) });
    run(block('alb'), stack, { auth, listener, targetGroup, elbv2 });
    const rule = Object.values(Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::ListenerRule'))[0]!;
    const oidc = rule.Properties.Actions[0].AuthenticateOidcConfig;
    expect(oidc).toMatchObject({
      Issuer: 'https://auth.example.com',
      AuthorizationEndpoint: 'https://auth.example.com/oauth2/authorize',
      TokenEndpoint: 'https://auth.example.com/oauth2/token',
      UserInfoEndpoint: 'https://auth.example.com/oauth2/userinfo',
      ClientId: 'alb',
      Scope: 'openid email',
    });
    expect(JSON.stringify(oidc.ClientSecret)).toMatch(/resolve:secretsmanager/);
  });

  it('a Cognito user pool federates to the service as an OIDC identity provider, the secret by reference', () => {
    const { stack, auth } = adopter();
    const userPool = new cognito.UserPool(stack, 'Users');
    run(block('cognito'), stack, { auth, userPool, cognito });
    const provider = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPoolIdentityProvider'))[0]!.Properties;
    expect(provider).toMatchObject({ ProviderType: 'OIDC', ProviderName: 'MagicLink' });
    expect(provider.ProviderDetails).toMatchObject({
      client_id: 'cognito',
      oidc_issuer: 'https://auth.example.com',
      authorize_scopes: 'openid email',
      attributes_request_method: 'GET',
      authorize_url: 'https://auth.example.com/oauth2/authorize',
      token_url: 'https://auth.example.com/oauth2/token',
      attributes_url: 'https://auth.example.com/oauth2/userinfo',
      jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
    });
    expect(JSON.stringify(provider.ProviderDetails.client_secret)).toMatch(/resolve:secretsmanager/);
  });

  it('keeps every client secret out of the template as text, and gives none to a public client', () => {
    const { stack, auth } = adopter();
    const template = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(template).not.toMatch(/"SecretString"\s*:/);
    expect(() => auth.oidcClientSecret('spa')).toThrow();
    expect(() => auth.oidcClientSecret('nobody')).toThrow();
  });
});

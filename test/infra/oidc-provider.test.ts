import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MagicLinkAuthStack } from '../../lib/magic-link-auth-stack';
import type { MagicLinkAuthProps, OidcClient } from '../../lib/magic-link-auth';
import { RESOURCE_ENV } from '../../lambdas/settings';

const required: MagicLinkAuthProps = { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl: 'https://app.example.com/sign-in', issuer: 'https://auth.example.com' };
const CLIENTS: readonly OidcClient[] = [
  { clientId: 'spa', name: 'The SPA', redirectUris: ['https://app.example.com/callback', 'http://127.0.0.1:8080/cb'], type: 'public' },
  { clientId: 'alb.web', name: 'Load balancer', redirectUris: ['https://web.example.com/oauth2/idpresponse'], type: 'confidential' },
];

function synth(props: Partial<MagicLinkAuthProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MagicLinkAuthStack(app, 'Test', { auth: { ...required, ...props } });
  return { stack, template: Template.fromStack(stack) };
}

const { stack, template } = synth({ oidcClients: CLIENTS });
const functions = template.findResources('AWS::Lambda::Function');
const functionOf = (name: string) => Object.entries(functions).find(([id]) => id.startsWith(`MagicLinkAuth${name}`))!;

/** The IAM statements of a function's role. */
function statementsOf(name: string): Record<string, unknown>[] {
  const roleRef = (functionOf(name)[1].Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('MagicLinkAuth as an OpenID Connect provider', () => {
  it('generates one secret per confidential client: 64 letters and digits, in Secrets Manager, never in the template or outputs', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2); // the code secret and the one confidential client's
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: 'magic-link-auth: the OpenID Connect client secret of alb.web',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    const secretArn = stack.resolve(stack.auth.oidcClientSecret('alb.web').secretArn);
    const outputs = template.findOutputs('*');
    expect(Object.values(outputs).map((output) => output.Value)).toContainEqual(secretArn);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"SecretString"/);
  });

  it('oidcClientSecret throws for a public or unknown client', () => {
    expect(() => stack.auth.oidcClientSecret('spa')).toThrow(/not a confidential client/);
    expect(() => stack.auth.oidcClientSecret('nobody')).toThrow(/not a confidential client/);
  });

  it('only the token function reads the client secrets, and only it is told where they are', () => {
    const secretRef = stack.resolve(stack.auth.oidcClientSecret('alb.web').secretArn);
    const readers = Object.keys(functions)
      .filter((id) => !id.includes('Logs'))
      .filter((id) => {
        const name = id.replace(/^MagicLinkAuth/, '').replace(/Function.*$/, '');
        return JSON.stringify(statementsOf(name)).includes(JSON.stringify(secretRef));
      });
    expect(readers).toEqual([expect.stringMatching(/^MagicLinkAuthOauthToken/)]);
    for (const [id, fn] of Object.entries(functions)) {
      const env = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
      expect([id, RESOURCE_ENV.oidcClientSecretArns in env]).toEqual([id, id.startsWith('MagicLinkAuthOauthToken')]);
    }
  });

  it('hands the registry to the functions, normalized', () => {
    const [, token] = functionOf('OauthToken');
    const registry = JSON.parse(token.Properties.Environment.Variables[RESOURCE_ENV.oidcClients] as string);
    expect(registry).toEqual([
      { clientId: 'spa', name: 'The SPA', redirectUris: ['https://app.example.com/callback', 'http://127.0.0.1:8080/cb'], type: 'public' },
      { clientId: 'alb.web', name: 'Load balancer', redirectUris: ['https://web.example.com/oauth2/idpresponse'], type: 'confidential' },
    ]);
  });

  it('the token function signs with the current key, and touches only codes, refresh families, sessions (read) and counters', () => {
    const statements = statementsOf('OauthToken');
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Sign' }));
    const prefixes = statements.flatMap((statement) => (statement as { Condition?: { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys': string[] } } }).Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []);
    expect([...new Set(prefixes)].sort()).toEqual(['authcode#*', 'refresh#*', 'rl#*', 'signin#*']);
    // The verify function may create codes, and nothing else of the provider's.
    const verify = statementsOf('Verify').filter((statement) => JSON.stringify(statement).includes('authcode#'));
    expect(verify).toEqual([expect.objectContaining({ Action: 'dynamodb:PutItem' })]);
  });

  it('names its endpoints under the issuer', () => {
    expect(stack.auth.oidcEndpoints).toEqual({
      authorization: 'https://auth.example.com/oauth2/authorize',
      token: 'https://auth.example.com/oauth2/token',
      userInfo: 'https://auth.example.com/oauth2/userinfo',
      jwks: 'https://auth.example.com/.well-known/jwks.json',
    });
  });

  it('throttles the new routes on their own', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: Match.objectLike({
        'GET /oauth2/authorize': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        'POST /oauth2/token': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        'GET /oauth2/userinfo': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      }),
    });
  });

  it.each([
    ['a client id with a space', [{ ...CLIENTS[0]!, clientId: 'my app' }], /clientId/],
    ['a client registered twice', [CLIENTS[0]!, CLIENTS[0]!], /registered twice/],
    ['an http redirect URI off loopback', [{ ...CLIENTS[0]!, redirectUris: ['http://app.example.com/cb'] }], /redirect URI/],
    ['a redirect URI with a fragment', [{ ...CLIENTS[0]!, redirectUris: ['https://app.example.com/cb#x'] }], /redirect URI/],
    ['no redirect URI', [{ ...CLIENTS[0]!, redirectUris: [] }], /at least one/],
    ['another type', [{ ...CLIENTS[0]!, type: 'implicit' as never }], /type/],
  ])('refuses %s at synth', (_case, clients, problem) => {
    expect(() => synth({ oidcClients: clients })).toThrow(problem);
  });

  it('without clients: no client secret, no registry in any function', () => {
    const { template: plain } = synth();
    plain.resourceCountIs('AWS::SecretsManager::Secret', 1);
    for (const fn of Object.values(plain.findResources('AWS::Lambda::Function'))) {
      expect(Object.keys(fn.Properties.Environment?.Variables ?? {})).not.toContain(RESOURCE_ENV.oidcClients);
    }
  });
});

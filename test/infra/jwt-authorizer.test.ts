import { App, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { MagicLinkAuth } from '../../lib/magic-link-auth';
import { MagicLinkAuthStack } from '../../lib/magic-link-auth-stack';

/** A consumer's stack: the service, and an API of its own with one route behind the service's authorizer. */
function consumer(props: { issuer?: string; audience?: string } = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Consumer');
  const auth = new MagicLinkAuth(stack, 'Auth', { senderAddress: 'no-reply@example.com', appName: 'Example App', ...props });
  const api = new apigwv2.HttpApi(stack, 'AppApi');
  const fn = new lambda.Function(stack, 'Me', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
  api.addRoutes({ path: '/me', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Me', fn), authorizer: auth.jwtAuthorizer() });
  return { auth, stack, template: Template.fromStack(stack) };
}

describe('protecting your own routes with the access tokens', () => {
  it('gives a JWT authorizer set to the issuer and audience, and the URLs a backend that is not API Gateway needs', () => {
    const { auth, stack, template } = consumer({ issuer: 'https://auth.example.com', audience: 'my-app' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://auth.example.com', Audience: ['my-app'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /me', AuthorizationType: 'JWT' });
    expect([auth.issuer, auth.audience, stack.resolve(auth.jwksUrl)]).toEqual(['https://auth.example.com', 'my-app', 'https://auth.example.com/.well-known/jwks.json']);
  });

  it('defaults the issuer to the service API\'s URL and the audience to magic-link-auth', () => {
    const { auth, stack, template } = consumer();
    const [authorizer] = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer!.Properties.JwtConfiguration.Audience).toEqual(['magic-link-auth']);
    expect(authorizer!.Properties.JwtConfiguration.Issuer).toEqual(stack.resolve(auth.api.apiEndpoint));
  });

  it('protects routes of another stack or app by a deployed service\'s issuer alone (fromIssuer), checked as the service checks its own', () => {
    const stack = new Stack(new App(), 'Elsewhere');
    const tokens = MagicLinkAuth.fromIssuer({ issuer: 'https://auth.example.com/', audience: 'my-app' });
    const api = new apigwv2.HttpApi(stack, 'AppApi');
    const fn = new lambda.Function(stack, 'Me', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
    api.addRoutes({ path: '/me', methods: [apigwv2.HttpMethod.GET], integration: new HttpLambdaIntegration('Me', fn), authorizer: tokens.jwtAuthorizer() });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { JwtConfiguration: { Issuer: 'https://auth.example.com', Audience: ['my-app'] } });
    expect([tokens.issuer, tokens.audience, tokens.jwksUrl]).toEqual(['https://auth.example.com', 'my-app', 'https://auth.example.com/.well-known/jwks.json']);
    expect(MagicLinkAuth.fromIssuer({ issuer: 'https://auth.example.com' }).audience).toBe('magic-link-auth');
    expect(() => MagicLinkAuth.fromIssuer({ issuer: 'http://auth.example.com' })).toThrow(/^MagicLinkAuth.fromIssuer: issuer /);
    expect(() => MagicLinkAuth.fromIssuer({ issuer: 'https://auth.example.com', audience: 'two words' })).toThrow(/^MagicLinkAuth.fromIssuer: audience /);
  });

  it('the deployable stack outputs the issuer and audience another app needs', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MagicLinkAuthStack(app, 'Service', { auth: { senderAddress: 'no-reply@example.com', appName: 'Example App', audience: 'my-app' } });
    const template = Template.fromStack(stack);
    template.hasOutput('Issuer', { Value: stack.resolve(stack.auth.api.apiEndpoint) });
    template.hasOutput('Audience', { Value: 'my-app' });
  });
});

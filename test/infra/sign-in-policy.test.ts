import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MagicLinkAuthStack } from '../../lib/magic-link-auth-stack';
import type { MagicLinkAuthProps } from '../../lib/magic-link-auth';

const HOOK_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:before-sign-in';
const required: MagicLinkAuthProps = { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl: 'https://app.example.com/sign-in' };

/** Synthesizes the repository's stack without bundling, with the hook as the app's `-c beforeSignInFunctionArn` gives it. */
function synth(props: Partial<MagicLinkAuthProps> = {}, beforeSignInFunctionArn?: string): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new MagicLinkAuthStack(app, 'Test', { auth: { ...required, ...props }, ...(beforeSignInFunctionArn ? { beforeSignInFunctionArn } : {}) }));
}

/** Each function's environment and every IAM action its role may take on the hook's ARN, by the function's scope. */
function functionsOf(template: Template): Record<string, { env: Record<string, unknown>; hookActions: string[] }> {
  const functions = template.findResources('AWS::Lambda::Function');
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  return Object.fromEntries(
    Object.entries(functions).map(([id, fn]) => {
      const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
      const statements = policies
        .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
      const hookActions = statements.filter((statement) => JSON.stringify(statement.Resource).includes(HOOK_ARN)).flatMap((statement) => [statement.Action].flat());
      return [id.replace(/^MagicLinkAuth/, '').replace(/Function[0-9A-F]{8}$/, ''), { env: (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>, hookActions }];
    }),
  );
}

describe('the sign-in policy in the template', () => {
  it('lets only the request and verify functions invoke the beforeSignIn function, and only invoke it, and tells only them its ARN', () => {
    const functions = functionsOf(synth({}, HOOK_ARN));
    const hooked = Object.entries(functions).filter(([, fn]) => fn.hookActions.length > 0 || 'BEFORE_SIGN_IN_FUNCTION_ARN' in fn.env);
    expect(hooked.map(([name]) => name).sort()).toEqual(['RequestMagicLink', 'Verify']);
    for (const [, fn] of hooked) {
      expect(fn.env.BEFORE_SIGN_IN_FUNCTION_ARN).toBe(HOOK_ARN);
      expect([...new Set(fn.hookActions)]).toEqual(['lambda:InvokeFunction']);
    }
  });

  it('grants nothing on Lambda and sets no ARN without a beforeSignIn function', () => {
    const template = synth();
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('lambda:InvokeFunction');
    for (const fn of Object.values(functionsOf(template))) expect(fn.env).not.toHaveProperty('BEFORE_SIGN_IN_FUNCTION_ARN');
  });

  it('passes allowedEmailDomains (in punycode), the timeout and the failure rule to the functions', () => {
    const { RequestMagicLink, Verify } = functionsOf(synth({ allowedEmailDomains: ['Example.com', 'bücher.example'], beforeSignInTimeout: Duration.seconds(3), beforeSignInOnError: 'allow' }));
    for (const fn of [RequestMagicLink!, Verify!]) {
      expect(fn.env).toMatchObject({ ALLOWED_EMAIL_DOMAINS: 'example.com,xn--bcher-kva.example', BEFORE_SIGN_IN_TIMEOUT_SECONDS: '3', BEFORE_SIGN_IN_ON_ERROR: 'allow' });
    }
  });

  it('fails synth on a bad domain, naming the prop', () => {
    expect(() => synth({ allowedEmailDomains: ['*.example.com'] })).toThrow('MagicLinkAuth: allowedEmailDomains must list mail domains such as example.com (no @, no wildcards), got "*.example.com"');
  });
});

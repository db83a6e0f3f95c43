import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { FUNCTION_NAMES, pascal } from '../../lib/functions';
import { MagicLinkAuthStack } from '../../lib/magic-link-auth-stack';
import type { MagicLinkAuthProps } from '../../lib/magic-link-auth';

const required: MagicLinkAuthProps = { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl: 'https://app.example.com/sign-in' };

/** The template of a stack at a signing key generation (without bundling: the template is what is read). */
function synth(signingKeyGeneration?: number): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MagicLinkAuthStack(app, 'Test', { auth: { ...required, ...(signingKeyGeneration === undefined ? {} : { signingKeyGeneration }) } });
  return Template.fromStack(stack);
}

/** The signing keys a text names, as `SigningKey<generation>` (a logical ID ends in an 8-character hash). */
function generationsIn(text: string): string[] {
  return [...text.matchAll(/SigningKey(\d+?)[0-9A-F]{8}(?![0-9A-Za-z])/g)].map((match) => `SigningKey${match[1]}`).sort();
}

function keys(template: Template): string[] {
  return generationsIn(Object.keys(template.findResources('AWS::KMS::Key')).join(' '));
}

const keyOf = (template: Template, generation: number) => Object.keys(template.findResources('AWS::KMS::Key')).find((id) => id.includes(`SigningKey${generation}`))!;

/** The KMS statements of a function's role, as action and the keys' generations they name. */
function kmsAccess(template: Template, name: string): { Action: unknown; keys: string[] }[] {
  const functions = template.findResources('AWS::Lambda::Function');
  const fn = Object.keys(functions).find((id) => id.startsWith(`MagicLinkAuth${pascal(name)}Function`))!;
  const role = (functions[fn]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[])
    .filter((statement) => JSON.stringify(statement.Action).includes('kms:'))
    .map((statement) => ({ Action: statement.Action, keys: generationsIn(JSON.stringify(statement.Resource)) }));
}

/** What the functions are told: the signing key and the published keys, by generation. */
function environmentKeys(template: Template): { signing: string[]; published: string[] } {
  const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0]!;
  const env = fn.Properties.Environment.Variables as Record<string, unknown>;
  return { signing: generationsIn(JSON.stringify(env.SIGNING_KEY_ARN)), published: generationsIn(JSON.stringify(env.PUBLIC_KEY_ARNS)) };
}

describe('the access tokens\' signing keys', () => {
  it('are KMS RSA 2048 sign-and-verify keys, deleted by KMS\'s shortest schedule once out of the stack', () => {
    const template = synth();
    template.hasResource('AWS::KMS::Key', {
      Properties: { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', PendingWindowInDays: 7 },
      DeletionPolicy: 'Delete',
    });
  });

  it('at generation 1 (the default): keys 1 and 2, signing with 1', () => {
    const template = synth();
    expect(keys(template)).toEqual(['SigningKey1', 'SigningKey2']);
    expect(environmentKeys(template)).toEqual({ signing: ['SigningKey1'], published: ['SigningKey1', 'SigningKey2'] });
  });

  it('rotating to generation 2 keeps keys 1 and 2 under the same logical IDs, adds 3, and signs with 2', () => {
    const [one, two] = [synth(1), synth(2)];
    expect(keys(two)).toEqual(['SigningKey1', 'SigningKey2', 'SigningKey3']);
    expect(keyOf(two, 1)).toBe(keyOf(one, 1));
    expect(keyOf(two, 2)).toBe(keyOf(one, 2));
    expect(environmentKeys(two)).toEqual({ signing: ['SigningKey2'], published: ['SigningKey1', 'SigningKey2', 'SigningKey3'] });
  });

  it('rotating to generation 3 drops key 1, keeps 2 and 3, adds 4, and signs with 3', () => {
    const template = synth(3);
    expect(keys(template)).toEqual(['SigningKey2', 'SigningKey3', 'SigningKey4']);
    expect(environmentKeys(template)).toEqual({ signing: ['SigningKey3'], published: ['SigningKey2', 'SigningKey3', 'SigningKey4'] });
  });

  it('let verify, token and the OpenID Connect token endpoint sign with the current key only, the JWKS function read the public halves of the three, and no other function touch any', () => {
    const template = synth(3);
    for (const name of ['verify', 'token', 'oauth-token']) expect(kmsAccess(template, name)).toEqual([{ Action: 'kms:Sign', keys: ['SigningKey3'] }]);
    expect(kmsAccess(template, 'openid')).toEqual(
      ['SigningKey2', 'SigningKey3', 'SigningKey4'].map((key) => ({ Action: 'kms:GetPublicKey', keys: [key] })),
    );
    for (const name of FUNCTION_NAMES.filter((fn) => !['verify', 'token', 'oauth-token', 'openid'].includes(fn))) expect(kmsAccess(template, name)).toEqual([]);
  });

  it('refuses a generation that is not a whole number from 1', () => {
    expect(() => synth(0)).toThrow('signingKeyGeneration must be a whole number from 1');
  });
});

import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readFileSync } from 'node:fs';
import * as ts from 'typescript';
import { documentationFiles } from '../fixtures/documentation';

/**
 * The documentation's CDK examples, as an adopter pastes them into a stack of their own, pass cdk-nag's
 * AwsSolutions pack the way the README says to run it (cdk-nag 3: `Validations.of(app).addPlugins`).
 * The examples are read from the documentation itself (README.md and the pages under docs/): every
 * TypeScript block that imports aws-cdk-lib, run in order in one stack, so an example that drifts into
 * a finding fails here.
 */
/**
 * Every ```ts block of an adopter's stack (it imports aws-cdk-lib and builds in `this` or uses `auth`),
 * the one that makes `auth` first, then in document order: README, then docs/.
 */
function cdkExamples(): string[] {
  const blocks = documentationFiles().flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!),
  );
  const stackCode = blocks.filter((code) => /from 'aws-cdk-lib(\/[\w-]+)?'/.test(code) && /\bthis\b|\bauth\./.test(code));
  const makesAuth = (code: string) => code.includes('new MagicLinkAuth(this');
  return [...stackCode.filter(makesAuth), ...stackCode.filter((code) => !makesAuth(code))];
}

/** The adopter's own functions the examples name (`myFunction`, ...): least privilege, so only the examples are judged. */
function adoptersFunction(stack: Stack, id: string): lambda.Function {
  const role = new iam.Role(stack, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_LATEST, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'), role });
}

describe("the documentation's CDK examples under cdk-nag 3", () => {
  const examples = cdkExamples();

  it('finds the construct example, with an alarm topic, and the examples that use what it made', () => {
    expect(examples[0]).toContain('alarmTopic');
    expect(examples.some((code) => code.includes('auth.jwtAuthorizer()'))).toBe(true);
    expect(examples.some((code) => code.includes('auth.onEvent('))).toBe(true);
  });

  it('raise no AwsSolutions finding in an app that applies the pack as the README says', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Adopter', { env: { account: '123456789012', region: 'eu-west-1' } });
    const { outputText } = ts.transpileModule(examples.join('\n'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    // The package's name is this repository's library; everything else is the adopter's own dependency.
    const load = (id: string): unknown => (id === 'magic-link-auth' ? require('../../lib') : require(id)); // eslint-disable-line @typescript-eslint/no-require-imports
    const free = { myFunction: adoptersFunction(stack, 'MyFunction'), meFunction: adoptersFunction(stack, 'MeFunction'), welcomeMailer: adoptersFunction(stack, 'WelcomeMailer') };
    // The documentation's own code, run as an adopter's stack constructor would run it.
    new Function('require', 'exports', ...Object.keys(free), outputText).call(stack, load, {}, ...Object.values(free));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    const output: string[] = [];
    const error = jest.spyOn(console, 'error').mockImplementation((...args) => void output.push(args.join(' ')));
    const warn = jest.spyOn(console, 'warn').mockImplementation((...args) => void output.push(args.join(' ')));
    try {
      app.synth();
    } catch (failure) {
      output.push(String(failure));
    } finally {
      error.mockRestore();
      warn.mockRestore();
    }
    expect(output.join('\n').match(/AwsSolutions-\w+[^\n]*/g) ?? []).toEqual([]);
  });
});

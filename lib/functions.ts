/**
 * The construct's functions: one per route handler plus the fallback, each with its own role and log
 * group, running a prebuilt bundle.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ROUTES, type RouteHandlerName } from '../lambdas/contract/routes';

/** The function that turns the table's changes into lifecycle events: no route, no item access. */
export const EVENTS_FUNCTION = 'publish-events';

/** The construct's functions: one per route handler, the fallback for what no route matches, and the events publisher. */
export type FunctionName = RouteHandlerName | 'fallback' | typeof EVENTS_FUNCTION;

/** Every function, in the order the construct creates them (the routes', the fallback, the publisher). */
export const FUNCTION_NAMES: readonly FunctionName[] = [...new Set<FunctionName>([...ROUTES.map((route) => route.handler), 'fallback', EVENTS_FUNCTION])];

/**
 * Sizing every function shares. Only these: the handlers depend on the rest (runtime, handler,
 * environment, role) being the construct's.
 */
export interface MagicLinkAuthFunctionProps {
  /**
   * Memory in MB; Lambda gives CPU in proportion to it. More shortens a cold start's CPU-bound part,
   * and costs more per millisecond of warm requests that mostly wait on DynamoDB and SES.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * How long one invocation may run.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * The processor architecture. The bundles are plain JavaScript and run on either.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;
}

/** What one function is made with, besides its name. */
export interface FunctionOptions {
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly sizing: MagicLinkAuthFunctionProps | undefined;
  readonly reservedConcurrency: number | undefined;
}

/**
 * The package's root: the repository in development, `node_modules/<package>` once installed. The
 * functions' code is the prebuilt bundles under `dist/bundles/` (`npm run bundle`, run by `npm pack`).
 */
const PACKAGE_ROOT = (() => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`MagicLinkAuth: no package.json above ${__dirname}`);
  }
})();

function bundleCode(name: FunctionName): lambda.Code {
  const dir = path.join(PACKAGE_ROOT, 'dist', 'bundles', name);
  if (!existsSync(path.join(dir, 'index.mjs'))) {
    throw new Error(`MagicLinkAuth: the prebuilt bundle of ${name} is missing (${dir}); in a clone of the repository, run npm run bundle`);
  }
  return lambda.Code.fromAsset(dir);
}

/**
 * One function in a scope of its own, named after its handler, so its role, logs and function keep
 * their logical IDs whatever else changes in the construct.
 */
export function createFunction(parent: Construct, name: FunctionName, options: FunctionOptions): lambda.Function {
  const scope = new Construct(parent, pascal(name));
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: options.logRetention });
  // An own role instead of AWSLambdaBasicExecutionRole: it may write to this function's log group only.
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `magic-link-auth ${name} function`,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
  const fn = new lambda.Function(scope, 'Function', {
    role,
    code: bundleCode(name),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: options.sizing?.architecture ?? lambda.Architecture.ARM_64,
    memorySize: options.sizing?.memorySize ?? 256,
    ...(options.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: options.reservedConcurrency }),
    timeout: options.sizing?.timeout ?? Duration.seconds(10),
    environment: options.environment,
    logGroup,
  });
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'nodejs22.x is the runtime this service is built and tested for; moving to a newer one is a deliberate upgrade.',
  });
  return fn;
}

/** `request-magic-link` → `RequestMagicLink`: the construct ids of a function's scope and integration. */
export function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _dash, letter: string) => letter.toUpperCase());
}

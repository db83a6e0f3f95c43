import { ApiGatewayV2Client, GetApiCommand, UpdateApiCommand, type Cors } from '@aws-sdk/client-apigatewayv2';
import { DescribeTimeToLiveCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './emulator';

export interface Deployment {
  readonly stackName: string;
  readonly apiId: string;
  readonly tableName: string;
  /** Base URL of the API as a Node client reaches it through the emulator. */
  readonly apiBaseUrl: string;
  /** The access tokens' `iss` and `aud` (the stack's outputs). */
  readonly issuer: string;
  readonly audience: string;
  /** Every output of the stack (`EventQueueUrl`, `EventsDeadLetterQueueUrl`, ...). */
  readonly outputs: Readonly<Record<string, string>>;
  readonly endpoint: string;
  readonly timings: { bootstrapMs: number; deployMs: number };
}

/** Credentials and region for an emulator: it accepts any, and none of the caller's real ones leak into it. */
export function emulatorAwsEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
}

/** A DynamoDB client for the emulator's own table access (tests, TTL fix-up). Destroy it when done. */
export function emulatorDynamoClient(endpoint: string): DynamoDBClient {
  const env = emulatorAwsEnv(endpoint);
  return new DynamoDBClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
}

function cdk(args: string[], env: Record<string, string>, log: (line: string) => void, cwd = ROOT): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'cdk'), args, {
      cwd,
      env: { ...process.env, AWS_PROFILE: '', AWS_SESSION_TOKEN: '', ...env, CDK_DISABLE_VERSION_CHECK: '1', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else {
        log(output);
        reject(new Error(`cdk ${args[0]} exited with ${code}`));
      }
    });
  });
}

/** What `cdk deploy` left: the stack's outputs and its synthesized template. */
export interface CdkDeployment {
  readonly outputs: Record<string, string>;
  readonly template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  readonly timings: { bootstrapMs: number; deployMs: number };
}

/**
 * `cdk deploy` of one stack of the CDK app in `appDir` (its own `cdk.json`) into the emulator, with
 * `-c` context and stack tags. The emulator's account is bootstrapped first when `bootstrap` is set.
 */
export async function cdkDeploy(options: {
  endpoint: string;
  stackName: string;
  context: Record<string, string>;
  tags?: Record<string, string>;
  appDir?: string;
  bootstrap?: boolean;
  log: (line: string) => void;
}): Promise<CdkDeployment> {
  const env = emulatorAwsEnv(options.endpoint);
  const appDir = options.appDir ?? ROOT;
  const outDir = path.join(ROOT, '.local', `cdk.out.${options.stackName}`);
  mkdirSync(outDir, { recursive: true });
  const outputsFile = path.join(outDir, 'outputs.json');
  const context = Object.entries(options.context).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  const tags = Object.entries(options.tags ?? {}).flatMap(([key, value]) => ['--tags', `${key}=${value}`]);

  let started = Date.now();
  if (options.bootstrap) await cdk(['bootstrap', '--output', outDir, ...context], env, options.log, appDir);
  const bootstrapMs = Date.now() - started;
  started = Date.now();
  await cdk(['deploy', options.stackName, '--require-approval', 'never', '--output', outDir, '--outputs-file', outputsFile, ...context, ...tags], env, options.log, appDir);
  const deployMs = Date.now() - started;
  return {
    outputs: JSON.parse(readFileSync(outputsFile, 'utf8'))[options.stackName] as Record<string, string>,
    template: JSON.parse(readFileSync(path.join(outDir, `${options.stackName}.template.json`), 'utf8')),
    timings: { bootstrapMs, deployMs },
  };
}

/** Where a client reaches an HTTP API through the emulator's gateway (its `<apiId>.execute-api` host does not resolve: docs/local-emulator.md). */
export const gatewayUrl = (endpoint: string, apiId: string): string => `${endpoint}/_aws/execute-api/${apiId}`;

/**
 * Bootstraps the emulator's account and deploys the real stack into it with `cdk deploy`, then
 * applies what the emulator's CloudFormation leaves out (TTL, the HTTP API's CORS configuration:
 * see docs/local-emulator.md).
 *
 * Unless the context names an issuer, the access tokens' issuer is the API's own URL, as on AWS. The
 * emulator's API URL names a host that does not resolve, so the API's id is chosen here and asked for
 * with a stack tag (MiniStack's `ms-custom-id`, LocalStack's `_custom_id_`): the issuer is then the
 * gateway URL of that id, whose discovery document the emulator's JWT authorizer can fetch.
 */
export async function deployToEmulator(options: {
  endpoint: string;
  stackName: string;
  context: Record<string, string>;
  /** Run `cdk bootstrap` first (once per emulator). */
  bootstrap?: boolean;
  /** The API id an earlier deploy of this stack pinned: an update keeps it (and so its issuer). */
  apiId?: string;
  log?: (line: string) => void;
}): Promise<Deployment> {
  const log = options.log ?? (() => undefined);
  const pinnedApiId = options.context.issuer ? undefined : (options.apiId ?? randomBytes(5).toString('hex'));
  const issuer = options.context.issuer ?? gatewayUrl(options.endpoint, pinnedApiId!);
  const { outputs, template, timings } = await cdkDeploy({
    endpoint: options.endpoint,
    stackName: options.stackName,
    context: { ...options.context, issuer, stackName: options.stackName },
    tags: pinnedApiId ? { 'ms-custom-id': pinnedApiId, _custom_id_: pinnedApiId } : {},
    bootstrap: options.bootstrap ?? true,
    log,
  });
  const apiId = outputs.ApiId!;
  if (pinnedApiId && apiId !== pinnedApiId) {
    throw new Error(`the emulator gave the API the id ${apiId}, not ${pinnedApiId} as its ms-custom-id tag asked: the tokens' issuer would name no API. Pass an issuer the emulator's gateway serves (-c issuer=...).`);
  }
  const tableName = outputs.TableName!;
  await ensureTimeToLive(options.endpoint, tableName, log);
  await ensureCors(options.endpoint, apiId, template, log);
  return {
    stackName: options.stackName,
    apiId,
    tableName,
    apiBaseUrl: gatewayUrl(options.endpoint, apiId),
    issuer: outputs.Issuer!,
    audience: outputs.Audience!,
    outputs,
    endpoint: options.endpoint,
    timings,
  };
}

/** MiniStack's CloudFormation ignores TimeToLiveSpecification; turn TTL on the way the template asks. */
export async function ensureTimeToLive(endpoint: string, tableName: string, log: (line: string) => void): Promise<void> {
  const client = emulatorDynamoClient(endpoint);
  try {
    const current = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const status = current.TimeToLiveDescription?.TimeToLiveStatus;
    if (status === 'ENABLED' || status === 'ENABLING') return;
    log('TTL on "ttl" is enabled with UpdateTimeToLive, as expected with this emulator (its CloudFormation skips the template\'s; docs/local-emulator.md, gap 1)');
    await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
  } finally {
    client.destroy();
  }
}

/**
 * MiniStack's CloudFormation stores an HTTP API's CorsConfiguration with CloudFormation's key names
 * (`AllowOrigins`), which its gateway does not read (it reads the API's `allowOrigins`): every
 * preflight gets 403. Applies the template's configuration through the API (UpdateApi) when the
 * deployed API does not show it; an emulator that got it right is left alone.
 */
export async function ensureCors(endpoint: string, apiId: string, template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }, log: (line: string) => void): Promise<void> {
  const api = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::ApiGatewayV2::Api');
  const wanted = api?.Properties?.CorsConfiguration as Record<string, unknown> | undefined;
  if (!wanted) return;
  const env = emulatorAwsEnv(endpoint);
  const client = new ApiGatewayV2Client({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
  try {
    const current = await client.send(new GetApiCommand({ ApiId: apiId }));
    if (current.CorsConfiguration?.AllowOrigins?.length) return;
    log("the CORS configuration is applied with UpdateApi, as expected with this emulator (its gateway does not read the template's; docs/local-emulator.md, gap 16)");
    await client.send(new UpdateApiCommand({ ApiId: apiId, CorsConfiguration: wanted as Cors }));
  } finally {
    client.destroy();
  }
}

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { GetFunctionCommand, InvokeCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { apiEvent } from '../../scripts/local/api-events';
import { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import { rateLimitWindow } from '../../lambdas/domain/limits';
import { generateToken, hashToken, userHash } from '../../lambdas/domain/tokens';
import { emulatorAwsEnv, emulatorDynamoClient, type Deployment } from '../../scripts/local/deploy';
import { createHash, randomInt } from 'node:crypto';
import { magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { rememberInvocation, rememberSecrets, secretsOf } from './log-scan';
import { ENV_KEY, type TestStack } from './settings';

export function deployment(which: TestStack = 'main'): Deployment {
  const raw = process.env[ENV_KEY];
  if (!raw) throw new Error('integration global setup did not run');
  return (JSON.parse(raw) as Record<TestStack, Deployment>)[which];
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly rawBody: string;
}

export interface CallOptions {
  readonly body?: string | object;
  readonly headers?: Record<string, string>;
  /** Which deployment to call. */
  readonly stack?: TestStack;
}

/** Calls the deployed API over real HTTP, through the emulator's API Gateway. */
export function call(method: string, path: string, options: CallOptions = {}): Promise<HttpResponse> {
  const url = new URL(`${deployment(options.stack).apiBaseUrl}${path}`);
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, timeout: 60_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const rawBody = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = rawBody ? JSON.parse(rawBody) : undefined;
          } catch {
            parsed = undefined;
          }
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = String(value);
          rememberSecrets([...secretsOf(options.body, parsed), options.headers?.authorization?.replace(/^Bearer /, '')]);
          // Every function sets X-Request-Id: a response with one is one invocation the log scan must find.
          if (flat['x-request-id']) rememberInvocation();
          resolve({ status: res.statusCode ?? 0, headers: flat, body: parsed, rawBody });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

let sequence = 0;
/** An address nobody has used in this deployment. */
export function freshEmail(label: string): string {
  sequence += 1;
  return `${label}.${process.pid}.${Date.now()}.${sequence}@example.com`;
}

/**
 * A whole sign-in of `email` through a deployment's mail: request a link, read its `count`th mail,
 * verify the link. The session token, the access token and the user id verify returned.
 */
export async function signIn(email: string, options: { count?: number; stack?: TestStack } = {}): Promise<{ session: string; accessToken: string; userId: string }> {
  const count = options.count ?? 1;
  const requested = await call('POST', '/v1/auth/magic-link', { body: { email }, stack: options.stack });
  if (requested.status !== 202) throw new Error(`magic-link request answered ${requested.status}: ${requested.rawBody}`);
  const mails = await waitForMail(deployment(options.stack).endpoint, email, count);
  const verified = await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(mails[count - 1]!)!.token }, stack: options.stack });
  if (verified.status !== 200) throw new Error(`verify answered ${verified.status}: ${verified.rawBody}`);
  return { session: verified.body.data.session.token, accessToken: verified.body.data.access_token.token, userId: verified.body.data.user.id };
}

/**
 * The physical name of one of a deployment's functions, by its construct name (`RequestMagicLink`,
 * `Verify`, `PublishEvents`, ...): read from the CloudFormation tags the emulator puts on each function
 * (a long stack name truncates the physical name, so the name alone does not say).
 */
export async function functionName(handler: string, stack: TestStack = 'main'): Promise<string> {
  const { endpoint, stackName } = deployment(stack);
  const env = emulatorAwsEnv(endpoint);
  const lambda = new LambdaClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
  try {
    if (!functionNames[stack]) {
      const byLogicalId: Record<string, string> = {};
      let marker: string | undefined;
      do {
        const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 50, Marker: marker }));
        for (const fn of page.Functions ?? []) {
          const { Tags = {} } = await lambda.send(new GetFunctionCommand({ FunctionName: fn.FunctionName }));
          if (Tags['aws:cloudformation:stack-name'] === stackName) byLogicalId[Tags['aws:cloudformation:logical-id'] ?? ''] = fn.FunctionName!;
        }
        marker = page.NextMarker;
      } while (marker);
      functionNames[stack] = byLogicalId;
    }
    const found = Object.entries(functionNames[stack]!).find(([logicalId]) => logicalId.startsWith(`MagicLinkAuth${handler}Function`));
    if (!found) throw new Error(`no ${handler} function in ${stackName}`);
    return found[1];
  } finally {
    lambda.destroy();
  }
}
const functionNames: Partial<Record<TestStack, Record<string, string>>> = {};

/**
 * Invokes one of a deployment's functions directly with an API Gateway event, as the gateway would
 * from `sourceIp` (the emulator's gateway reports every caller as 127.0.0.1). `handler` is the
 * function's construct name (`RequestMagicLink`, `Verify`, ...).
 */
export async function invokeAs(sourceIp: string, handler: string, request: { path: string; body: object }, stack: TestStack = 'main'): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const name = await functionName(handler, stack);
  const { endpoint } = deployment(stack);
  const env = emulatorAwsEnv(endpoint);
  const lambda = new LambdaClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
  try {
    const event = apiEvent({ path: request.path, body: request.body, sourceIp });
    const { Payload } = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
    const result = JSON.parse(Buffer.from(Payload!).toString()) as { statusCode: number; body: string; headers?: Record<string, string> };
    const body = JSON.parse(result.body);
    rememberSecrets([...secretsOf(request.body, body)]);
    if (result.headers?.['x-request-id'] ?? result.headers?.['X-Request-Id']) rememberInvocation();
    return { status: result.statusCode, body };
  } finally {
    lambda.destroy();
  }
}

/**
 * `count` live links of one address, written into a deployment's table as the mail function writes
 * them (the store, the same layout): a race of first sign-ins needs more links than the deployment
 * takes requests for one address in an hour. Their tokens, as the mails would carry them.
 */
export async function storedLinks(email: string, count: number, stack: TestStack = 'main'): Promise<string[]> {
  const { endpoint, tableName } = deployment(stack);
  const client = emulatorDynamoClient(endpoint);
  const tokens: string[] = [];
  try {
    const store = new DynamoAuthStore({ tableName, client });
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < count; i++) {
      const token = generateToken();
      tokens.push(token);
      const outcome = await store.recordLinkRequest({
        ipKey: `stored-${i}`,
        // Shaped as the keyed hash the mail function records (64 hex digits).
        emailHash: createHash('sha256').update(email).digest('hex'),
        window: rateLimitWindow(now),
        limits: { ip: 1000, email: 1000, inbox: 1000 },
        mailBudget: { shard: randomInt(1_000, 1_000_000), limit: 1000 },
        link: { id: hashToken(token), codeHash: hashToken(`code-${token}`), email, userHash: userHash(email), expiresAt: now + 60, createdAt: now, retainUntil: now + 3600 },
      });
      if (outcome !== 'created') throw new Error(`storing a link answered ${outcome}`);
    }
  } finally {
    client.destroy();
  }
  return tokens;
}

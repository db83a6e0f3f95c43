import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { ERROR_CATALOG } from '../../lambdas/contract/errors';
import { generateToken } from '../../lambdas/domain/tokens';
import { buildBundles, bundleFile } from '../../scripts/build/bundles';
import { apiEvent } from '../../scripts/local/api-events';
import { liveLinkRequest } from '../../scripts/local/link-requests';
import { functionEnvironment, startStandIns, type StandIns } from '../../scripts/local/stand-ins';
import { engineEndpoint, expectItemsOnLayout, freshStore } from './engine';

/**
 * The deployed bundles (ES modules, the SDK bundled by `scripts/build/bundles.ts`) against DynamoDB
 * Local and loopback stand-ins, each function run in its own Node process as Lambda runs it: the
 * errors the store reads members of still carry them (a failed condition's item, a cancelled
 * transaction's reasons), and the errors of DynamoDB, SES and Secrets Manager that the adapters know
 * by name or by the model's retryable trait reach them as such.
 */

interface Invocation {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: { error?: string; data?: unknown };
  /** The function's log lines (Powertools JSON, on standard output and, for errors, standard error). */
  readonly logs: Record<string, unknown>[];
}

const RUNNER = `
import { writeSync } from 'node:fs';
const { handler } = await import(process.argv[1]);
const response = await handler(JSON.parse(process.argv[2]), { functionName: 'test', awsRequestId: 'test', getRemainingTimeInMillis: () => 10000 });
writeSync(3, JSON.stringify(response));
`;

function invokeBundle(name: string, env: Record<string, string>, event: unknown): Promise<Invocation> {
  const file = pathToFileURL(bundleFile(name)).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', RUNNER, file, JSON.stringify(event)], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const streams = { stdout: '', stderr: '', result: '' };
  child.stdout!.on('data', (chunk) => (streams.stdout += chunk));
  child.stderr!.on('data', (chunk) => (streams.stderr += chunk));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk) => (streams.result += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || !streams.result) return reject(new Error(`${name} exited with ${code}: ${streams.stderr}`));
      const response = JSON.parse(streams.result) as { statusCode: number; headers: Record<string, string>; body: string };
      const logs = `${streams.stdout}\n${streams.stderr}`.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ status: response.statusCode, headers: response.headers, body: JSON.parse(response.body || '{}'), logs });
    });
  });
}

let standIns: StandIns;

beforeAll(async () => {
  await buildBundles();
  standIns = await startStandIns();
}, 60_000);

afterAll(() => standIns.close());

/** A function's environment against DynamoDB Local and the stand-ins, with `extra` on top. */
const functionEnv = (tableName: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ...functionEnvironment({ tableName, dynamodbEndpoint: engineEndpoint(), accessKeyId: 'test', standIns }),
  ...extra,
});

// After every scenario below: each item the bundled functions left in their tables has a key and attributes of the table's layout.
expectItemsOnLayout();

describe('the bundled functions against DynamoDB Local', () => {
  it('read the item of a failed condition: a used link answers magic_link_already_used', async () => {
    const { store, tableName } = await freshStore();
    const token = generateToken();
    await store.recordLinkRequest(liveLinkRequest({ token, email: 'ada@example.com', key: 'test', limit: 10 }));
    const verify = () => invokeBundle('verify', functionEnv(tableName), apiEvent({ path: '/v1/auth/verify', body: { token } }));

    expect((await verify()).status).toBe(200);
    const again = await verify();
    expect(again.body.error).toBe('magic_link_already_used');
    expect(again.status).toBe(ERROR_CATALOG.magic_link_already_used.status);
  });

  it("read a cancelled transaction's reasons: a network over its limit answers magic_link_ip_limit_exceeded", async () => {
    const { tableName } = await freshStore();
    const env = functionEnv(tableName, { IP_LIMIT_PER_HOUR: '1' });
    const ask = (email: string) => invokeBundle('request-magic-link', env, apiEvent({ body: { email } }));

    expect((await ask('ada@example.com')).status).toBe(202);
    const refused = await ask('grace@example.com');
    expect(refused.body.error).toBe('magic_link_ip_limit_exceeded');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('keep the name of an error no adapter handles: a missing table is an internal error logged as ResourceNotFoundException', async () => {
    const session = `${generateToken()}.${generateToken()}`;
    const result = await invokeBundle(
      'get-session',
      functionEnv(`missing-${Date.now()}`),
      apiEvent({ method: 'GET', path: '/v1/auth/session', headers: { authorization: `Bearer ${session}` } }),
    );
    expect(result.status).toBe(500);
    expect(result.body.error).toBe('internal_error');
    const failure = result.logs.find((line) => line.message === 'request failed') as { error?: { name?: string } } | undefined;
    expect(failure?.error?.name).toBe('ResourceNotFoundException');
  });
});

describe('the bundled mail function when SES or Secrets Manager refuses (errors the adapters know by name)', () => {
  afterEach(() => {
    delete standIns.faults.ses;
    delete standIns.faults.secrets;
  });
  const ask = async (extra: Record<string, string> = {}) => {
    const { tableName } = await freshStore();
    return invokeBundle('request-magic-link', functionEnv(tableName, { AWS_MAX_ATTEMPTS: '1', ...extra }), apiEvent({ body: { email: 'ada@example.com' } }));
  };

  it('answers service_unavailable when SES throttles', async () => {
    standIns.faults.ses = { status: 429, type: 'TooManyRequestsException' };
    const result = await ask();
    expect(result.body.error).toBe('service_unavailable');
    expect(Number(result.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers email_delivery_failed when SES rejects the message', async () => {
    standIns.faults.ses = { status: 400, type: 'MessageRejected' };
    expect((await ask()).body.error).toBe('email_delivery_failed');
  });

  it('answers service_unavailable when Secrets Manager throttles', async () => {
    standIns.faults.secrets = { status: 400, type: 'ThrottlingException' };
    expect((await ask()).body.error).toBe('service_unavailable');
  });
});

describe('the bundled functions when DynamoDB asks them to back off', () => {
  let refusing: Server;
  let answer = '';
  let calls = 0;
  beforeAll(async () => {
    // A loopback DynamoDB that refuses every request with the error the test names.
    refusing = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        calls += 1;
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${answer}`, message: `stand-in ${answer}` }));
      });
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => refusing.close(() => resolve())));

  it.each([
    // Known to the store by its name.
    ['ProvisionedThroughputExceededException'],
    // Known only by the model's retryable trait on its class.
    ['ReplicatedWriteConflictException'],
  ])('answer service_unavailable with Retry-After to %s, not an internal error', async (error) => {
    answer = error;
    calls = 0;
    const endpoint = `http://127.0.0.1:${(refusing.address() as { port: number }).port}`;
    const session = `${generateToken()}.${generateToken()}`;
    const result = await invokeBundle(
      'get-session',
      functionEnv('any', { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_MAX_ATTEMPTS: '1' }),
      apiEvent({ method: 'GET', path: '/v1/auth/session', headers: { authorization: `Bearer ${session}` } }),
    );
    expect(calls).toBe(1);
    expect(result.status).toBe(503);
    expect(result.body.error).toBe('service_unavailable');
    expect(Number(result.headers['retry-after'])).toBeGreaterThan(0);
  });
});

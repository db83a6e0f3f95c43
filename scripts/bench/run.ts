/**
 * `npm run bench`: every cold-start and per-request figure in one table, and a non-zero exit when a
 * budget (`TARGETS`) is missed. A benchmark, not a test: it is not part of `npm test`. What each
 * figure means and how to run it: `README.md` beside this file.
 *
 * - Bundle: `dist/bundles/<name>/index.mjs` as `npm run bundle` builds it (KiB, minified), and the
 *   AWS clients it carries (from esbuild's metafile), which set its budget.
 * - Module load: a fresh `node` importing the bundle, minus a fresh `node -e 0`, interleaved run by
 *   run; median (min, max) of RUNS, with and without `--enable-source-maps`.
 * - Warm overhead: each route's bundled handler, through its whole Middy chain, against AWS's
 *   DynamoDB Local (and loopback stand-ins for SES and Secrets Manager), divided by the store (and
 *   mailer) calls it makes, timed alternately in the same process after WARMUP untimed calls of
 *   each; medians over SAMPLES. The bare calls go through the same adapters built the same way
 *   (`bare-calls.ts`, bundled with the functions' options); both sides are fresh module instances
 *   per route. CPU time per request (`process.cpuUsage`) is shown beside wall time.
 * - Calls: each request's AWS calls, counted by an SDK middleware in counting copies of the bundles
 *   (`count-sdk-calls.ts`, `counting-client.ts`), and what it sent over the wire, counted by a loopback proxy in front of
 *   DynamoDB Local and by the stand-ins; the two must agree, and match `TARGETS.calls`.
 * - First requests: a fresh Node process per run imports a route's bundle and handles two requests
 *   (`cold-request.mjs`); median (min, max) of RUNS. The other half of a cold start: the SDK builds
 *   its client and V8 compiles the path on the first request. No budget: it is reported to be watched.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, request as httpRequest, type Server } from 'node:http';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import { accessTokenClaims, signingInput } from '../../lambdas/domain/access-tokens';
import { generateCode } from '../../lambdas/domain/codes';
import { magicLinkUrl } from '../../lambdas/domain/mail';
import { renderMagicLinkEmail } from '../../lambdas/domain/mail-templates';
import { formatDuration } from '../../lambdas/contract/locales';
import { mail as englishMail } from '../../lambdas/contract/locales/en/mail';
import { generateToken, hashToken } from '../../lambdas/domain/tokens';
import { newUserId } from '../../lambdas/domain/users';
import { ROUTES } from '../../lambdas/contract/routes';
import { SETTINGS } from '../../lambdas/settings';
import { apiEvent } from '../local/api-events';
import { liveLinkRequest } from '../local/link-requests';
import { functionEnvironment, startStandIns } from '../local/stand-ins';
import { BUNDLE_DIR, BUNDLE_OPTIONS, buildBundles, bundleFile, loadedAtStart } from '../build/bundles';
import type { bareCalls } from './bare-calls';
import { awsClients, buildCountingBundles, sdkCallsDuring } from './count-sdk-calls';
import { createServiceTable, startDynamoDbLocal } from '../local/dynamodb-local';
import { ensureLambdaNode, targetNodeMajor } from '../local/lambda-node';

const RUNS = Number(process.env.RUNS ?? 15);
/** The access tokens' settings at the product defaults, for the bare side's claims. */
const TOKEN_SETTINGS = { accessTokenLifetimeSeconds: SETTINGS.accessTokenLifetime.default, issuer: 'https://auth.example.com', audience: SETTINGS.audience.default };
const SAMPLES = Number(process.env.SAMPLES ?? 400);
/**
 * Untimed calls of each side before a route is timed, on fresh items. At 100 the SDK's own work
 * before sending a GetItem was still falling (about 600 us, against 450 us after 1,000).
 */
const WARMUP = Number(process.env.WARMUP ?? 1000);

/**
 * The timed routes, by the bench's short names: their operations in the contract, which give each
 * its method, path, function (bundle) and success status.
 */
const OPERATION = { request: 'requestMagicLink', verify: 'verify', session: 'getSession', token: 'refreshAccessToken', signOut: 'signOut' } as const;
type Timed = keyof typeof OPERATION;
const routeOf = (name: Timed) => ROUTES.find((route) => route.operationId === OPERATION[name])!;
const labelOf = (name: Timed) => `${routeOf(name).method} ${routeOf(name).path}`;

/** The hard budgets every change keeps: a miss makes the bench exit non-zero. */
const TARGETS = {
  /**
   * KiB per bundle, by the class of the AWS clients it carries (read from the build, so a function a
   * later change adds takes the class of its clients; a class not listed fails until it is given a
   * budget). The clients are most of a bundle, and a bundle is what module load parses: room for
   * our code to grow, none for a second copy of a client or a dependency nobody meant to ship.
   */
  bundleKiB: {
    // The mail function: SES's client keeps the schemas of all its operations, whichever one it calls.
    'DynamoDB + SES + Secrets Manager': 360,
    // Verify: Secrets Manager's client for the code secret and KMS's (about 30 KiB) to sign the access token, on top of DynamoDB's.
    'DynamoDB + Secrets Manager + KMS': 340,
    // The token route: the session's read and KMS's client to sign.
    'DynamoDB + KMS': 300,
    // The JWKS (and discovery): KMS's client to read the public keys, no table.
    KMS: 230,
    // The store alone: the SDK's core and DynamoDB's client are most of it.
    DynamoDB: 260,
    // The events publisher: EventBridge's client to put the events, SQS's for the dead letters, no table client.
    'EventBridge + SQS': 245,
    // The page, the API description and the fallback: our code and its small dependencies only.
    'no AWS client': 60,
  } as Record<string, number>,
  /** ms over bare Node, as deployed, for every function: the part of every cold start the bundle decides. */
  moduleLoadMs: 45,
  /**
   * Warm handler time over the AWS calls it makes: what the Middy chain, validation, logging and
   * metrics add. The chain's cost is about fixed, so a route with less time in its calls, or more
   * work of its own, gets a larger ratio.
   */
  warmRatio: {
    // Two calls (the transaction and the mail) to set the chain against.
    request: 1.15,
    // One small read or update each.
    session: 1.2,
    // The session's read and one KMS Sign, the same on both sides.
    token: 1.2,
    signOut: 1.2,
    // Three small updates and a KMS Sign, and the handler's own work: hashing the link's token, making the session's and the access token's claims.
    verify: 1.25,
  } as Record<Timed, number>,
  /**
   * Calls per request: one DynamoDB call per route but verify, one SES call per mail (each is latency,
   * and billed). Verify by link makes three, each needing the one before: the consume (which gives the
   * address), the address's user (made by its first sign-in, atomically, so the id comes back from the
   * update), and the user's id copied onto the sign-in so the session check stays one read. Verify and
   * the token route sign one access token each: one KMS Sign.
   */
  calls: {
    // No route calls EventBridge or SQS: the events leave from the table's stream, off the request path.
    request: { DynamoDB: 1, SES: 1, 'Secrets Manager': 0, KMS: 0, EventBridge: 0, SQS: 0 },
    verify: { DynamoDB: 3, SES: 0, 'Secrets Manager': 0, KMS: 1, EventBridge: 0, SQS: 0 },
    session: { DynamoDB: 1, SES: 0, 'Secrets Manager': 0, KMS: 0, EventBridge: 0, SQS: 0 },
    token: { DynamoDB: 1, SES: 0, 'Secrets Manager': 0, KMS: 1, EventBridge: 0, SQS: 0 },
    signOut: { DynamoDB: 1, SES: 0, 'Secrets Manager': 0, KMS: 0, EventBridge: 0, SQS: 0 },
  } as Record<Timed, Record<Service, number>>,
};

type Service = 'DynamoDB' | 'SES' | 'Secrets Manager' | 'KMS' | 'EventBridge' | 'SQS';
/** The SDK's client names (`context.clientName`), by the service the table names. */
const SERVICE_OF_CLIENT: Record<string, Service> = {
  DynamoDBClient: 'DynamoDB',
  SESv2Client: 'SES',
  SecretsManagerClient: 'Secrets Manager',
  KMSClient: 'KMS',
  EventBridgeClient: 'EventBridge',
  SQSClient: 'SQS',
};
/** The SDK's client packages, by the service the table names, in the order a bundle's class lists them. */
const SERVICE_OF_PACKAGE: Record<string, Service> = {
  'client-dynamodb': 'DynamoDB',
  'client-sesv2': 'SES',
  'client-secrets-manager': 'Secrets Manager',
  'client-kms': 'KMS',
  'client-eventbridge': 'EventBridge',
  'client-sqs': 'SQS',
};

/** A bundle's class: the services of the AWS clients it carries (`TARGETS.bundleKiB`'s keys). */
function bundleClass(clients: string[]): string {
  const services = Object.keys(SERVICE_OF_PACKAGE).filter((client) => clients.includes(client)).map((client) => SERVICE_OF_PACKAGE[client]!);
  const unknown = clients.filter((client) => !SERVICE_OF_PACKAGE[client]);
  return [...services, ...unknown].join(' + ') || 'no AWS client';
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

// ---------------------------------------------------------------- bundle size and module load

function timeNode(args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

/**
 * Module load over bare Node, per bundle: as deployed (no source maps), and a linked-map build of the
 * same code under `--enable-source-maps` (what the functions did before): ms samples. With them, bare
 * Node's own start per run (`bare`), which shows how fast the machine was during the run: the
 * differences grow when it is slow (in seven runs in a row on this shared 2-core machine, verify's
 * median ranged from 35 to 52 ms).
 */
function moduleLoad(names: string[], linkedDir: string): { bare: number[]; load: Record<string, Record<'maps' | 'plain', number[]>> } {
  const env = { PATH: process.env.PATH, TABLE_NAME: 't', CODE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:x', SENDER_ADDRESS: 'no-reply@example.com', APP_NAME: 'Bench', AWS_REGION: 'us-east-1' };
  const load: Record<string, Record<'maps' | 'plain', number[]>> = {};
  const bares: number[] = [];
  for (const name of names) load[name] = { maps: [], plain: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const mode of ['plain', 'maps'] as const) {
      const modeEnv = { ...env, ...(mode === 'maps' ? { NODE_OPTIONS: '--enable-source-maps' } : {}) };
      const bare = timeNode(['-e', '0'], modeEnv);
      if (mode === 'plain') bares.push(bare);
      for (const name of names) {
        const file = pathToFileURL(bundleFile(name, mode === 'maps' ? linkedDir : BUNDLE_DIR)).href;
        load[name]![mode].push(timeNode(['--input-type=module', '-e', `await import(${JSON.stringify(file)})`], modeEnv) - bare);
      }
    }
  }
  return { bare: bares, load };
}

// ---------------------------------------------------------------- loopback stand-ins (SES and Secrets Manager: ../local/stand-ins.ts)

/** A counting pass-through to DynamoDB Local, used only while counting calls (not while timing). */
function countingProxy(target: string, counts: { dynamodb: number }): Promise<Server> {
  const upstream = new URL(target);
  const server = createServer((request, response) => {
    counts.dynamodb += 1;
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: request.headers }, (reply) => {
      response.writeHead(reply.statusCode ?? 500, reply.headers);
      reply.pipe(response);
    });
    request.pipe(forward);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as { port: number }).port}`;

// ---------------------------------------------------------------- first requests after a cold start

/**
 * One cold start: a fresh Node process (`cold-request.mjs`) imports the bundle and handles `events` in
 * order, against the endpoints in this process's environment; ms per request. Asynchronous, because
 * the SES and Secrets Manager stand-ins it calls answer from this process.
 */
function coldRequests(bundle: string, events: unknown[], dir: string): Promise<number[]> {
  const eventsFile = path.join(dir, 'events.json');
  writeFileSync(eventsFile, JSON.stringify({ context: CONTEXT_FIELDS, events }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'cold-request.mjs'), bundle, eventsFile], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = code === 0 ? (JSON.parse(stdout) as { requests: number[] }) : undefined;
      if (result) resolve(result.requests);
      else reject(new Error(`cold start of ${bundle} failed (${code}): ${stdout}${stderr}`));
    });
  });
}

// ---------------------------------------------------------------- warm overhead

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
/** Lambda's context as the handlers see it; with a remaining time, Middy arms its early timeout as on AWS. */
const CONTEXT_FIELDS = { functionName: 'bench', awsRequestId: 'bench', remainingMs: 10_000 };
const CONTEXT = { ...CONTEXT_FIELDS, getRemainingTimeInMillis: () => CONTEXT_FIELDS.remainingMs };

/**
 * The functions run on Lambda's Node (22), not the machine's (20 on the dev machines), and their V8s
 * differ: in one run on each, every time in the table was lower on 22 (a bare GetItem 0.76 ms, 0.93 on 20).
 * So the bench runs itself on the pinned Lambda Node, installed on first use, and times each bundle
 * on the runtime it is deployed to.
 */
function onLambdaNode(): boolean {
  if (Number(process.versions.node.split('.')[0]) === targetNodeMajor()) return true;
  const node = ensureLambdaNode((line) => process.stderr.write(`[bench] ${line}\n`));
  process.stderr.write(`[bench] running on ${node} (Node ${process.versions.node} is this machine's)\n`);
  const result = spawnSync(node, ['--import', 'tsx', __filename], { stdio: 'inherit', env: process.env });
  process.exitCode = result.status ?? 2;
  return false;
}

async function main(): Promise<void> {
  if (!onLambdaNode()) return;
  const { names, metafile } = await buildBundles();
  const failures: string[] = [];
  // A bundle is what its function loads at start: index.mjs and the chunks it imports statically.
  const loaded = Object.fromEntries(names.map((name) => [name, loadedAtStart(metafile, name)]));
  const sizes = Object.fromEntries(names.map((name) => [name, loaded[name]!.reduce((sum, { file }) => sum + statSync(file).size, 0) / 1024]));
  const classes = Object.fromEntries(names.map((name) => [name, bundleClass(awsClients(...loaded[name]!.map(({ output }) => output)))]));
  for (const name of names) {
    const budget = TARGETS.bundleKiB[classes[name]!];
    if (budget === undefined) failures.push(`${name} carries ${classes[name]}, a class of AWS clients with no bundle budget`);
    else if (sizes[name]! > budget) failures.push(`${name} bundle ${sizes[name]!.toFixed(1)} KiB > ${budget} KiB (${classes[name]})`);
  }

  process.stderr.write(`[bench] module load: ${RUNS} runs x ${names.length} bundles x 2 modes\n`);
  const linkedDir = mkdtempSync(path.join(tmpdir(), 'magic-link-linked-'));
  await buildBundles(linkedDir, linkedDir, { sourcemap: 'linked' });
  const { bare: bareNode, load } = moduleLoad(names, linkedDir);
  rmSync(linkedDir, { recursive: true, force: true });

  process.stderr.write('[bench] starting DynamoDB Local\n');
  const engine = await startDynamoDbLocal({ log: (line) => process.stderr.write(`[bench] ${line}\n`) });
  const dynamodb = { dynamodb: 0 };
  const stand = await startStandIns();
  const { mails } = stand;
  const proxy = await countingProxy(engine.endpoint, dynamodb);
  const rows: { name: Timed; route: string; handler: number; bare: number; ratio: number; handlerCpu: number; bareCpu: number; calls: string }[] = [];
  const cold: { route: string; first: number[]; second: number[] }[] = [];
  try {
    const tableName = 'bench';
    const client = new DynamoDBClient({ endpoint: engine.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    await createServiceTable(client, tableName);

    // The functions' environment, as the construct sets it, with limits out of the way.
    Object.assign(process.env, {
      ...functionEnvironment({ tableName, dynamodbEndpoint: urlOf(proxy), accessKeyId: 'bench', standIns: stand }),
      IP_LIMIT_PER_HOUR: '1000000',
      EMAIL_LIMIT_PER_HOUR: '1000000',
      INBOX_LIMIT_PER_HOUR: '1000000',
      MAIL_BUDGET_PER_HOUR: '1000000',
    });
    // A query string makes a fresh module instance: new SDK clients that read the endpoint anew.
    const loadHandler = async (name: Timed, instance = '', dir = BUNDLE_DIR) =>
      ((await import(`${pathToFileURL(bundleFile(routeOf(name).handler, dir)).href}${instance}`)) as { handler: Handler }).handler;
    // Counting copies of the bundles (an SDK middleware reports each call), used only to count calls.
    const countingDir = mkdtempSync(path.join(tmpdir(), 'magic-link-counting-'));
    await buildCountingBundles(countingDir);
    const handlers = {
      request: await loadHandler('request', '', countingDir),
      verify: await loadHandler('verify', '', countingDir),
      session: await loadHandler('session', '', countingDir),
      token: await loadHandler('token', '', countingDir),
      signOut: await loadHandler('signOut', '', countingDir),
    };
    // The functions log a line per request to stdout; formatting it is timed, writing it to this terminal is not.
    const quiet = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    /** A route's event, as API Gateway hands it to the function. */
    const eventFor = (name: Timed, options: Parameters<typeof apiEvent>[0]) => apiEvent({ method: routeOf(name).method, path: routeOf(name).path, ...options });
    const succeeded = (name: Timed, response: Awaited<ReturnType<Handler>>) => {
      const { successStatus } = routeOf(name);
      if (response.statusCode !== successStatus) throw new Error(`${labelOf(name)}: expected ${successStatus}, got ${response.statusCode}: ${response.body}`);
      return response;
    };
    /** A request to a route's handler, which must succeed. */
    const call = async (name: Timed, handler: Handler, options: Parameters<typeof apiEvent>[0]) => succeeded(name, await handler(eventFor(name, options), CONTEXT));
    let address = 0;
    const linkRequest = () => ({ body: { email: `bench-${(address += 1)}@example.com` } });
    const requestLink = (handler = handlers.request) => call('request', handler, linkRequest());
    /** A new live link: requested through the mail function, its token read from the mail it sent. */
    const newLinkToken = async () => {
      await requestLink();
      return /#token=([A-Za-z0-9_-]{43})/.exec(mails[mails.length - 1]!)![1]!;
    };
    const verify = (handler: Handler, token: string) => call('verify', handler, { body: { token } });
    const bearer = (session: string) => ({ headers: { authorization: `Bearer ${session}` } });
    const withSession = (name: 'session' | 'token' | 'signOut', handler: Handler, session: string) => call(name, handler, bearer(session));

    const sessions: string[] = [];
    const newSession = async () => {
      const response = await verify(handlers.verify, await newLinkToken());
      return JSON.parse(response.body).data.session.token as string;
    };
    /**
     * One request's calls, after a warm-up: the SDK's (by the counting middleware) and the wire's (by
     * the proxy and the stand-ins). A target missed, or the two disagreeing (a retry, or a client the
     * middleware did not see), fails the bench.
     */
    const counted = async (name: Timed, run: () => Promise<unknown>) => {
      const route = labelOf(name);
      const onWire = (): Record<Service, number> => ({
        DynamoDB: dynamodb.dynamodb,
        SES: stand.counts.ses,
        'Secrets Manager': stand.counts.secrets,
        KMS: stand.counts.kms,
        EventBridge: stand.counts.eventbridge,
        SQS: stand.counts.sqs,
      });
      const before = onWire();
      const calls = await sdkCallsDuring(run);
      const after = onWire();
      const services = Object.keys(after) as Service[];
      const wire = Object.fromEntries(services.map((service) => [service, after[service] - before[service]])) as Record<Service, number>;
      const sdk = Object.fromEntries(services.map((service) => [service, calls.filter((call) => SERVICE_OF_CLIENT[call.client] === service).length])) as Record<Service, number>;
      const unknown = calls.filter((call) => !SERVICE_OF_CLIENT[call.client]);
      if (unknown.length) failures.push(`${route}: calls to clients the table does not name: ${unknown.map((call) => call.client).join(', ')}`);
      for (const service of services) {
        if (sdk[service] !== wire[service]) failures.push(`${route}: ${sdk[service]} ${service} calls in the SDK but ${wire[service]} on the wire`);
        if (sdk[service] !== TARGETS.calls[name][service]) failures.push(`${route}: ${sdk[service]} ${service} calls per request, target ${TARGETS.calls[name][service]}`);
      }
      const named = calls.map((call) => `${SERVICE_OF_CLIENT[call.client] ?? call.client} ${call.command.replace(/Command$/, '')}`);
      return `${named.join(', ') || 'none'} (wire: ${services.map((service) => `${wire[service]} ${service}`).join(', ')})`;
    };
    await requestLink(); // warm: the code secret is read once per container
    const requestCalls = await counted('request', () => requestLink());
    const verifyToken = await newLinkToken();
    const verifyCalls = await counted('verify', () => verify(handlers.verify, verifyToken));
    const session = await newSession();
    const sessionCalls = await counted('session', () => withSession('session', handlers.session, session));
    const tokenCalls = await counted('token', () => withSession('token', handlers.token, session));
    const signOutCalls = await counted('signOut', () => withSession('signOut', handlers.signOut, session));
    rmSync(countingDir, { recursive: true, force: true });

    // Timing: straight to DynamoDB Local from here on (no proxy in the path of either side).
    process.env.AWS_ENDPOINT_URL_DYNAMODB = engine.endpoint;
    for (const name of Object.keys(handlers) as (keyof typeof handlers)[]) handlers[name] = await loadHandler(name, '?direct');
    // Setting up the bare side's links (untimed) goes through the store from source.
    const store = new DynamoAuthStore({ tableName, client });
    const bareDir = mkdtempSync(path.join(tmpdir(), 'magic-link-bare-'));
    await build({ ...BUNDLE_OPTIONS, entryPoints: [path.join(__dirname, 'bare-calls.ts')], outdir: bareDir, sourcemap: false });
    const loadBare = async (route: string) =>
      ((await import(`${pathToFileURL(path.join(bareDir, 'bare-calls.mjs')).href}?${route}`)) as { bareCalls: typeof bareCalls }).bareCalls({
        tableName,
        from: process.env.SENDER_ADDRESS!,
        configurationSet: process.env.SES_CONFIGURATION_SET!,
        signingKeyArn: process.env.SIGNING_KEY_ARN!,
      });

    process.stderr.write(`[bench] preparing ${SAMPLES + WARMUP} links and ${2 * (SAMPLES + WARMUP) + 1} sessions\n`);
    try {
      await requestLink();
      await withSession('session', handlers.session, await newSession());
      const links: string[] = [];
      for (let i = 0; i < SAMPLES + WARMUP; i++) {
        links.push(await newLinkToken());
      }
      for (let i = 0; i <= (SAMPLES + WARMUP) * 2; i++) sessions.push(await newSession());
      const now = () => Math.floor(Date.now() / 1000);
      let n = 0;
      const bareLink = () => {
        n += 1;
        const link = { token: `bench-bare-${n}-${Date.now()}`, email: `bare-${n}@example.com`, key: `bench#${n}`, limit: 1_000_000 };
        return liveLinkRequest(link, { mailBudget: { shard: n % 10, limit: link.limit } });
      };
      const bareLinks: string[] = [];
      for (let i = 0; i < SAMPLES + WARMUP; i++) {
        const request = bareLink();
        await store.recordLinkRequest(request);
        bareLinks.push(request.link.id);
      }

      type Bare = ReturnType<typeof bareCalls>;
      type Event = ReturnType<typeof apiEvent>;
      /**
       * Both sides start from fresh module instances (the handler's bundle and the bare calls' bundle,
       * each with its own SDK) and get the same WARMUP calls, so the JIT has seen each equally often:
       * the handlers used to prepare links and sessions above would otherwise be warmer than their bare side.
       * Each side's input is made before its timer starts: the handler's event (API Gateway's work, not
       * the function's), and the bare calls' arguments with the hashes in them (the handler's work, not
       * the SDK's). Only the call is timed.
       */
      const timeRoute = async (name: Timed, calls: string, eventOf: (i: number) => Event, bareCallOf: (i: number) => (bare: Bare) => Promise<unknown>) => {
        const route = labelOf(name);
        const [handler, bare] = [await loadHandler(name, `?timed-${name}`), await loadBare(name)];
        type Side = { wall: number[]; cpu: number[]; prepare: (i: number) => () => Promise<unknown>; check: (result: unknown) => void };
        const sides: Record<'handler' | 'bare', Side> = {
          handler: {
            wall: [],
            cpu: [],
            prepare: (i) => {
              const event = eventOf(i);
              return () => handler(event, CONTEXT);
            },
            check: (response) => succeeded(name, response as Awaited<ReturnType<Handler>>),
          },
          bare: {
            wall: [],
            cpu: [],
            prepare: (i) => {
              const send = bareCallOf(i);
              return () => send(bare);
            },
            check: () => undefined,
          },
        };
        for (let i = SAMPLES; i < SAMPLES + WARMUP; i++) {
          for (const side of [sides.handler, sides.bare]) side.check(await side.prepare(i)());
        }
        for (let i = 0; i < SAMPLES; i++) {
          // Alternate which goes first, so neither always gets the warmer cache.
          for (const side of i % 2 ? [sides.handler, sides.bare] : [sides.bare, sides.handler]) {
            const run = side.prepare(i);
            const cpu = process.cpuUsage();
            const started = performance.now();
            const result = await run();
            side.wall.push(performance.now() - started);
            const used = process.cpuUsage(cpu);
            side.cpu.push((used.user + used.system) / 1000);
            side.check(result);
          }
        }
        const handlerMs = median(sides.handler.wall);
        const bareMs = median(sides.bare.wall);
        rows.push({ name, route, handler: handlerMs, bare: bareMs, ratio: handlerMs / bareMs, handlerCpu: median(sides.handler.cpu), bareCpu: median(sides.bare.cpu), calls });
      };
      // The mail the function sends (its size is what the SDK serializes, signs and sends), rendered once, untimed.
      const bareMail = {
        to: 'bench-0000@example.com',
        ...renderMagicLinkEmail(
          { link: magicLinkUrl(process.env.SIGN_IN_URL!, generateToken()), code: generateCode(), expires: formatDuration(SETTINGS.linkLifetime.default, 'en') },
          { lang: 'en', dir: 'ltr', strings: englishMail, appName: process.env.APP_NAME!, brand: {} },
        ),
      };
      await timeRoute('request', requestCalls, () => eventFor('request', linkRequest()), () => {
        const request = bareLink();
        return async (bare) => {
          await bare.store.recordLinkRequest(request);
          await bare.mailer.send(bareMail);
        };
      });
      // Each link, on both sides, is its address's first sign-in: the user's update makes the user.
      /** What an access token's signature covers, made before the timer as the bare side's other arguments are. */
      const bareSigningInput = (i: number) => signingInput({ alg: 'RS256', typ: 'JWT', kid: 'bench' }, accessTokenClaims(TOKEN_SETTINGS, { userId: newUserId(new Date()), email: `bare-${i}@example.com`, signInId: hashToken(`b-${i}`) }, now()));
      await timeRoute('verify', verifyCalls, (i) => eventFor('verify', { body: { token: links[i]! } }), (i) => {
        const id = bareLinks[i]!;
        const consume = { id, now: now(), sessionSecretHash: hashToken(`s-${i}`), sessionExpiresAt: now() + 604_800, retainUntil: now() + 700_000, method: 'link' as const };
        const candidateId = newUserId(new Date());
        const input = bareSigningInput(i);
        return async (bare) => {
          const consumed = await bare.store.consumeLink(consume);
          if (consumed.outcome !== 'consumed') throw new Error(`bare verify: link ${id} was not consumed`);
          const userId = await bare.store.userOf({ userHash: consumed.userHash, candidateId, createdAt: consume.now, email: consumed.email, signInId: id });
          await bare.store.setSignInUser({ id, userId });
          await bare.signer.sign(input);
        };
      });
      const live = sessions[0]!;
      const [liveId] = live.split('.');
      await timeRoute('session', sessionCalls, () => eventFor('session', bearer(live)), () => (bare) => bare.store.getSession(liveId!));
      await timeRoute('token', tokenCalls, () => eventFor('token', bearer(live)), (i) => {
        const input = bareSigningInput(i);
        return async (bare) => {
          await bare.store.getSession(liveId!);
          await bare.signer.sign(input);
        };
      });
      await timeRoute('signOut', signOutCalls, (i) => eventFor('signOut', bearer(sessions[1 + 2 * i]!)), (i) => {
        const [id, secret] = sessions[2 + 2 * i]!.split('.');
        const revoke = { id: id!, sessionSecretHash: hashToken(secret!), now: now(), retainUntil: now() + 700_000 };
        return (bare) => bare.store.revokeSession(revoke);
      });

      process.stderr.write(`[bench] first requests: ${RUNS} cold starts x 5 routes\n`);
      const coldDir = mkdtempSync(path.join(tmpdir(), 'magic-link-cold-'));
      // Two requests per cold start, each on fresh input (a new address, link or session), as warm.
      const coldEvents: Record<Timed, () => Promise<Event[]>> = {
        request: async () => [eventFor('request', linkRequest()), eventFor('request', linkRequest())],
        verify: async () => [eventFor('verify', { body: { token: await newLinkToken() } }), eventFor('verify', { body: { token: await newLinkToken() } })],
        session: async () => {
          const session = await newSession();
          return [eventFor('session', bearer(session)), eventFor('session', bearer(session))];
        },
        token: async () => {
          const session = await newSession();
          return [eventFor('token', bearer(session)), eventFor('token', bearer(session))];
        },
        signOut: async () => [eventFor('signOut', bearer(await newSession())), eventFor('signOut', bearer(await newSession()))],
      };
      for (const name of Object.keys(coldEvents) as Timed[]) {
        const row = { route: labelOf(name), first: [] as number[], second: [] as number[] };
        for (let run = 0; run < RUNS; run++) {
          const [first, second] = await coldRequests(bundleFile(routeOf(name).handler), await coldEvents[name](), coldDir);
          row.first.push(first!);
          row.second.push(second!);
        }
        cold.push(row);
      }
      rmSync(coldDir, { recursive: true, force: true });
    } finally {
      process.stdout.write = quiet;
      rmSync(bareDir, { recursive: true, force: true });
    }
    client.destroy();
  } finally {
    await stand.close();
    proxy.close();
    await engine.stop();
  }

  // ---------------------------------------------------------------- the table
  const fmt = (values: number[]) => `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
  console.log(`\nNode ${process.versions.node} (the functions' runtime: nodejs${targetNodeMajor()}.x)`);
  console.log(`\nBundles and module load (ms over bare \`node -e 0\`, median (min–max) of ${RUNS} interleaved runs; budget ≤ ${TARGETS.moduleLoadMs} ms with the deployed NODE_OPTIONS)\n`);
  console.log(`Bare \`node -e 0\` itself took ${fmt(bareNode)} ms.\n`);
  console.log(`| function | AWS clients | bundle KiB (budget) | load as deployed (no source maps) | load with linked maps and --enable-source-maps |`);
  console.log(`|---|---|---|---|---|`);
  for (const name of names) {
    console.log(`| ${name} | ${classes[name]} | ${sizes[name]!.toFixed(1)} (≤ ${TARGETS.bundleKiB[classes[name]!] ?? 'none'}) | ${fmt(load[name]!.plain)} | ${fmt(load[name]!.maps)} |`);
  }
  console.log(`\nWarm overhead (median of ${SAMPLES}, handler through its whole Middy chain vs the store/mailer calls it makes, alternated)\n`);
  console.log(`| route | handler ms | bare calls ms | ratio (budget) | handler − bare ms | CPU ms handler / bare | calls per request: SDK (wire) |`);
  console.log(`|---|---|---|---|---|---|---|`);
  for (const row of rows) {
    console.log(`| ${row.route} | ${row.handler.toFixed(2)} | ${row.bare.toFixed(2)} | ${row.ratio.toFixed(2)}× (≤ ${TARGETS.warmRatio[row.name]}×) | ${(row.handler - row.bare).toFixed(2)} | ${row.handlerCpu.toFixed(2)} / ${row.bareCpu.toFixed(2)} | ${row.calls} |`);
  }

  console.log(`\nFirst requests after a cold start (a fresh Node process per run imports the bundle and handles two requests, median (min–max) of ${RUNS}; no budget)\n`);
  console.log(`| route | first request ms | second request ms | warm handler ms |`);
  console.log(`|---|---|---|---|`);
  for (const row of cold) {
    console.log(`| ${row.route} | ${fmt(row.first)} | ${fmt(row.second)} | ${rows.find((warm) => warm.route === row.route)!.handler.toFixed(2)} |`);
  }

  const deployedMaps = readFileSync(path.join(__dirname, '..', '..', 'lib', 'magic-link-auth.ts'), 'utf8').includes("NODE_OPTIONS: '--enable-source-maps'");
  for (const name of names) {
    const deployed = deployedMaps ? load[name]!.maps : load[name]!.plain;
    if (median(deployed) > TARGETS.moduleLoadMs) failures.push(`${name} module load ${median(deployed).toFixed(1)} ms > ${TARGETS.moduleLoadMs} ms`);
  }
  for (const row of rows) if (row.ratio > TARGETS.warmRatio[row.name]) failures.push(`${row.route} warm overhead ${row.ratio.toFixed(3)}× > ${TARGETS.warmRatio[row.name]}×`);
  if (failures.length) {
    console.log(`\nMissed budgets:\n${failures.map((failure) => `- ${failure}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('\nAll budgets met.');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});

/**
 * `npm start`: the service on your machine. Starts MiniStack on 127.0.0.1 (or uses AWS_ENDPOINT_URL),
 * deploys the real CDK stack into it, serves the API and its hosted sign-in page at
 * http://127.0.0.1:3000 (PORT overrides), and prints every link and code the service mails. Ctrl-C
 * stops everything it started.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SETTINGS } from '../lambdas/settings';
import { normalizeRedirectUri } from '../lambdas/domain/oidc';
import { deployToEmulator, emulatorAwsEnv } from './local/deploy';
import { deliveredEvent } from './local/events';
import { portInUse, startEmulator, type Emulator } from './local/emulator';
import { onLambdaNode, runOnLambdaNode } from './local/lambda-node';
import { MAILBOX_PATH, answerMailbox, codeIn, magicLinkIn, mailPartPath, readMailbox } from './local/mailbox';

const PORT = Number(process.env.PORT ?? 3000);
const EMULATOR_PORT = Number(process.env.MINISTACK_PORT ?? 4566);
/** Where the hosted page may send people after sign-in (the `redirectUrls` setting), comma-separated. */
const REDIRECT_URLS = SETTINGS.redirectUrls.kind.fromText(process.env.REDIRECT_URLS ?? '');
const log = (line: string) => console.log(`[local] ${line}`);
/** The one OpenID Connect client local mode registers (public: PKCE), and where it gets its code. */
const OIDC_REDIRECT_URI = normalizeRedirectUri(process.env.OIDC_REDIRECT_URI ?? `http://127.0.0.1:${PORT}/callback`);
const LOCAL_CLIENT = { clientId: 'local-app', name: 'Local app', redirectUris: [OIDC_REDIRECT_URI ?? ''], type: 'public' } as const;

/**
 * What would make the start fail, found in milliseconds before anything is installed or deployed:
 * a port in use (named by the variable that moves it) or a bad REDIRECT_URLS.
 */
async function startProblems(): Promise<string[]> {
  const problems: string[] = [];
  if (!REDIRECT_URLS.ok) problems.push(`REDIRECT_URLS ${REDIRECT_URLS.problem}`);
  if (OIDC_REDIRECT_URI === null) problems.push('OIDC_REDIRECT_URI must be an absolute https URL (http only on a loopback host) without a fragment');
  const ports = [{ variable: 'PORT', port: PORT, what: 'the API and its sign-in page' }];
  // With AWS_ENDPOINT_URL the emulator is someone else's: no port of ours.
  if (!process.env.AWS_ENDPOINT_URL) ports.push({ variable: 'MINISTACK_PORT', port: EMULATOR_PORT, what: 'the emulator (MiniStack)' });
  if (ports.length === 2 && PORT === EMULATOR_PORT) problems.push(`PORT and MINISTACK_PORT are both ${PORT}: set one of them to another port`);
  else {
    for (const { variable, port, what } of ports) {
      if (await portInUse(port)) problems.push(`port ${port} on 127.0.0.1, for ${what}, is in use by another program: set ${variable} to a free port (for example ${variable}=${port + 1} npm start)`);
    }
  }
  return problems;
}

/**
 * The local client's redirect URI, when it is this server's: prints the code (or the error) the
 * sign-in sent back and answers with a page saying so, for trying the code exchange by hand.
 */
function answeredAsLocalApp(origin: string, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? '/', origin);
  const redirect = new URL(OIDC_REDIRECT_URI!);
  if (redirect.origin !== origin || url.pathname !== redirect.pathname || req.method !== 'GET') return false;
  const code = url.searchParams.get('code');
  const line = code ? `code ${code} state ${url.searchParams.get('state') ?? '(none)'}` : `error ${url.searchParams.get('error')}: ${url.searchParams.get('error_description')}`;
  console.log(`[oidc] ${LOCAL_CLIENT.clientId} got ${line}`);
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }).end(`${LOCAL_CLIENT.name} received ${line}\nExchange the code at ${origin}/oauth2/token (grant_type=authorization_code, client_id=${LOCAL_CLIENT.clientId}, redirect_uri, code_verifier) within 60 seconds.\n`);
  return true;
}

async function forward(apiBaseUrl: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || ['host', 'connection', 'content-length'].includes(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const upstream = await fetch(`${apiBaseUrl}${req.url ?? '/'}`, {
    method: req.method,
    headers,
    body: chunks.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined,
  });
  const body = Buffer.from(await upstream.arrayBuffer());
  const outHeaders: Record<string, string> = {};
  upstream.headers.forEach((value, name) => {
    if (!['content-encoding', 'transfer-encoding', 'connection', 'content-length'].includes(name)) outHeaders[name] = value;
  });
  res.writeHead(upstream.status, outHeaders).end(body);
}

/**
 * Prints each lifecycle event as its rule delivers it to the stack's event queue:
 * `[event] <type> <user id>`. Returns what stops it.
 */
function printEvents(endpoint: string, queueUrl: string): () => void {
  const env = emulatorAwsEnv(endpoint);
  const sqs = new SQSClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } });
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })).catch(() => ({ Messages: [] }));
      for (const message of Messages) {
        const { detail } = deliveredEvent(message.Body ?? '{}');
        console.log(`[event] ${detail.type} ${'user_id' in detail ? detail.user_id : '(no user yet)'}`);
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle })).catch(() => undefined);
      }
    }
  };
  void loop();
  return () => {
    stopped = true;
    sqs.destroy();
  };
}

async function main(): Promise<void> {
  const problems = await startProblems();
  if (problems.length > 0) {
    for (const problem of problems) console.error(`[local] ${problem}`);
    process.exit(1);
  }
  // The functions' Node (22), installed into .local/node on first use: the SDK and the CDK CLI run
  // on the runtime they are deployed to, and have no Node version to warn about.
  if (!onLambdaNode()) {
    const run = runOnLambdaNode('tsx', [__filename], log);
    log(`running on ${run.node}`);
    process.exit(await run.exited);
  }

  let emulator: Emulator | undefined;
  let stopping = false;
  const cleanups: (() => Promise<void> | void)[] = [];
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    for (const cleanup of cleanups.reverse()) await cleanup();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    emulator = await startEmulator({ port: EMULATOR_PORT, log });
    cleanups.push(() => emulator!.stop());
    const origin = `http://127.0.0.1:${PORT}`;
    log('deploying the stack (cdk bootstrap + cdk deploy)…');
    const deployment = await deployToEmulator({
      endpoint: emulator.endpoint,
      stackName: 'MagicLinkAuthLocal',
      context: {
        senderAddress: process.env.SENDER_ADDRESS ?? 'no-reply@example.com',
        // Unset, the app's own default name (DEFAULT_APP_NAME) applies.
        ...(process.env.APP_NAME ? { appName: process.env.APP_NAME } : {}),
        ...(REDIRECT_URLS.ok && REDIRECT_URLS.value.length > 0 ? { redirectUrls: SETTINGS.redirectUrls.kind.toText(REDIRECT_URLS.value) } : {}),
        signInUrl: `${origin}/sign-in`,
        oidcClients: JSON.stringify([LOCAL_CLIENT]),
        // The emulator's own API URL is http on a host that is not loopback: the issuer is this proxy.
        issuer: origin,
        allowedOrigins: origin,
        tableRemovalPolicy: 'destroy',
        // A rule delivers every lifecycle event to a queue, which this script prints from.
        eventQueue: 'true',
      },
      log,
    });
    log(`deployed in ${deployment.timings.bootstrapMs + deployment.timings.deployMs} ms (api ${deployment.apiId})`);

    // Everything, the hosted sign-in page included, is the deployed API's answer.
    const server = createServer((req, res) => {
      if (answeredAsLocalApp(origin, req, res)) return;
      const fail = (error: Error) => res.writeHead(502, { 'content-type': 'text/plain' }).end(`local forwarder: ${error.message}`);
      // The captured mail, rendered, is this server's own page; everything else is the API's answer.
      answerMailbox(req, res, () => readMailbox(emulator!.endpoint))
        .then((answered) => (answered ? undefined : forward(deployment.apiBaseUrl, req, res)))
        .catch(fail);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(PORT, '127.0.0.1', resolve);
    });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    let seen = (await readMailbox(emulator.endpoint)).length;
    const poll = setInterval(() => {
      readMailbox(emulator!.endpoint)
        .then((mails) => {
          for (const [index, mail] of mails.slice(seen).entries()) {
            const link = magicLinkIn(mail);
            const code = codeIn(mail);
            const view = `${origin}${mailPartPath(seen + index + 1, 'html')}`;
            console.log(`[mail] to ${mail.to.join(', ')}: ${mail.subject}${link ? `\n       ${link.url}` : ''}${code ? `\n       code ${code}` : ''}\n       view ${view}`);
          }
          seen = mails.length;
        })
        .catch(() => undefined);
    }, 500);
    cleanups.push(() => clearInterval(poll));
    cleanups.push(printEvents(emulator.endpoint, deployment.outputs.EventQueueUrl!));

    console.log(`\nMagic-link sign-in is running at ${origin}\n`);
    console.log(`  Sign in in a browser: ${origin}/sign-in (the hosted page; the links mailed open it too)\n`);
    console.log(`  Every mail sent, rendered and as text: ${origin}${MAILBOX_PATH}\n`);
    const [redirectTo] = REDIRECT_URLS.ok ? REDIRECT_URLS.value : [];
    console.log(
      redirectTo
        ? `  Sign in and be sent on to ${redirectTo} (an allowed REDIRECT_URLS entry): ${origin}/sign-in?redirect_to=${encodeURIComponent(redirectTo)}\n`
        : `  To try the hand-off to your app after sign-in, start with REDIRECT_URLS=<your app's URL> and open ${origin}/sign-in?redirect_to=<that URL>\n`,
    );
    console.log(`  curl -X POST ${origin}/v1/auth/magic-link -H 'content-type: application/json' -d '{"email":"a@example.com"}'`);
    console.log(`  then open the printed link, or: curl -X POST ${origin}/v1/auth/verify -H 'content-type: application/json' -d '{"token":"<token>"}'`);
    console.log(`  or sign in with the printed code: -d '{"email":"a@example.com","code":"<code>"}'\n`);
    console.log(`OIDC client: ${LOCAL_CLIENT.clientId} ${OIDC_REDIRECT_URI}`);
    console.log(`  its discovery: ${origin}/.well-known/openid-configuration (public client: PKCE S256, no secret)\n`);
    console.log('Ctrl-C stops it.');
  } catch (error) {
    console.error(`[local] ${(error as Error).message}`);
    await shutdown(1);
  }
}

void main();

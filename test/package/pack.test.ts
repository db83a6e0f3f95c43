import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FUNCTION_NAMES } from '../../lib/functions';
import { LOCALES } from '../../lambdas/contract/locales';
import { ALARM_THRESHOLDS } from '../../lib/monitoring';

/**
 * The package as a team gets it: `npm pack` (which builds the bundles and compiles the library), the
 * tarball installed into a fresh CDK app in a temporary directory with its own package.json and
 * aws-cdk-lib and constructs as its own dependencies, then a plain JavaScript app and a TypeScript one
 * that use the construct. Nothing of this repository is on their path.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const rootPackage = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });

let work: string;
let tarball: string;
let packed: { files: { path: string }[]; size: number; unpackedSize: number };

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'magic-link-pack-'));
  const output = run('npm', ['pack', '--json', '--pack-destination', work], ROOT);
  packed = JSON.parse(output.slice(output.indexOf('[')))[0];
  tarball = path.join(work, readdirSync(work).find((file) => file.endsWith('.tgz'))!);
  const app = path.join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({
      name: 'consumer-app',
      private: true,
      dependencies: {
        'aws-cdk-lib': rootPackage.devDependencies['aws-cdk-lib'],
        constructs: rootPackage.devDependencies.constructs,
        [rootPackage.name]: `file:${tarball}`,
      },
    }),
  );
  // From npm's cache when it has them (CI's `npm ci` just filled it): no network needed.
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], app);
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const APP_JS = `
const { App, Stack } = require('aws-cdk-lib');
const { MagicLinkAuth } = require('${rootPackage.name}');
const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer');
const auth = new MagicLinkAuth(stack, 'Auth', { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl: 'https://app.example.com/sign-in' });
if (!auth.table.tableName || typeof auth.grantReadSessions !== 'function') throw new Error('missing table or grant');
app.synth();
`;

const APP_TS = `
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { MagicLinkAuth, type MagicLinkAuthProps, ALARM_THRESHOLDS } from '${rootPackage.name}';
const app = new App();
const stack = new Stack(app, 'Typed');
const props: MagicLinkAuthProps = { senderAddress: 'no-reply@example.com', appName: 'Example App', linkLifetime: Duration.minutes(10), configurationSet: 'none' };
const auth = new MagicLinkAuth(stack, 'Auth', props);
const mine = new lambda.Function(stack, 'Mine', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1') });
auth.grantReadSessions(mine);
const threshold: number = ALARM_THRESHOLDS.bounceRate;
export { threshold };

// The typed client and the browser module, from their subpaths, with their types.
import { MagicLinkClient, type SignedIn } from '${rootPackage.name}/client';
import { mountSignIn, type SignInOptions } from '${rootPackage.name}/sign-in';
// One locale's user messages, on its own subpath.
import { messages as german } from '${rootPackage.name}/messages/de';
const client = new MagicLinkClient({ baseUrl: 'https://auth.example.com', messages: german });
const onSignedIn: SignInOptions['onSignedIn'] = (session) => void session.token.length;
export const mount = (root: HTMLElement) => mountSignIn(root, { baseUrl: 'https://auth.example.com', onSignedIn });
export async function signIn(token: string): Promise<SignedIn | undefined> {
  const result = await client.verify(token);
  return result.ok ? result.data : undefined;
}
`;

/** What a backend (ES module) and a browser bundle get from the package's subpaths, run on Node. */
const CLIENT_MJS = `
import { createRequire } from 'node:module';
import { MagicLinkClient, createPkcePair } from '${rootPackage.name}/client';
import { mountSignIn } from '${rootPackage.name}/sign-in';
const answer = { success: true, data: { expires_in: 900 }, request_id: 'req_01JD0000000000000000000000', timestamp: '2026-11-21T21:56:33Z' };
const client = new MagicLinkClient({
  baseUrl: 'https://auth.example.com/',
  fetch: async (url, init) => new Response(JSON.stringify({ ...answer, data: { ...answer.data, url: String(url), body: JSON.parse(init.body) } }), { status: 202, headers: { 'content-type': 'application/json' } }),
});
const sent = await client.requestMagicLink('ada@example.com');
const { verifier, challenge } = await createPkcePair();
const cjs = createRequire(import.meta.url)('${rootPackage.name}/client');
const limited = { success: false, error: 'magic_link_ip_limit_exceeded', message: 'Too many magic link requests from this IP.', details: [], retry_after: 3600, doc_url: '', request_id: 'req_01JD0000000000000000000000' };
const german = new MagicLinkClient({
  baseUrl: 'https://auth.example.com',
  messages: (await import('${rootPackage.name}/messages/de')).messages,
  fetch: async () => new Response(JSON.stringify(limited), { status: 429, headers: { 'content-type': 'application/json' } }),
});
const refused = await german.requestMagicLink('ada@example.com');
console.log(JSON.stringify({ sent, verifier: verifier.length, challenge: challenge.length, mountSignIn: typeof mountSignIn, commonJs: typeof cjs.MagicLinkClient, germanMessage: refused.userMessage }));
`;

describe('the packed construct library', () => {
  it('ships compiled JavaScript, type declarations and the prebuilt bundles; no TypeScript sources', () => {
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/magic-link-auth.d.ts']));
    // The typed client and the browser module, with their types, and the license package.json names.
    expect(files).toEqual(expect.arrayContaining(['dist/client/index.js', 'dist/client/index.d.ts', 'client/dist/sign-in.js', 'dist/client/sign-in.d.ts', 'LICENSE']));
    // Every locale's user messages, each a module of its own so an app ships only the languages it uses.
    for (const locale of LOCALES) {
      expect(files).toEqual(expect.arrayContaining([`dist/lambdas/contract/locales/${locale}/messages.js`, `dist/lambdas/contract/locales/${locale}/messages.d.ts`]));
    }
    expect(rootPackage.license).toBe('MIT');
    expect(readFileSync(path.join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    for (const name of ['request-magic-link', 'verify', 'get-session', 'sign-out', 'sign-in-page', 'openapi', 'fallback']) {
      expect(files).toContain(`dist/bundles/${name}/index.mjs`);
      // The source maps ship for mapping a logged stack frame offline, apart from the deployed code.
      expect(files).toContain(`dist/maps/${name}/index.mjs.map`);
      expect(files).not.toContain(`dist/bundles/${name}/index.mjs.map`);
    }
    expect(files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('test/') || file.startsWith('scripts/') || file.startsWith('.local/'))).toEqual([]);
  });

  it('is used from a plain JavaScript CDK app: synthesizes the service with the prebuilt bundles as the functions code', () => {
    const app = path.join(work, 'app');
    writeFileSync(path.join(app, 'app.js'), APP_JS);
    run(process.execPath, ['app.js'], app);
    const out = path.join(app, 'cdk.out');
    const template = JSON.parse(readFileSync(path.join(out, 'Consumer.template.json'), 'utf8'));
    const resources = Object.values(template.Resources) as { Type: string; Properties: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const functions = resources.filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(FUNCTION_NAMES.length);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
      const asset = path.join(out, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
      // The function's module and the chunks it loads (a dynamic import() is a chunk of its own): code only, no source map.
      const files = readdirSync(asset);
      expect(files).toContain('index.mjs');
      expect(files.filter((file) => !file.endsWith('.mjs'))).toEqual([]);
    }
    expect(resources.filter((resource) => resource.Type === 'AWS::DynamoDB::GlobalTable')).toHaveLength(1);
    expect(resources.filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Api')[0]!.Properties.CorsConfiguration.AllowOrigins).toEqual(['https://app.example.com']);
    expect(resources.filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')).toHaveLength(Object.keys(ALARM_THRESHOLDS).length);
    // Nothing points back at this repository.
    expect(JSON.stringify(template)).not.toContain(ROOT);
  });

  it.each(['node10', 'node16', 'bundler'])('type-checks from a TypeScript app (moduleResolution %s), with the props, the grant, the client, one locale of user messages and the browser module typed', (resolution) => {
    const app = path.join(work, 'app');
    writeFileSync(path.join(app, 'app.ts'), APP_TS);
    const module = { node10: 'commonjs', node16: 'node16', bundler: 'es2022' }[resolution];
    writeFileSync(
      path.join(app, `tsconfig.${resolution}.json`),
      JSON.stringify({ compilerOptions: { strict: true, module, moduleResolution: resolution, target: 'ES2022', noEmit: true, skipLibCheck: true, types: [] }, files: ['app.ts'] }),
    );
    run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${resolution}.json`], app);
  });

  it('serves the typed client and the browser module from their subpaths, to ES modules and CommonJS', () => {
    const app = path.join(work, 'app');
    writeFileSync(path.join(app, 'client.mjs'), CLIENT_MJS);
    const result = JSON.parse(run(process.execPath, ['client.mjs'], app));
    expect(result).toEqual({
      sent: { ok: true, status: 202, data: { expires_in: 900, url: 'https://auth.example.com/v1/auth/magic-link', body: { email: 'ada@example.com' } }, requestId: 'req_01JD0000000000000000000000' },
      verifier: 43,
      challenge: 43,
      mountSignIn: 'function',
      commonJs: 'function',
      germanMessage: 'Zu viele Anmeldeanfragen aus Ihrem Netzwerk. Bitte versuchen Sie es in 60 Minuten erneut.',
    });
  });

  it('has a README whose every relative link resolves inside the package', () => {
    const installed = path.join(work, 'app', 'node_modules', rootPackage.name);
    const readme = readFileSync(path.join(installed, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^(https?:|mailto:|#)/.test(target));
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter((target) => !existsSync(path.join(installed, decodeURIComponent(target.split('#')[0]!))))).toEqual([]);
  });
});

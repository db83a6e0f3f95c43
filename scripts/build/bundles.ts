/**
 * The functions' bundles, built once and shipped prebuilt: the construct deploys `dist/bundles/<name>/`
 * as each function's code, so a team installing the package needs neither our sources nor esbuild.
 * `npm run bundle` (and `npm pack`, through `prepack`) writes them; the repository's CDK app and the
 * test suites build them before they synthesize.
 *
 * ES modules with tree shaking (`mainFields: module,main` picks the SDK's ES builds), minified, the
 * AWS SDK bundled (pinned versions; the emulator needs it too) and its default credential chain
 * replaced by environment credentials, which is all Lambda uses. The source maps go to `dist/maps/`.
 */
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLE_DIR = path.join(ROOT, 'dist', 'bundles');
/**
 * Source maps, kept apart from the code so they are not deployed: a function loads faster without
 * `--enable-source-maps` (`npm run bench` shows by how much), and a stack frame from its logs is
 * mapped back offline with `dist/maps/<name>/index.mjs.map`, shipped in the package.
 */
export const MAP_DIR = path.join(ROOT, 'dist', 'maps');
const HANDLER_DIR = path.join(ROOT, 'lambdas', 'handlers');

/** Each bundle's module, in its function's directory (the construct's handler is `index.handler`). */
const ENTRY = 'index';

/** A function's bundle: `<dir>/<name>/index.mjs`. */
export function bundleFile(name: string, dir: string = BUNDLE_DIR): string {
  return path.join(dir, name, `${ENTRY}.mjs`);
}

/** Every function's handler file (`lambdas/handlers/<name>.ts`) is one bundle. */
export function bundleNames(): string[] {
  return readdirSync(HANDLER_DIR).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3)).sort();
}

/**
 * Per SDK client, the errors whose modeled members an adapter reads: DynamoDB's failed condition
 * (its item, `ReturnValuesOnConditionCheckFailure`) and cancelled transaction (its reasons). The
 * mailer and the code secret go by error names only. Errors the model marks retryable are kept as
 * well, whatever this says (`retryableErrors`).
 */
const MODELED_ERRORS: Record<string, readonly string[]> = {
  'client-dynamodb': ['ConditionalCheckFailedException', 'TransactionCanceledException'],
  'client-sesv2': [],
  'client-secrets-manager': [],
};

/**
 * The errors whose class carries the model's `$retryable` trait (DynamoDB's
 * `ReplicatedWriteConflictException`, for one): the SDK retries them by that trait and the store
 * counts them as "unavailable" by it, so dropping their class would change both. Read from the
 * client's own `models/errors.js`, so a trait a new SDK adds is kept too.
 */
function retryableErrors(schemaPath: string): string[] {
  const errors = readFileSync(path.join(path.dirname(schemaPath), '..', 'models', 'errors.js'), 'utf8');
  return errors.split(/^export class /m).filter((body) => /^\s+\$retryable\b/m.test(body)).map((body) => /^\w+/.exec(body)![0]);
}

/**
 * Two rewrites of the SDK clients' schema modules, each leaving what our calls see unchanged:
 *
 * - They keep every operation's schema when the schema carries an HTTP binding written as a computed
 *   key (`{ [_h]: ["POST", "/v2/email/outbound-emails", 200] }` in SES v2's): esbuild cannot tell
 *   `[_h]` is free of side effects, so not one of about 100 unused operations is dropped (about
 *   40 KB). `_h` is a module constant (`const _h = "http"`): writing the key as that string lets tree
 *   shaking work.
 * - Each registers all its error classes with their schemas at load (DynamoDB's 35 are about 12 KB of
 *   every function, SES's and Secrets Manager's about 4 KB each). Only those in `MODELED_ERRORS` are
 *   kept, with those the model marks retryable: any other error arrives as the client's service
 *   exception with the error's name, message and HTTP status, which is all the adapters and the
 *   SDK's retries look at for it (they go by name).
 *   `test/store/bundled-functions.test.ts` runs the bundles against DynamoDB Local and stand-ins to
 *   prove both kinds.
 */
const sdkSchemas: Plugin = {
  name: 'sdk-schemas',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const constants = new Map([...source.matchAll(/^const (_\w+) = ("[^"\\]*");$/gm)].map((match) => [match[1]!, match[2]!]));
      let contents = source.replace(/\[(_\w+)\]:/g, (whole, name: string) => (constants.has(name) ? `${constants.get(name)}:` : whole));
      const client = /[\\/]@aws-sdk[\\/](client-[^\\/]+)[\\/]/.exec(args.path)![1]!;
      const modeledErrors = MODELED_ERRORS[client];
      if (!modeledErrors) throw new Error(`${client} is bundled but not in MODELED_ERRORS: list the errors whose members its adapter reads`);
      const kept = [...modeledErrors, ...retryableErrors(args.path)];
      let registrations = 0;
      contents = contents.replace(/^n0_registry\.registerError\((\w+)\$, \1\);$/gm, (line, name: string) => {
        registrations += 1;
        return kept.includes(name) ? line : '';
      });
      // A new SDK that registers its errors in another shape would silently keep them all: fail instead.
      const modeled = source.match(/^(?!_s_registry)\w+\.registerError\(/gm)?.length ?? 0;
      if (modeled !== registrations) throw new Error(`${args.path}: ${modeled - registrations} error registrations not in the shape this build rewrites`);
      return { contents, loader: 'js' };
    });
  },
};

/** The SDK's clients import their whole package.json for the version in the user agent (about 2 KB each): that field only. */
const packageVersionOnly: Plugin = {
  name: 'package-version-only',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/ }, (args) => {
      const { name, version } = JSON.parse(readFileSync(args.path, 'utf8')) as { name: string; version: string };
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

/**
 * Two pieces of the SDK that a Lambda function on Node never runs, left out (about 10 KB):
 * - DynamoDB's endpoint discovery, off unless a client turns it on (ours do not), still builds an
 *   LRU cache (mnemonist, with obliterator) that every request only asks for an endpoint it never
 *   holds. An empty cache gives the same answers.
 * - The pure-JavaScript SHA-256 the SDK falls back to when `node:crypto` has no sha256, which Node
 *   always has.
 */
const unusedSdkFallbacks: Plugin = {
  name: 'unused-sdk-fallbacks',
  setup(builder) {
    builder.onResolve({ filter: /^mnemonist\/lru-cache$/ }, () => ({ path: path.join(ROOT, 'scripts', 'build', 'empty-lru-cache.ts') }));
    builder.onLoad({ filter: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]sha256[\\/]Sha256Node\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const contents = source
        .replace('import { Sha256Js } from "./Sha256Js";', '')
        .replace('export const Sha256Node = hasNativeCrypto ? buildNativeClass() : Sha256Js;', 'export const Sha256Node = buildNativeClass();');
      return { contents, loader: 'js' };
    });
  },
};

export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  minify: true,
  treeShaking: true,
  sourcemap: 'external',
  sourcesContent: false,
  legalComments: 'none',
  outExtension: { '.js': '.mjs' },
  alias: { '@aws-sdk/credential-provider-node': path.join(ROOT, 'lambdas', 'adapters', 'lambda-credentials.ts') },
  // Loaded by a dynamic import() only for event-stream operations, which none of our calls are: left
  // out of the bundle (about 15 KB), it is never resolved.
  external: ['@smithy/core/event-streams'],
  plugins: [sdkSchemas, packageVersionOnly, unusedSdkFallbacks],
  // CommonJS dependencies inside an ES module still call require() for Node's built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'error',
};

/**
 * Builds every bundle into `outDir/<name>/index.mjs` (with its source map). A file is replaced only
 * when its content changed, by an atomic rename: parallel builds (several stacks synthesizing at once)
 * cannot leave a half-written bundle, and an unchanged bundle keeps its asset hash.
 */
export async function buildBundles(outDir: string = BUNDLE_DIR, mapDir: string = MAP_DIR, overrides: BuildOptions = {}): Promise<string[]> {
  const names = bundleNames();
  const result = await build({
    ...BUNDLE_OPTIONS,
    ...overrides,
    entryPoints: Object.fromEntries(names.map((name) => [`${name}/${ENTRY}`, path.join(HANDLER_DIR, `${name}.ts`)])),
    outdir: outDir,
    write: false,
  });
  const written = new Set<string>();
  for (const file of result.outputFiles) {
    const target = file.path.endsWith('.map') ? path.join(mapDir, path.relative(outDir, file.path)) : file.path;
    written.add(target);
    if (existsSync(target) && readFileSync(target).equals(file.contents)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, target);
  }
  // A removed handler's bundle, or a map left by an older build, must not linger and be deployed.
  for (const dir of [outDir, mapDir]) {
    for (const entry of existsSync(dir) ? readdirSync(dir) : []) {
      const entryPath = path.join(dir, entry);
      if (!names.includes(entry)) rmSync(entryPath, { recursive: true, force: true });
      else for (const file of readdirSync(entryPath)) if (!written.has(path.join(entryPath, file))) rmSync(path.join(entryPath, file), { force: true });
    }
  }
  return names;
}

if (require.main === module) {
  buildBundles().then(
    (names) => console.log(`built ${names.length} bundles into ${path.relative(process.cwd(), BUNDLE_DIR)}/`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * The functions' bundles, built once and shipped prebuilt: the construct deploys `dist/bundles/<name>/`
 * as each function's code, so a team installing the package needs neither our sources nor esbuild.
 * `npm run bundle` (and `npm pack`, through `prepack`) writes them; the repository's CDK app and the
 * test suites build them before they synthesize.
 *
 * Plain bundling: only esbuild's documented options, and nothing reads or rewrites the text of a
 * dependency's files, so an SDK upgrade needs no knowledge of the SDK's internals here
 * (`test/unit/bundling.test.ts` holds that). ES modules with tree shaking (`mainFields: module,main`
 * picks the SDK's ES builds), minified, the AWS SDK bundled (pinned versions; the emulator needs it
 * too) and its default credential chain (`@aws-sdk/credential-provider-node`, a credential provider
 * the SDK documents) aliased to environment credentials, which is all Lambda uses. The source maps go
 * to `dist/maps/`.
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';
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

export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  // A dynamic import() becomes a chunk of its own beside index.mjs, loaded only when reached: code a
  // function needs only with an optional feature (the beforeSignIn hook's Lambda client) stays out of
  // its cold start. Each function is its own build, so no chunk is shared between functions.
  splitting: true,
  chunkNames: '[name]-[hash]',
  mainFields: ['module', 'main'],
  minify: true,
  treeShaking: true,
  sourcemap: 'external',
  sourcesContent: false,
  legalComments: 'none',
  outExtension: { '.js': '.mjs' },
  alias: { '@aws-sdk/credential-provider-node': path.join(ROOT, 'lambdas', 'adapters', 'lambda-credentials.ts') },
  // Loaded by a dynamic import() only for event-stream operations, which none of our calls are: left
  // out of the bundle, it is never resolved. Likewise the user-agent parser of the SDK's browser
  // build, imported by code Node never runs: with splitting it would otherwise become a dead chunk.
  external: ['@smithy/core/event-streams', 'bowser'],
  // CommonJS dependencies inside an ES module still call require() for Node's built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  logLevel: 'error',
};

/**
 * The files a function loads when it starts, from the build's metafile: its `index.mjs` and every chunk
 * imported statically from there, not the chunks behind a dynamic `import()` (loaded only when that
 * code runs). Their sum is what a cold start reads and parses: what a bundle's size means.
 */
export function loadedAtStart(metafile: Metafile, name: string, dir: string = BUNDLE_DIR): { file: string; output: Metafile['outputs'][string] }[] {
  const outputs = new Map(Object.entries(metafile.outputs).map(([file, output]) => [path.resolve(file), output]));
  const loaded = new Map<string, Metafile['outputs'][string]>();
  const visit = (file: string) => {
    const output = outputs.get(file);
    if (output === undefined || loaded.has(file)) return;
    loaded.set(file, output);
    for (const imported of output.imports) if (imported.kind === 'import-statement' && !imported.external) visit(path.resolve(imported.path));
  };
  visit(bundleFile(name, dir));
  return [...loaded].map(([file, output]) => ({ file, output }));
}

export interface BuiltBundles {
  readonly names: string[];
  /** esbuild's account of what each bundle holds (the bench reads which AWS clients each carries). */
  readonly metafile: Metafile;
}

/**
 * Builds every bundle into `outDir/<name>/index.mjs` (with its source map). A file is replaced only
 * when its content changed, by an atomic rename: parallel builds (several stacks synthesizing at once)
 * cannot leave a half-written bundle, and an unchanged bundle keeps its asset hash.
 */
export async function buildBundles(outDir: string = BUNDLE_DIR, mapDir: string = MAP_DIR, overrides: BuildOptions = {}): Promise<BuiltBundles> {
  const names = bundleNames();
  // One build per function: its chunks land in its own directory, the asset the construct deploys.
  const results = await Promise.all(
    names.map((name) =>
      build({
        ...BUNDLE_OPTIONS,
        ...overrides,
        entryPoints: { [ENTRY]: path.join(HANDLER_DIR, `${name}.ts`) },
        outdir: path.join(outDir, name),
        write: false,
        metafile: true,
      }),
    ),
  );
  const metafile: Metafile = { inputs: {}, outputs: {} };
  for (const result of results) {
    Object.assign(metafile.inputs, result.metafile.inputs);
    Object.assign(metafile.outputs, result.metafile.outputs);
  }
  const written = new Set<string>();
  for (const file of results.flatMap((result) => result.outputFiles)) {
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
  return { names, metafile };
}

if (require.main === module) {
  buildBundles().then(
    ({ names }) => console.log(`built ${names.length} bundles into ${path.relative(process.cwd(), BUNDLE_DIR)}/`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

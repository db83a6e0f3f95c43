import { buildSync } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

/** Every file a module pulls in, following imports the way a bundler does (packages named, not followed). */
function importGraph(entry: string): { files: string[]; packages: string[] } {
  const result = buildSync({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    logLevel: 'silent',
    packages: 'external',
  });
  const output = Object.values(result.metafile!.outputs)[0]!;
  return {
    files: Object.keys(result.metafile!.inputs),
    packages: [...new Set(output.imports.filter((i) => i.external).map((i) => i.path))],
  };
}

describe('layering', () => {
  it('lib/ imports nothing under lambdas/adapters/ and no AWS SDK package', () => {
    const { files, packages } = importGraph('lib/magic-link-auth-stack.ts');
    expect(files.filter((file) => file.startsWith('lambdas/adapters/'))).toEqual([]);
    expect(packages.filter((name) => name.startsWith('@aws-sdk/'))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['lambdas/settings.ts', 'lambdas/table-layout.ts', 'lambdas/contract/routes.ts']));
  });

  it("lib/ imports only packages an adopter's app has: the package's own dependencies and Node's", () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    const installed = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const { packages } = importGraph('lib/index.ts');
    const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
    expect(packages.filter((specifier) => !specifier.startsWith('node:') && !installed.has(packageName(specifier)))).toEqual([]);
  });

  const domainFiles = readdirSync(path.join(root, 'lambdas/domain')).map((name) => `lambdas/domain/${name}`);

  it.each(domainFiles)('%s imports no AWS SDK, adapter, contract or HTTP module, and names no HTTP status', (file) => {
    const { files, packages } = importGraph(file);
    expect(files.filter((f) => !f.startsWith('lambdas/domain/'))).toEqual([]);
    expect(packages.filter((name) => !name.startsWith('node:'))).toEqual([]);
    const source = readFileSync(path.join(root, file), 'utf8');
    // A colour such as `#555` in the mail template is not a status.
    expect(source).not.toMatch(/\bstatus\b|(?<![#\w])[45]\d\d(?!\d)/);
  });
});

/** The repository's top-level source folders, each a layer of its own. */
const FOLDERS = ['bin', 'lib', 'lambdas', 'client', 'scripts', 'test'] as const;

/** Every TypeScript and JavaScript source file under the source folders (generated output and packages aside). */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return ['node_modules', 'dist', '__snapshots__'].includes(entry.name) ? [] : sourceFiles(file);
    return /\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/**
 * Each source file's own imports of other source files (not what those import in turn), as a bundler
 * resolves them: `{ from, to }` pairs of repository paths.
 */
function directImports(files: readonly string[]): { from: string; to: string }[] {
  const result = buildSync({
    entryPoints: files.map((file) => path.join(root, file)),
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    outdir: path.join(root, '.layering-out'),
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    packages: 'external',
  });
  return Object.entries(result.metafile!.inputs).flatMap(([from, input]) =>
    input.imports.filter((i) => !i.external && !i.path.startsWith('node_modules/')).map((i) => ({ from, to: i.path })),
  );
}

const folderOf = (file: string) => file.split('/')[0]!;

/** The folders' dependency cycles, each as the path that closes it (`a -> b -> a`). */
function folderCycles(edges: readonly { from: string; to: string }[]): string[] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (a !== b) next.set(a, (next.get(a) ?? new Set()).add(b));
  }
  const cycles = new Set<string>();
  const walk = (folder: string, trail: string[]) => {
    for (const to of next.get(folder) ?? []) {
      const at = trail.indexOf(to);
      if (at < 0) {
        walk(to, [...trail, to]);
        continue;
      }
      // One name per cycle whichever folder it was entered from: rotated to start at its first folder in order.
      const loop = trail.slice(at);
      const start = loop.indexOf([...loop].sort()[0]!);
      const rotated = [...loop.slice(start), ...loop.slice(0, start)];
      cycles.add([...rotated, rotated[0]].join(' -> '));
    }
  };
  for (const folder of next.keys()) walk(folder, [folder]);
  return [...cycles];
}

describe('folders', () => {
  const edges = directImports(FOLDERS.flatMap((folder) => sourceFiles(folder)));
  const crossing = (from: string, to: string) =>
    edges.filter((edge) => folderOf(edge.from) === from && folderOf(edge.to) === to).map((edge) => `${edge.from} imports ${edge.to}`);

  it('sees the imports it judges (tests import the code they test)', () => {
    expect(crossing('test', 'lambdas').length).toBeGreaterThan(10);
    expect(crossing('bin', 'lib')).not.toEqual([]);
  });

  it('scripts/ and bin/ import nothing from test/: tools do not depend on tests', () => {
    expect([...crossing('scripts', 'test'), ...crossing('bin', 'test')]).toEqual([]);
  });

  it('bin/ imports nothing from scripts/: the CDK app needs only the construct', () => {
    expect(crossing('bin', 'scripts')).toEqual([]);
  });

  it('has no dependency cycle between folders', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    expect(folderCycles([{ from: 'scripts/a.ts', to: 'test/b.ts' }, { from: 'test/c.ts', to: 'scripts/d.ts' }])).toEqual(['scripts -> test -> scripts']);
  });
});

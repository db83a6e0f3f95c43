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

/**
 * Builds the browser code in client/ into what ships: the drop-in module (`client/dist/sign-in.js`,
 * for pages of your own: committed, so it can be copied from the repository without a build; the npm
 * package does not carry it) and the hosted page's script (`lambdas/hosted/app.generated.ts`, served
 * by the stack). Minified ES modules for current browsers. Pure: the docs test compares the output
 * with the committed files, so a stale build fails CI.
 */
import { buildSync } from 'esbuild';
import * as path from 'node:path';
import { pack } from './pack';

export const SIGN_IN_MODULE_PATH = 'client/dist/sign-in.js';
export const HOSTED_APP_PATH = 'lambdas/hosted/app.generated.ts';

const root = path.resolve(__dirname, '..', '..');

export function buildBrowserModule(entry: string): string {
  const result = buildSync({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome111', 'firefox111', 'safari16.4'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export function renderBrowserModules(): Map<string, string> {
  const hosted = buildBrowserModule('client/hosted-page.ts');
  return new Map([
    [SIGN_IN_MODULE_PATH, `// Built by \`npm run docs\` from client/sign-in.ts; do not edit.\n${buildBrowserModule('client/sign-in.ts')}`],
    [
      HOSTED_APP_PATH,
      `// Built by \`npm run docs\` from client/hosted-page.ts; do not edit.\nimport { unpack } from '../http/packed';\n\n` +
        `/** The hosted sign-in page's module, minified (${hosted.length} characters), shipped brotli-compressed. */\n` +
        `export const SIGN_IN_APP_JS = unpack(${JSON.stringify(pack(hosted))});\n`,
    ],
  ]);
}

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUNDLE_OPTIONS } from '../build/bundles';
import { ROOT, run } from './emulator';

/**
 * The Node.js the functions run on in Lambda (`nodejs22.x`), for figures that should not be taken on
 * the machine's own Node (v20 on the dev machines): `npm run bench`. Pinned; its major must be the
 * one the bundles target (checked below), which is the construct's runtime (checked by the template
 * tests).
 */
export const LAMBDA_NODE_VERSION = '22.23.3';

const HOME = path.join(ROOT, '.local', 'node', LAMBDA_NODE_VERSION);

/** `22` from the bundles' `target: 'node22'`. */
export function targetNodeMajor(): number {
  const target = /^node(\d+)$/.exec(String(BUNDLE_OPTIONS.target));
  if (!target) throw new Error(`the bundles' target ${String(BUNDLE_OPTIONS.target)} names no Node major`);
  return Number(target[1]);
}

/**
 * The pinned Node's binary, installed into `.local/node/<version>` on first use from the npm registry's
 * `node-<platform>-<arch>` package: the binary the `node` package itself installs, without its install
 * script. About 50 MB to download, once.
 */
export function ensureLambdaNode(log: (line: string) => void = () => undefined): string {
  const major = Number(LAMBDA_NODE_VERSION.split('.')[0]);
  if (major !== targetNodeMajor()) throw new Error(`LAMBDA_NODE_VERSION ${LAMBDA_NODE_VERSION} is not the bundles' target, node${targetNodeMajor()}`);
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const binary = path.join(HOME, 'node_modules', `node-${platform}-${process.arch}`, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const marker = path.join(HOME, '.installed');
  if (existsSync(marker) && existsSync(binary)) return binary;
  log(`installing Node ${LAMBDA_NODE_VERSION} (the functions' runtime) into .local/node (first run only)`);
  rmSync(HOME, { recursive: true, force: true });
  mkdirSync(HOME, { recursive: true });
  writeFileSync(path.join(HOME, 'package.json'), '{"private":true}\n');
  const what = `installing Node ${LAMBDA_NODE_VERSION}`;
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', `node-${platform}-${process.arch}@${LAMBDA_NODE_VERSION}`], what, HOME);
  if (!existsSync(binary)) throw new Error(`${what}: npm finished but left no ${binary}`);
  writeFileSync(marker, '');
  return binary;
}

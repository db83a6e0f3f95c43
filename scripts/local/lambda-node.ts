import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import * as path from 'node:path';
import { BUNDLE_OPTIONS } from '../build/bundles';
import { ROOT, run } from './emulator';

/**
 * The Node.js the functions run on in Lambda (`nodejs22.x`), for whatever should not run on the
 * machine's own Node (v20 on the dev machines): `npm test`, `npm start`, the emulator's Lambdas and
 * `npm run bench`. Pinned; its major must be the one the bundles target (checked below), which is the
 * construct's runtime (checked by the template tests).
 */
export const LAMBDA_NODE_VERSION = '22.23.3';


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
  // Read here, not at load: emulator.ts, which defines ROOT, imports this module.
  const home = path.join(ROOT, '.local', 'node', LAMBDA_NODE_VERSION);
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const binary = path.join(home, 'node_modules', `node-${platform}-${process.arch}`, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const marker = path.join(home, '.installed');
  if (existsSync(marker) && existsSync(binary)) return binary;
  log(`installing Node ${LAMBDA_NODE_VERSION} (the functions' runtime) into .local/node (first run only)`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'package.json'), '{"private":true}\n');
  const what = `installing Node ${LAMBDA_NODE_VERSION}`;
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', `node-${platform}-${process.arch}@${LAMBDA_NODE_VERSION}`], what, home);
  if (!existsSync(binary)) throw new Error(`${what}: npm finished but left no ${binary}`);
  writeFileSync(marker, '');
  return binary;
}

/** Whether this process already runs on the functions' Node major (then nothing is installed). */
export function onLambdaNode(): boolean {
  return Number(process.versions.node.split('.')[0]) === targetNodeMajor();
}

/** The Node binary to run the functions' major on: this process's own when it already does, else the pinned one (installed on first use). */
function lambdaNodeBinary(log: (line: string) => void): string {
  return onLambdaNode() ? process.execPath : ensureLambdaNode(log);
}

/**
 * PATH with the functions' Node first, so that whatever a child starts as `node` (an npm tool's
 * shebang, the emulator's Lambdas) runs on it.
 */
export function pathWithLambdaNode(log: (line: string) => void = () => undefined): string {
  return pathWith(lambdaNodeBinary(log));
}

function pathWith(node: string): string {
  const current = process.env.PATH ?? '/usr/bin:/bin';
  return current.split(path.delimiter)[0] === path.dirname(node) ? current : `${path.dirname(node)}${path.delimiter}${current}`;
}

/**
 * Runs a tool of node_modules/.bin (jest, tsx) on the functions' Node, with that Node first on PATH
 * for what the tool starts in turn, its output on this terminal. `node` says which Node that is;
 * `exited` is its exit code. Ctrl-C reaches it from the terminal as it does this process, which waits
 * for it; a SIGTERM sent here is passed on.
 */
export function runOnLambdaNode(tool: string, args: readonly string[], log: (line: string) => void = () => undefined): { readonly node: string; readonly exited: Promise<number> } {
  const node = lambdaNodeBinary(log);
  const script = realpathSync(path.join(ROOT, 'node_modules', '.bin', tool));
  const child = spawn(node, [script, ...args], { stdio: 'inherit', env: { ...process.env, PATH: pathWith(node) } });
  const onInterrupt = () => undefined;
  const onTerminate = () => child.kill('SIGTERM');
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onTerminate);
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
  const described = node === process.execPath ? `Node ${process.version}` : `Node v${LAMBDA_NODE_VERSION} (the functions' runtime, from .local/node; npm runs on ${process.version})`;
  return { node: described, exited };
}

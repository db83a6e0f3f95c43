import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { pathWithLambdaNode } from './lambda-node';

/**
 * MiniStack: a LocalStack-compatible AWS emulator (PyPI `ministack`, MIT) that needs no Docker and
 * runs Node.js Lambdas as local subprocesses. Pinned: the known gaps in docs/local-emulator.md were
 * found on this version.
 */
export const MINISTACK_VERSION = '1.5.33';
/** MiniStack's KMS makes RSA keys (the access tokens' signing keys) only with this beside it (docs/local-emulator.md, gap 20). */
const CRYPTOGRAPHY_VERSION = '44.0.0';

export const ROOT = path.resolve(__dirname, '..', '..');
const LOCAL = path.join(ROOT, '.local');
const VENV = path.join(LOCAL, 'venv');
const MINISTACK_BIN = path.join(VENV, 'bin', 'ministack');

export interface Emulator {
  /** e.g. http://127.0.0.1:4566 */
  readonly endpoint: string;
  /** Whether this process started it (and so must stop it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

/** Runs an install step to completion; a failure throws with the step's output (the local tools' installers). */
export function run(command: string, args: string[], what: string, cwd?: string): void {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${command} ${args.join(' ')} exited ${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Installs the pinned MiniStack and cryptography into `.local/venv` unless they are already there. python3 is the only prerequisite. */
export function ensureMiniStack(log: (line: string) => void = () => undefined): void {
  const versionFile = path.join(VENV, `.ministack-${MINISTACK_VERSION}-cryptography-${CRYPTOGRAPHY_VERSION}`);
  if (existsSync(MINISTACK_BIN) && existsSync(versionFile)) return;
  log(`installing MiniStack ${MINISTACK_VERSION} into .local/venv (first run only)`);
  mkdirSync(LOCAL, { recursive: true });
  if (!existsSync(path.join(VENV, 'bin', 'python'))) run('python3', ['-m', 'venv', VENV], 'creating the virtualenv');
  run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `ministack==${MINISTACK_VERSION}`, `cryptography==${CRYPTOGRAPHY_VERSION}`], 'installing MiniStack');
  run('touch', [versionFile], 'marking the install');
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(endpoint: string, child: ChildProcess | null, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`MiniStack exited with code ${child.exitCode} before it was ready`);
    try {
      // Bounded: a program that holds the port and accepts without answering must not stall the wait.
      const response = await fetch(`${endpoint}/_ministack/health`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
      lastError = new Error(`health answered ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`the emulator at ${endpoint} was not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

/** Whether something already listens on 127.0.0.1:`port` (binding it fails), found without connecting to it. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(true) : reject(error)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/**
 * Uses the emulator at AWS_ENDPOINT_URL when set (LocalStack, or a MiniStack you run yourself);
 * otherwise installs and starts MiniStack on 127.0.0.1:`port`.
 */
export async function startEmulator(options: { port?: number; log?: (line: string) => void } = {}): Promise<Emulator> {
  const log = options.log ?? (() => undefined);
  const external = process.env.AWS_ENDPOINT_URL;
  if (external) {
    const endpoint = external.replace(/\/+$/, '');
    log(`using the emulator at ${endpoint} (AWS_ENDPOINT_URL)`);
    return { endpoint, owned: false, stop: async () => undefined };
  }
  ensureMiniStack(log);
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  // Lambda subprocesses inherit the emulator's environment and unpack into its TMPDIR: give it a
  // clean environment (none of our AWS_* variables) and a temporary directory we delete afterwards.
  const tmp = path.join(LOCAL, 'tmp', String(port));
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const child = spawn(MINISTACK_BIN, [], {
    env: {
      // Its Lambdas run on the `node` it finds first: the functions' runtime, not the machine's Node.
      PATH: pathWithLambdaNode(log),
      HOME: tmp,
      TMPDIR: tmp,
      GATEWAY_PORT: String(port),
      BIND_HOST: '127.0.0.1',
      IOT_MTLS_ENABLED: '0',
      SFTP_ENABLED: '0',
      LOG_LEVEL: 'WARNING',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Its last words, for when it fails to start (it explains itself on stdout, a port in use for one).
  let output = '';
  const closed = new Promise((resolve) => child.once('close', resolve));
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const started = Date.now();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await waitForHealth(endpoint, child, 30_000);
  } catch (error) {
    await stop();
    await closed;
    throw new Error(`${(error as Error).message}${output.trim() ? `; its output:\n${output.trim()}` : ' (it printed nothing)'}`, { cause: error });
  }
  log(`MiniStack ${MINISTACK_VERSION} up at ${endpoint} in ${Date.now() - started} ms (pid ${child.pid})`);
  return { endpoint, owned: true, stop };
}

import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import { freePort } from '../../scripts/local/emulator';

/**
 * `npm start` with one of its ports taken: it must say which variable to change, at once, before it
 * installs or deploys anything (a taken port used to surface after a 14-second deploy, or never).
 */
const ROOT = path.resolve(__dirname, '..', '..');

/** A listener that accepts connections and never answers, as a program holding the port may. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/** Runs `npm start`'s entry with `env`, for at most 5 s; its output, exit code and duration. */
function start(env: Record<string, string>): Promise<{ output: string; code: number | null; ms: number }> {
  const started = Date.now();
  const { AWS_ENDPOINT_URL: _external, ...inherited } = process.env;
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'start.ts')], {
    cwd: ROOT,
    env: { ...inherited, REDIRECT_URLS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output, code, ms: Date.now() - started });
    });
  });
}

describe('npm start with a port in use', () => {
  it.each([
    ['MINISTACK_PORT', 'PORT'],
    ['PORT', 'MINISTACK_PORT'],
  ])('names %s within 5 s and before installing or deploying anything', async (taken, other) => {
    const held = await holdPort();
    try {
      const result = await start({ [taken]: String(held.port), [other]: String(await freePort()) });
      expect(result.output).toContain(`port ${held.port} on 127.0.0.1`);
      expect(result.output).toContain(`set ${taken} to a free port`);
      expect(result.code).toBe(1);
      expect(result.ms).toBeLessThan(5_000);
      expect(result.output).not.toMatch(/installing|deploying|MiniStack \S+ up/);
    } finally {
      held.server.close();
    }
  });
});

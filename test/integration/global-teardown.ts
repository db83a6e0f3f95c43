import { scanLogs } from './log-scan';

/**
 * Reads every log line the deployed functions wrote during the suite and fails the run if one holds
 * an address, link token, code, verifier, challenge or session token the suite used; then stops the
 * emulator global setup started (a no-op for one given through AWS_ENDPOINT_URL).
 */
export default async function globalTeardown(): Promise<void> {
  const emulator = globalThis.magicLinkEmulator;
  try {
    if (emulator) {
      const { leaks, lines, secrets } = await scanLogs(emulator.endpoint);
      process.stderr.write(`[integration] log scan: ${lines} log lines of the deployed functions checked for ${secrets} secrets the suite used: ${leaks.length} found\n`);
      if (lines === 0) throw new Error('the log scan read no log lines: the emulator kept no function output');
      if (leaks.length > 0) throw new Error(`secrets in the functions' logs:\n${leaks.slice(0, 20).join('\n')}`);
    }
  } finally {
    await emulator?.stop();
    globalThis.magicLinkEmulator = undefined;
  }
}

import { scanLogs } from './log-scan';

/**
 * Reads every log line the deployed functions wrote during the suite and fails the run if one holds
 * an address, link token, code, verifier, challenge or session token the suite used, or if it read
 * fewer invocations than the suite saw answered; then stops the
 * emulator global setup started (a no-op for one given through AWS_ENDPOINT_URL).
 */
export default async function globalTeardown(): Promise<void> {
  const emulator = globalThis.magicLinkEmulator;
  try {
    if (emulator) {
      const { leaks, lines, secrets, reports, invocations } = await scanLogs(emulator.endpoint);
      process.stderr.write(
        `[integration] log scan: ${lines} log lines of the deployed functions checked for ${secrets} secrets the suite used: ${leaks.length} found; ` +
          `${reports} REPORT lines read, at least ${invocations} expected (the function responses the suite received)\n`,
      );
      if (lines === 0) throw new Error('the log scan read no log lines: the emulator kept no function output');
      // Fewer invocations read than the suite saw answered means the read stopped short: a clean scan of part of the logs proves nothing.
      if (reports < invocations) throw new Error(`the log scan read ${reports} REPORT lines but the suite received ${invocations} function responses: it did not read everything`);
      if (leaks.length > 0) throw new Error(`secrets in the functions' logs:\n${leaks.slice(0, 20).join('\n')}`);
    }
  } finally {
    await emulator?.stop();
    globalThis.magicLinkEmulator = undefined;
  }
}

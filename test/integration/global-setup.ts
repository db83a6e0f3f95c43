import { deployToEmulator } from '../../scripts/local/deploy';
import { startEmulator, type Emulator } from '../../scripts/local/emulator';
import { resetSecrets } from './log-scan';
import { ENV_KEY, TEST_STACKS } from './settings';

declare global {
  var magicLinkEmulator: Emulator | undefined;
}

/**
 * Starts an emulator on a free port (or uses AWS_ENDPOINT_URL), deploys the real stack into it with
 * `cdk deploy`, and hands the API's address to the tests. Anything it started is stopped on failure
 * here, or by global teardown.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[integration] ${line}\n`);
  const started = Date.now();
  resetSecrets();
  const emulator = await startEmulator({ log });
  globalThis.magicLinkEmulator = emulator;
  try {
    const deploy = (which: keyof typeof TEST_STACKS, bootstrap: boolean) =>
      deployToEmulator({ endpoint: emulator.endpoint, ...TEST_STACKS[which], context: { ...TEST_STACKS[which].context }, bootstrap, log });
    const main = await deploy('main', true);
    const ipLimited = await deploy('ipLimited', false);
    const unverified = await deploy('unverified', false);
    const budget = await deploy('budget', false);
    for (const deployment of [main, ipLimited, unverified, budget]) {
      log(`deployed ${deployment.stackName} (api ${deployment.apiId}): bootstrap ${deployment.timings.bootstrapMs} ms, deploy ${deployment.timings.deployMs} ms`);
    }
    log(`setup total ${Date.now() - started} ms`);
    process.env[ENV_KEY] = JSON.stringify({ main, ipLimited, unverified, budget });
  } catch (error) {
    await emulator.stop();
    globalThis.magicLinkEmulator = undefined;
    throw error;
  }
}

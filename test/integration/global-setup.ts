import * as path from 'node:path';
import { cdkDeploy, deployToEmulator, gatewayUrl } from '../../scripts/local/deploy';
import { ROOT, startEmulator, type Emulator } from '../../scripts/local/emulator';
import { resetSecrets } from './log-scan';
import { createServer } from 'node:net';
import { CORS_PORT_KEY, ENV_KEY, PROTECTED_API, PROTECTED_API_KEY, TEST_STACKS, type ProtectedApiDeployment } from './settings';
import { SIGN_IN_HOOK, SIGN_IN_HOOK_KEY } from './settings';

/** A loopback port nothing listens on now (the CORS test binds it later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

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
    const corsPort = await freePort();
    const deploy = (which: keyof typeof TEST_STACKS, bootstrap: boolean, extra: Record<string, string> = {}) =>
      deployToEmulator({ endpoint: emulator.endpoint, ...TEST_STACKS[which], context: { ...TEST_STACKS[which].context, ...extra }, bootstrap, log });
    // The main deployment allows its signInUrl's origin and one more loopback origin (the CORS test's page).
    const main = await deploy('main', true, { allowedOrigins: `${new URL(TEST_STACKS.main.context.signInUrl).origin},http://127.0.0.1:${corsPort}` });
    const ipLimited = await deploy('ipLimited', false);
    const unverified = await deploy('unverified', false);
    const budget = await deploy('budget', false);
    const rotation = await deploy('rotation', false);
    const pressure = await deploy('pressure', false);
    // The team's beforeSignIn function first, then the deployment that names it.
    const hook = await cdkDeploy({ endpoint: emulator.endpoint, appDir: path.join(ROOT, SIGN_IN_HOOK.appDir), stackName: SIGN_IN_HOOK.stackName, context: { stackName: SIGN_IN_HOOK.stackName }, log });
    process.env[SIGN_IN_HOOK_KEY] = hook.outputs.FunctionArn!;
    const policy = await deploy('policy', false, { beforeSignInFunctionArn: hook.outputs.FunctionArn! });
    log(`deployed ${SIGN_IN_HOOK.stackName} and ${policy.stackName} (api ${policy.apiId}): deploy ${hook.timings.deployMs} + ${policy.timings.deployMs} ms`);
    for (const deployment of [main, ipLimited, unverified, budget, rotation, pressure]) {
      log(`deployed ${deployment.stackName} (api ${deployment.apiId}): bootstrap ${deployment.timings.bootstrapMs} ms, deploy ${deployment.timings.deployMs} ms`);
    }
    // The example app, as an adopter deploys it next to a running service: by its issuer and audience.
    const example = await cdkDeploy({
      endpoint: emulator.endpoint,
      appDir: path.join(ROOT, PROTECTED_API.appDir),
      stackName: PROTECTED_API.stackName,
      context: { issuer: main.issuer, audience: main.audience, stackName: PROTECTED_API.stackName },
      log,
    });
    log(`deployed ${PROTECTED_API.stackName} (api ${example.outputs.ApiId}): deploy ${example.timings.deployMs} ms`);
    const protectedApi: ProtectedApiDeployment = { apiBaseUrl: gatewayUrl(emulator.endpoint, example.outputs.ApiId!), logGroupName: example.outputs.MeLogGroupName! };
    process.env[PROTECTED_API_KEY] = JSON.stringify(protectedApi);
    log(`setup total ${Date.now() - started} ms`);
    process.env[ENV_KEY] = JSON.stringify({ main, ipLimited, unverified, budget, rotation, pressure });
    process.env[ENV_KEY] = JSON.stringify({ ...JSON.parse(process.env[ENV_KEY]!), policy });
    process.env[CORS_PORT_KEY] = String(corsPort);
  } catch (error) {
    await emulator.stop();
    globalThis.magicLinkEmulator = undefined;
    throw error;
  }
}

/**
 * Counting the functions' AWS calls with an SDK middleware, not by reading the code. The deployed
 * bundles create their clients inside the bundle, out of reach of a caller's
 * `client.middlewareStack.add`; so the bench builds counting copies of them in which the SDK
 * clients' base class, imported as `@smithy/core/client`, resolves to `counting-client.ts`, a
 * subclass that adds the middleware. Only esbuild's resolution changes: no dependency's text is read
 * or rewritten. Only these copies carry it: the bundles the bench times and the ones deployed do not.
 */
import type { Metafile, Plugin } from 'esbuild';
import * as path from 'node:path';
import { buildBundles, loadedAtStart } from '../build/bundles';
import { REPORT_KEY, type SdkCall, type SdkCallReporter } from './counting-client';

/** The AWS SDK client packages (`client-dynamodb`, ...) whose code a bundle's outputs carry. */
export function awsClients(...outputs: Metafile['outputs'][string][]): string[] {
  const clients = outputs
    .flatMap((output) => Object.entries(output.inputs))
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => /(?:^|[\\/])node_modules[\\/]@aws-sdk[\\/](client-[^\\/]+)[\\/]/.exec(file)?.[1])
    .filter((client): client is string => client !== undefined);
  return [...new Set(clients)].sort();
}

const COUNTING_CLIENT = path.join(__dirname, 'counting-client.ts');

/** Resolves the SDK's `@smithy/core/client` to the counting subclass, except from that module itself. */
export const countSdkCalls: Plugin = {
  name: 'count-sdk-calls',
  setup(builder) {
    builder.onResolve({ filter: /^@smithy\/core\/client$/ }, (args) => (args.importer === COUNTING_CLIENT ? undefined : { path: COUNTING_CLIENT }));
  },
};

/**
 * Builds the counting copies of every bundle into `dir`. A bundle that carries an AWS client but not
 * the counting subclass (an SDK that takes its base class from elsewhere) fails the build here,
 * rather than counting zero calls.
 */
export async function buildCountingBundles(dir: string): Promise<void> {
  const { names, metafile } = await buildBundles(dir, dir, { sourcemap: false, plugins: [countSdkCalls] });
  for (const name of names) {
    // What the function loads at start: the client's base class may sit in a chunk its entry imports.
    const outputs = loadedAtStart(metafile, name, dir).map(({ output }) => output);
    if (!awsClients(...outputs).length) continue;
    if (!outputs.some((output) => Object.keys(output.inputs).some((input) => path.resolve(input) === COUNTING_CLIENT))) {
      throw new Error(`${name} carries ${awsClients(...outputs).join(', ')} but not the counting client: the SDK no longer takes its clients' base class from @smithy/core/client`);
    }
  }
}

/** Collects the calls counting bundles make in this process while `run` runs. */
export async function sdkCallsDuring(run: () => Promise<unknown>): Promise<SdkCall[]> {
  const calls: SdkCall[] = [];
  const reporter = globalThis as unknown as SdkCallReporter;
  reporter[REPORT_KEY] = (call) => calls.push(call);
  try {
    await run();
  } finally {
    delete reporter[REPORT_KEY];
  }
  return calls;
}

/**
 * Counting the functions' AWS calls with an SDK middleware (issue 12: "counted by an SDK middleware in
 * the benchmark, not asserted from reading the code"). The deployed bundles create their clients
 * inside the bundle, out of reach of a test's `client.middlewareStack.add`; this bench-only esbuild
 * plugin gives every client the bundle constructs one more middleware, at the `initialize` step (once
 * per `send`, before retries), that reports the client and command to the process. Only the bench's
 * counting copies of the bundles carry it: the bundles it times and the ones deployed do not.
 */
import type { Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';

/** Where the counting middleware reports: a function on `globalThis`, under this registered symbol. */
const REPORT_KEY = 'magic-link-auth.bench.sdk-call';

/** Every SDK call a counting bundle makes: client (e.g. `DynamoDBClient`) and command (`GetItemCommand`). */
export interface SdkCall {
  readonly client: string;
  readonly command: string;
}

/** The smithy `Client` constructor's first statement, after which the middleware is added. */
const ANCHOR = 'this.config = config;';

const MIDDLEWARE = `this.middlewareStack.add((next, context) => (args) => {
  globalThis[Symbol.for(${JSON.stringify(REPORT_KEY)})]?.({ client: context.clientName, command: context.commandName });
  return next(args);
}, { step: "initialize", name: "benchSdkCallCounter", priority: "high" });`;

export const countSdkCalls: Plugin = {
  name: 'count-sdk-calls',
  setup(builder) {
    builder.onLoad({ filter: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]client[\\/]smithy-client[\\/]client\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      // A new SDK that builds its clients another way must not leave the count silently at zero.
      if (source.split(ANCHOR).length !== 2) throw new Error(`${args.path}: no single "${ANCHOR}" to add the counting middleware after`);
      return { contents: source.replace(ANCHOR, `${ANCHOR}\n${MIDDLEWARE}`), loader: 'js' };
    });
  },
};

/** Collects the calls counting bundles make in this process while `run` runs. */
export async function sdkCallsDuring(run: () => Promise<unknown>): Promise<SdkCall[]> {
  const calls: SdkCall[] = [];
  const key = Symbol.for(REPORT_KEY);
  const global = globalThis as unknown as Record<symbol, ((call: SdkCall) => void) | undefined>;
  global[key] = (call) => calls.push(call);
  try {
    await run();
  } finally {
    delete global[key];
  }
  return calls;
}

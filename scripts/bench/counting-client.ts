/**
 * `@smithy/core/client` as the bench's counting bundles see it (`count-sdk-calls.ts` resolves that
 * import here): the same module, with a `Client` whose instances carry one more middleware. Every
 * AWS SDK client class extends this `Client`, so each client a bundle constructs reports each call
 * it sends; the bundles the bench times, and those deployed, do not carry it.
 */
import { Client as SmithyClient, type SmithyResolvedConfiguration } from '@smithy/core/client';
import type { MetadataBearer } from '@smithy/types';

export * from '@smithy/core/client';

/** Where the counting middleware reports (`sdkCallsDuring` listens): a function on `globalThis`, under this registered symbol. */
export const REPORT_KEY = Symbol.for('magic-link-auth.bench.sdk-call');

/** Every SDK call a counting bundle makes: client (e.g. `DynamoDBClient`) and command (`GetItemCommand`). */
export interface SdkCall {
  readonly client: string;
  readonly command: string;
}

export type SdkCallReporter = Record<symbol, ((call: SdkCall) => void) | undefined>;

export class Client<
  HandlerOptions,
  ClientInput extends object,
  ClientOutput extends MetadataBearer,
  ResolvedConfiguration extends SmithyResolvedConfiguration<HandlerOptions>,
> extends SmithyClient<HandlerOptions, ClientInput, ClientOutput, ResolvedConfiguration> {
  constructor(config: ResolvedConfiguration) {
    super(config);
    // At the initialize step: once per `send`, before retries, so a retry is not a second call.
    this.middlewareStack.add(
      (next, context) => (args) => {
        (globalThis as unknown as SdkCallReporter)[REPORT_KEY]?.({ client: String(context.clientName), command: String(context.commandName) });
        return next(args);
      },
      { step: 'initialize', name: 'benchSdkCallCounter', priority: 'high' },
    );
  }
}

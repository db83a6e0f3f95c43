/**
 * The team's `beforeSignIn` function, invoked synchronously. Loaded by a dynamic import only in a
 * function configured with one, so the Lambda client is not part of any cold start that does not
 * need it (the bundle keeps it in a chunk of its own).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { beforeSignInEvent, readBeforeSignInAnswer } from '../contract/sign-in-hook';
import { SignInHookError } from '../domain/errors';
import type { SignInAttempt, SignInHook } from '../domain/ports';

export interface LambdaSignInHookOptions {
  readonly functionArn: string;
  /** How long an answer may take, all attempts included; then the call is aborted and fails as `timeout`. */
  readonly timeoutMs: number;
  readonly client?: LambdaClient;
}

export class LambdaSignInHook implements SignInHook {
  private readonly client: LambdaClient;

  constructor(private readonly options: LambdaSignInHookOptions) {
    this.client = options.client ?? new LambdaClient({});
  }

  async allows(attempt: SignInAttempt): Promise<boolean> {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The SDK aborts its request on the signal; the race answers on time even if a retry's backoff or
    // a socket does not notice at once.
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new SignInHookError('timeout'));
      }, this.options.timeoutMs);
    });
    try {
      const invoke = this.client.send(
        new InvokeCommand({
          FunctionName: this.options.functionArn,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(beforeSignInEvent(attempt))),
        }),
        { abortSignal: abort.signal },
      );
      invoke.catch(() => undefined);
      const output = await Promise.race([invoke, timeout]);
      // An error the function threw (or its runtime reported) is answered with FunctionError set.
      if (output.FunctionError !== undefined) throw new SignInHookError('function_error');
      const allow = readBeforeSignInAnswer(new TextDecoder().decode(output.Payload ?? new Uint8Array()));
      if (allow === null) throw new SignInHookError('malformed_answer');
      return allow;
    } catch (error) {
      if (error instanceof SignInHookError) throw error;
      throw new SignInHookError('invoke_failed', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

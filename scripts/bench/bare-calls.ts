import { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import { KmsTokenSigner } from '../../lambdas/adapters/kms-token-signer';
import { SesMailer } from '../../lambdas/adapters/ses-mailer';

/**
 * The bench's "bare" side: the same adapters the functions call, bundled exactly as the functions are
 * (`BUNDLE_OPTIONS`: the same SDK build, plugins and credential provider), with clients configured
 * from the environment as in a function. Timing the handler against these isolates what the Middy
 * chain and the handler add, rather than the difference between two builds of the SDK.
 */
export function bareCalls(options: { tableName: string; from: string; configurationSet: string; signingKeyArn: string }) {
  return {
    signer: new KmsTokenSigner(options.signingKeyArn),
    store: new DynamoAuthStore({ tableName: options.tableName }),
    mailer: new SesMailer({ from: options.from, configurationSet: options.configurationSet }),
  };
}

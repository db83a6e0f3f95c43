import { DynamoAuthStore, DynamoSignInStore } from '../adapters/dynamo-auth-store';
import { DynamoSessionStore } from '../adapters/dynamo-session-store';
import { KmsTokenSigner } from '../adapters/kms-token-signer';
import { SecretsManagerCodeSecret } from '../adapters/secrets-manager-code-secret';
import { SesMailer } from '../adapters/ses-mailer';
import { SignInMailer } from '../adapters/sign-in-mailer';
import type { MailLoaders } from '../contract/locales/mail';
import { AccessTokens } from '../domain/access-tokens';
import { MagicLinkService, SessionService, SignInService } from '../domain/auth-service';
import type { SignInHook } from '../domain/ports';
import { SignInPolicy } from '../domain/sign-in-policy';
import type { ServiceConfig } from '../config';
import { perConfig } from './per-config';

/**
 * The composition root: the domain wired to its adapters, once per container.
 *
 * Each function bundles only what it calls: the factories are marked pure, so esbuild drops the one a
 * handler does not use and, with it, the adapter and SDK client only it needs (the SDK client packages
 * declare no side effects). Only the mail function carries SES, only the mail and verify functions
 * Secrets Manager, only the verify and token functions KMS; `npm run bench` shows each bundle's size.
 * Functions that touch no AWS service (OpenAPI, fallback) do not import this module: the DynamoDB
 * document client's package does not declare itself side-effect free, so importing it keeps it.
 */

/**
 * Loads the `beforeSignIn` function's adapter: `() => import('../adapters/lambda-sign-in-hook')`, written
 * in the handlers that ask the policy, so only their bundles get the chunk it becomes (an `import()`
 * here would give one to every function that imports this module).
 */
export type LoadSignInHook = () => Promise<typeof import('../adapters/lambda-sign-in-hook')>;

/**
 * Who may sign in: the allowed domains, and the team's `beforeSignIn` function when one is configured.
 * Its adapter (and the Lambda client) is loaded on the first call, so a function without a hook never
 * loads it.
 */
function signInPolicy(config: ServiceConfig, load: LoadSignInHook): SignInPolicy {
  const functionArn = config.beforeSignInFunctionArn;
  if (functionArn === undefined) return new SignInPolicy(config);
  let loaded: Promise<SignInHook> | undefined;
  const hook: SignInHook = {
    async allows(attempt) {
      loaded ??= load().then(({ LambdaSignInHook }) => new LambdaSignInHook({ functionArn, timeoutMs: config.beforeSignInTimeoutSeconds * 1000 }));
      return (await loaded).allows(attempt);
    },
  };
  return new SignInPolicy(config, hook);
}

/**
 * Requesting links: the only use case that mails. `loadMail` loads the locales' words and the renderer
 * (`contract/locales/mail.ts`, imported by the request handler only, like the hook's loader).
 */
export const magicLinkService = /* @__PURE__ */ perConfig(
  (config, loadHook: LoadSignInHook, loadMail: MailLoaders) =>
    new MagicLinkService(
      new DynamoAuthStore({ tableName: config.tableName }),
      new SignInMailer(new SesMailer({ from: config.senderAddress, configurationSet: config.sesConfigurationSet }), {
        appName: config.appName,
        brand: config.brand,
        defaultLocale: config.defaultLocale,
        templates: config.mailTemplates,
        load: loadMail,
      }),
      new SecretsManagerCodeSecret(config.codeSecretArn),
      config,
      signInPolicy(config, loadHook),
    ),
);

/** Signing in by link or by code: the table, the code secret and the signing key. */
export const signInService = /* @__PURE__ */ perConfig(
  (config, loadHook: LoadSignInHook) =>
    new SignInService(
      new DynamoSignInStore({ tableName: config.tableName }),
      new SecretsManagerCodeSecret(config.codeSecretArn),
      config,
      new AccessTokens(new KmsTokenSigner(config.signingKeyArn), config),
      signInPolicy(config, loadHook),
    ),
);

/** Checking and ending sessions: the table only. */
export const sessionService = /* @__PURE__ */ perConfig((config) => new SessionService(new DynamoSessionStore({ tableName: config.tableName })));

/** Access tokens on a live session: the table's session read and the signing key. */
export const tokenService = /* @__PURE__ */ perConfig(
  (config) => new SessionService(new DynamoSessionStore({ tableName: config.tableName }), new AccessTokens(new KmsTokenSigner(config.signingKeyArn), config)),
);

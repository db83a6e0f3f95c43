import { DynamoAuthStore } from '../adapters/dynamo-auth-store';
import { SesMailer } from '../adapters/ses-mailer';
import { MagicLinkService, SessionService } from '../domain/auth-service';
import { perConfig } from './per-config';

/**
 * The composition root: the domain wired to its adapters, once per container.
 *
 * Each function bundles only what it calls: the factories are marked pure, so esbuild drops the one a
 * handler does not use and, with it, the adapter and SDK client only it needs (the SDK client packages
 * declare no side effects). The session functions carry no SES client; `npm run bench:bundle` shows it.
 * Functions that touch no AWS service (OpenAPI, fallback) do not import this module: the DynamoDB
 * document client's package does not declare itself side-effect free, so importing it keeps it.
 */

/** Requesting links: the only use case that mails. */
export const magicLinkService = /* @__PURE__ */ perConfig(
  (config) =>
    new MagicLinkService(
      new DynamoAuthStore({ tableName: config.tableName }),
      new SesMailer({ from: config.senderAddress, configurationSet: config.sesConfigurationSet }),
      config,
    ),
);

/** Verifying links and managing sessions: the table only. */
export const sessionService = /* @__PURE__ */ perConfig((config) => new SessionService(new DynamoAuthStore({ tableName: config.tableName }), config));

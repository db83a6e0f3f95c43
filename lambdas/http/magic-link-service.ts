import { DynamoAuthStore } from '../adapters/dynamo-auth-store';
import { SesMailer } from '../adapters/ses-mailer';
import type { ServiceConfig } from '../config';
import { MagicLinkService } from '../domain/auth-service';

let cached: { config: ServiceConfig; service: MagicLinkService } | undefined;

/** Composition root for the one function that mails: DynamoDB and SES v2, once per container. */
export function magicLinkService(config: ServiceConfig): MagicLinkService {
  if (cached?.config !== config) {
    const store = new DynamoAuthStore({ tableName: config.tableName });
    const mailer = new SesMailer({ from: config.senderAddress, configurationSet: config.sesConfigurationSet });
    cached = { config, service: new MagicLinkService(store, mailer, config) };
  }
  return cached.service;
}

import { DynamoAuthStore } from '../adapters/dynamo-auth-store';
import { SesMailer } from '../adapters/ses-mailer';
import type { ServiceConfig } from '../config';
import { AuthService } from '../domain/auth-service';

let cached: { config: ServiceConfig; service: AuthService } | undefined;

/**
 * The composition root: wires the domain to its AWS adapters, once per container (SDK clients are
 * reused across invocations so connections stay warm).
 */
export function authService(config: ServiceConfig): AuthService {
  if (cached?.config !== config) {
    const store = new DynamoAuthStore({ tableName: config.tableName });
    const mailer = new SesMailer({ from: config.senderAddress, configurationSet: config.sesConfigurationSet });
    cached = { config, service: new AuthService(store, mailer, config) };
  }
  return cached.service;
}

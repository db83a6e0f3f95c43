import { DynamoAuthStore } from '../adapters/dynamo-auth-store';
import type { ServiceConfig } from '../config';
import { SessionService } from '../domain/auth-service';

let cached: { config: ServiceConfig; service: SessionService } | undefined;

/**
 * Composition root for the session functions (verify, session, sign-out): the domain wired to
 * DynamoDB, once per container so the SDK client's connections stay warm. No SES client here, so
 * these bundles do not carry one.
 */
export function sessionService(config: ServiceConfig): SessionService {
  if (cached?.config !== config) cached = { config, service: new SessionService(new DynamoAuthStore({ tableName: config.tableName }), config) };
  return cached.service;
}

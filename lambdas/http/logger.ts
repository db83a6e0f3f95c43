import { Logger } from '@aws-lambda-powertools/logger';
import type { PolicyDecision } from '../domain/sign-in-policy';

/**
 * Structured JSON logs (Powertools). Nothing logs request bodies or headers: tokens, session tokens
 * and raw email addresses never reach a log line; handlers add `email_hash` where it helps.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'magic-link-auth' });

/**
 * Adds the sign-in policy's decision to the request's log line when there is something to say: why it
 * refused the address, and how the `beforeSignIn` function failed (whatever the rule made of that).
 */
export function logPolicy(decision: PolicyDecision): void {
  if (!decision.allowed) logger.appendKeys({ sign_in_refused: decision.reason });
  if (decision.hookFailure !== undefined) logger.appendKeys({ before_sign_in_failure: decision.hookFailure });
}

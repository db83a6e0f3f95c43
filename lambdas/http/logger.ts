import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs (Powertools). Nothing logs request bodies or headers: tokens, session tokens
 * and raw email addresses never reach a log line; handlers add `email_hash` where it helps.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'magic-link-auth' });

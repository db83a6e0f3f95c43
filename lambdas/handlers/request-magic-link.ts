import { parseBody, type SuccessData } from '../contract/shapes';
import { hashEmail } from '../domain/tokens';
import { httpHandler } from '../http/chain';
import { magicLinkService } from '../http/composition';
import { logger } from '../http/logger';

/** POST /v1/auth/magic-link: 202 whether or not the address was seen before. */
export const handler = httpHandler<unknown>({ jsonBody: true }, async (event, { scope }) => {
  const { email, code_challenge: challenge } = parseBody('requestMagicLink', event.body);
  logger.appendKeys({ email_hash: hashEmail(email), bound: challenge !== undefined });
  const { expiresIn } = await magicLinkService(scope.config).requestMagicLink(email, event.requestContext.http.sourceIp, scope.receivedAt, challenge);
  const data: SuccessData<'requestMagicLink'> = { expires_in: expiresIn };
  return { status: 202, data };
});

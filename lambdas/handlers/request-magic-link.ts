import { parseBody, type SuccessData } from '../contract/shapes';
import { httpHandler } from '../http/chain';
import { outcomeMetrics } from '../http/metrics';
import { magicLinkService } from '../http/composition';
import { logger } from '../http/logger';

/** POST /v1/auth/magic-link: 202 whether or not the address was seen before. */
export const handler = httpHandler<unknown>({ operationId: 'requestMagicLink', jsonBody: true, metrics: outcomeMetrics }, async (event, { scope }) => {
  const { email, code_challenge: challenge, redirect_to: redirectTo } = parseBody('requestMagicLink', event.body);
  const service = magicLinkService(scope.config);
  logger.appendKeys({ email_hash: await service.emailHash(email), bound: challenge !== undefined });
  const { expiresIn } = await service.requestMagicLink(email, event.requestContext.http.sourceIp, scope.receivedAt, {
    ...(challenge === undefined ? {} : { challenge }),
    ...(redirectTo === undefined ? {} : { redirectTo }),
  });
  const data: SuccessData<'requestMagicLink'> = { expires_in: expiresIn };
  return { kind: 'data', status: 202, data };
});

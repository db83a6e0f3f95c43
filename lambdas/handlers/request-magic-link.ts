import { ApiError } from '../contract/errors';
import { parseBody, type SuccessData } from '../contract/shapes';
import { httpHandler } from '../http/chain';
import { outcomeMetrics } from '../http/metrics';
import { magicLinkService } from '../http/composition';
import { logger } from '../http/logger';

/** POST /v1/auth/magic-link: 202 whether or not the address was seen before. */
export const handler = httpHandler<unknown>({ operationId: 'requestMagicLink', jsonBody: true, metrics: outcomeMetrics }, async (event, { scope }) => {
  const { email, code_challenge: challenge, redirect_to: redirectTo } = parseBody('requestMagicLink', event.body);
  // Exact match against the allowlist, after the same URL normalization the allowlist had: no
  // prefixes or wildcards, so `https://app.example.com.evil.test` or an extra path segment never passes.
  const allowed = redirectTo === undefined ? undefined : scope.config.redirectUrls.find((url) => url === new URL(redirectTo).href);
  if (redirectTo !== undefined && allowed === undefined) {
    throw new ApiError('validation_failed', [{ field: 'redirect_to', issue: 'must be one of the redirect URLs this deployment allows' }]);
  }
  const service = magicLinkService(scope.config);
  logger.appendKeys({ email_hash: await service.emailHash(email), bound: challenge !== undefined });
  const { expiresIn } = await service.requestMagicLink(email, event.requestContext.http.sourceIp, scope.receivedAt, {
    ...(challenge === undefined ? {} : { challenge }),
    ...(allowed === undefined ? {} : { redirectTo: allowed }),
  });
  const data: SuccessData<'requestMagicLink'> = { expires_in: expiresIn };
  return { kind: 'data', status: 202, data };
});

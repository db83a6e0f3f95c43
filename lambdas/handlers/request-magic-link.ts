import { hashEmail } from '../domain/tokens';
import { parseMagicLinkRequest } from '../domain/validation';
import { httpHandler } from '../http/chain';
import { logger } from '../http/logger';
import { magicLinkService } from '../http/magic-link-service';

/** POST /v1/auth/magic-link: 202 whether or not the address was seen before. */
export const handler = httpHandler<unknown>({ jsonBody: true }, async (event, { scope }) => {
  const { email } = parseMagicLinkRequest(event.body);
  logger.appendKeys({ email_hash: hashEmail(email) });
  const { expiresIn } = await magicLinkService(scope.config).requestMagicLink(
    email,
    event.requestContext.http.sourceIp,
    scope.receivedAt,
  );
  return { status: 202, data: { expires_in: expiresIn } };
});

import type { SuccessData } from '../contract/route-shapes';
import { bearerToken } from '../domain/sessions';
import { httpHandler } from '../http/chain';
import { sessionService } from '../http/composition';
import { timestamp } from '../http/envelope';

/** GET /v1/auth/session with `Authorization: Bearer <session token>`. */
export const handler = httpHandler({ operationId: 'getSession', jsonBody: false }, async (event, { scope }) => {
  const session = await sessionService(scope.config).getSession(bearerToken(event.headers.authorization), scope.receivedAt);
  const data: SuccessData<'getSession'> = { user: session.user, expires_at: timestamp(session.expiresAt) };
  return { kind: 'data', status: 200, data };
});

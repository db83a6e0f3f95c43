import { bearerToken } from '../domain/sessions';
import { timestamp } from '../http/envelope';
import { httpHandler } from '../http/chain';
import { sessionService } from '../http/service';

/** GET /v1/auth/session with `Authorization: Bearer <session token>`. */
export const handler = httpHandler({ jsonBody: false }, async (event, { scope }) => {
  const session = await sessionService(scope.config).getSession(bearerToken(event.headers.authorization), scope.receivedAt);
  return { status: 200, data: { user: { email: session.user.email }, expires_at: timestamp(session.expiresAt) } };
});

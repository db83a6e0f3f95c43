import { timestamp } from '../http/envelope';
import { parseVerifyRequest } from '../domain/validation';
import { httpHandler } from '../http/chain';
import { sessionService } from '../http/service';

/** POST /v1/auth/verify: consumes the link once and starts a session. */
export const handler = httpHandler<unknown>({ jsonBody: true }, async (event, { scope }) => {
  const { token } = parseVerifyRequest(event.body);
  const signedIn = await sessionService(scope.config).verify(token, scope.receivedAt);
  return {
    status: 200,
    data: {
      session: { token: signedIn.session.token, expires_at: timestamp(signedIn.session.expiresAt) },
      user: { email: signedIn.user.email },
    },
  };
});

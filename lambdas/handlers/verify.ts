import { parseBody, type SuccessData } from '../contract/shapes';
import { httpHandler } from '../http/chain';
import { sessionService } from '../http/composition';
import { timestamp } from '../http/envelope';

/** POST /v1/auth/verify: consumes the link once and starts a session. */
export const handler = httpHandler<unknown>({ jsonBody: true }, async (event, { scope }) => {
  const { token } = parseBody('verify', event.body);
  const signedIn = await sessionService(scope.config).verify(token, scope.receivedAt);
  const data: SuccessData<'verify'> = {
    session: { token: signedIn.session.token, expires_at: timestamp(signedIn.session.expiresAt) },
    user: { email: signedIn.user.email },
  };
  return { status: 200, data };
});

import type { SuccessData } from '../contract/shapes';
import { bearerToken } from '../domain/sessions';
import { httpHandler } from '../http/chain';
import { sessionService } from '../http/composition';

/** POST /v1/auth/sign-out: revokes the session at once. */
export const handler = httpHandler({ jsonBody: false }, async (event, { scope }) => {
  await sessionService(scope.config).signOut(bearerToken(event.headers.authorization), scope.receivedAt);
  const data: SuccessData<'signOut'> = { signed_out: true };
  return { status: 200, data };
});

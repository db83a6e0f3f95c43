import type { SuccessData } from '../contract/route-shapes';
import { parseBody, signOutBody } from '../contract/shapes';
import { bearerToken } from '../domain/sessions';
import { httpHandler } from '../http/chain';
import { sessionService } from '../http/composition';

/** POST /v1/auth/sign-out: revokes the session at once; with `{"everywhere": true}`, every session of its address. */
export const handler = httpHandler<unknown>({ operationId: 'signOut', jsonBody: 'optional' }, async (event, { scope }) => {
  const { everywhere } = event.body === undefined ? { everywhere: false } : parseBody(signOutBody, event.body);
  await sessionService(scope.config).signOut(bearerToken(event.headers.authorization), scope.receivedAt, { everywhere: everywhere === true });
  const data: SuccessData<'signOut'> = { signed_out: true };
  return { kind: 'data', status: 200, data };
});

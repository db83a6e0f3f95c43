import type { SuccessData } from '../contract/route-shapes';
import { bearerToken } from '../domain/sessions';
import { httpHandler } from '../http/chain';
import { tokenService } from '../http/composition';
import { timestamp } from '../http/envelope';

/** POST /v1/auth/token with `Authorization: Bearer <session token>`: a new access token while the session lives. */
export const handler = httpHandler({ operationId: 'refreshAccessToken', jsonBody: false }, async (event, { scope }) => {
  const accessToken = await tokenService(scope.config).accessToken(bearerToken(event.headers.authorization), scope.receivedAt);
  const data: SuccessData<'refreshAccessToken'> = { access_token: { token: accessToken.token, expires_at: timestamp(accessToken.expiresAt) } };
  return { kind: 'data', status: 200, data };
});

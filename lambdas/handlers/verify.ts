import { parseBody, type SuccessData } from '../contract/shapes';
import { httpHandler } from '../http/chain';
import { outcomeMetrics } from '../http/metrics';
import { signInService } from '../http/composition';
import { timestamp } from '../http/envelope';

/** POST /v1/auth/verify: consumes a sign-in once, by its link's token or by its code, and starts a session. */
export const handler = httpHandler<unknown>({ operationId: 'verify', jsonBody: true, metrics: outcomeMetrics }, async (event, { scope }) => {
  const body = parseBody('verify', event.body);
  const service = signInService(scope.config);
  const signedIn =
    'token' in body
      ? await service.verify(body.token, scope.receivedAt, body.code_verifier)
      : await service.verifyCode(body.email, body.code, event.requestContext.http.sourceIp, scope.receivedAt, body.code_verifier);
  const data: SuccessData<'verify'> = {
    session: { token: signedIn.session.token, expires_at: timestamp(signedIn.session.expiresAt) },
    user: { id: signedIn.user.id, email: signedIn.user.email },
    access_token: { token: signedIn.accessToken.token, expires_at: timestamp(signedIn.accessToken.expiresAt) },
    ...(signedIn.redirectTo === undefined ? {} : { redirect_to: signedIn.redirectTo }),
  };
  return { kind: 'data', status: 200, data, metric: 'token' in body ? 'verifiedByLink' : 'verifiedByCode' };
});

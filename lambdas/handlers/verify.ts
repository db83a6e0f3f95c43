import type { SuccessData } from '../contract/route-shapes';
import { parseBody, verifyBody } from '../contract/shapes';
import { httpHandler } from '../http/chain';
import { outcomeMetrics } from '../http/metrics';
import { signInService } from '../http/composition';
import { timestamp } from '../http/envelope';
import { logPolicy } from '../http/logger';
import { SignInNotAllowedError } from '../domain/errors';

/** The `beforeSignIn` adapter, loaded on first use only (its own chunk of this bundle). */
const loadSignInHook = () => import('../adapters/lambda-sign-in-hook');

/** POST /v1/auth/verify: consumes a sign-in once, by its link's token or by its code, and starts a session. */
export const handler = httpHandler<unknown>({ operationId: 'verify', jsonBody: true, metrics: outcomeMetrics }, async (event, { scope }) => {
  const body = parseBody(verifyBody, event.body);
  const service = signInService(scope.config, loadSignInHook);
  const sourceIp = event.requestContext.http.sourceIp;
  const signedIn = await (
    'token' in body ? service.verify(body.token, scope.receivedAt, body.code_verifier, sourceIp) : service.verifyCode(body.email, body.code, sourceIp, scope.receivedAt, body.code_verifier)
  ).catch((error: unknown) => {
    if (error instanceof SignInNotAllowedError) logPolicy({ allowed: false, reason: error.because, ...(error.hookFailure === undefined ? {} : { hookFailure: error.hookFailure }) });
    throw error;
  });
  const data: SuccessData<'verify'> = {
    session: { token: signedIn.session.token, expires_at: timestamp(signedIn.session.expiresAt) },
    user: { id: signedIn.user.id, email: signedIn.user.email },
    access_token: { token: signedIn.accessToken.token, expires_at: timestamp(signedIn.accessToken.expiresAt) },
    ...(signedIn.redirectTo === undefined ? {} : { redirect_to: signedIn.redirectTo }),
    ...(signedIn.continueTo === undefined ? {} : { continue_to: signedIn.continueTo }),
  };
  return { kind: 'data', status: 200, data, metric: 'token' in body ? 'verifiedByLink' : 'verifiedByCode' };
});

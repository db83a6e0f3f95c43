import { acceptedLanguages, negotiateLocale } from '../contract/locales';
import { MAIL_STRINGS, loadMailRenderer } from '../contract/locales/mail';
import { requestMagicLinkBody } from '../contract/magic-link-request';
import type { SuccessData } from '../contract/route-shapes';
import { parseBody } from '../contract/shapes';
import { httpHandler } from '../http/chain';
import { outcomeMetrics } from '../http/metrics';
import { magicLinkService } from '../http/composition';
import { logPolicy, logger } from '../http/logger';

/** The `beforeSignIn` adapter, loaded on first use only (its own chunk of this bundle). */
const loadSignInHook = () => import('../adapters/lambda-sign-in-hook');
/** The mail's words, per locale, and its renderer: each loaded when a mail is written (chunks of their own). */
const loadMail = { strings: MAIL_STRINGS, renderer: loadMailRenderer };

/** POST /v1/auth/magic-link: 202 whether or not the address was seen before. */
const requestLink = httpHandler<unknown>({ operationId: 'requestMagicLink', jsonBody: true, metrics: outcomeMetrics }, async (event, { scope }) => {
  const { email, code_challenge: challenge, redirect_to: redirectTo, authorization_request: authorization, proof_of_work: proofOfWork, locale: askedLocale } = parseBody(requestMagicLinkBody, event.body);
  const service = magicLinkService(scope.config, loadSignInHook, loadMail);
  // The mail's language: the body's locale, else Accept-Language, else the deployment's default.
  const locale = negotiateLocale({ locale: askedLocale, preferences: acceptedLanguages(event.headers['accept-language'] ?? '') }, scope.config.defaultLocale);
  logger.appendKeys({ email_hash: await service.emailHash(email), bound: challenge !== undefined, locale });
  const { expiresIn, decision, held } = await service.requestMagicLink(email, event.requestContext.http.sourceIp, scope.receivedAt, {
    locale,
    ...(challenge === undefined ? {} : { challenge }),
    ...(proofOfWork === undefined ? {} : { proofOfWork }),
    ...(redirectTo === undefined ? {} : { redirectTo }),
    ...(authorization === undefined
      ? {}
      : {
          authorizationRequest: {
            clientId: authorization.client_id,
            redirectUri: authorization.redirect_uri,
            scope: authorization.scope,
            ...(authorization.state === undefined ? {} : { state: authorization.state }),
            ...(authorization.nonce === undefined ? {} : { nonce: authorization.nonce }),
            ...(authorization.code_challenge === undefined ? {} : { codeChallenge: authorization.code_challenge }),
          },
        }),
  });
  logPolicy(decision);
  if (held) logger.appendKeys({ mail_held: 'budget_reserved' });
  const metric = !decision.allowed ? ('signInRefused' as const) : held ? ('mailHeld' as const) : undefined;
  // A refused address gets the very same answer: only the logs and the metric tell it apart.
  const data: SuccessData<'requestMagicLink'> = { expires_in: expiresIn };
  return { kind: 'data', status: 202, data, ...(metric === undefined ? {} : { metric }) };
});

/** GET /v1/auth/challenge: a proof-of-work challenge, signed with a key only this function holds. */
const issueChallenge = httpHandler({ operationId: 'getChallenge', jsonBody: false }, async (_event, { scope }) => {
  const data: SuccessData<'getChallenge'> = await magicLinkService(scope.config, loadSignInHook, loadMail).challenge(scope.receivedAt);
  return { kind: 'data', status: 200, data };
});

/** Both routes of this function: the challenge route is its only GET (the method, not the routes table, keeps that out of the bundle). */
export const handler = (...args: Parameters<typeof requestLink>) => (args[0].requestContext.http.method === 'GET' ? issueChallenge : requestLink)(...args);

import { ApiError } from '../contract/errors';
import { pathOf } from '../contract/routes';
import { checkAuthorizationRequest, withQuery, type AuthorizeParameters } from '../domain/oidc';
import { httpHandler } from '../http/chain';
import type { Reply } from '../http/middlewares';
import { HOSTED_PAGE, authorizeErrorPage, authorizePage } from '../hosted/page';
import type { ServiceConfig } from '../config';

/** The query's parameters, a repeated one as `null` (RFC 6749 §3.1: parameters must not repeat). */
function parametersOf(rawQuery: string | undefined): AuthorizeParameters {
  const params: Record<string, string | null> = {};
  for (const [name, value] of new URLSearchParams(rawQuery ?? '')) params[name] = name in params ? null : value;
  return params;
}

/**
 * GET /oauth2/authorize: a registered client's request shows the hosted page (its module sends the
 * request with the link request, checked there again); an unknown client or redirect URI is an error
 * page, never a redirect; any other error goes back to the redirect URI (RFC 6749 §4.1.2.1, RFC 9207).
 */
function authorize(rawQuery: string | undefined, config: ServiceConfig): Reply {
  const checked = checkAuthorizationRequest(config.oidcClients, parametersOf(rawQuery));
  switch (checked.kind) {
    case 'ok':
      return { kind: 'page', status: 200, page: authorizePage(checked.client.name) };
    case 'error_page':
      return { kind: 'page', status: 400, page: authorizeErrorPage(checked.problem) };
    case 'redirect_error':
      return {
        kind: 'redirect',
        status: 302,
        location: withQuery(checked.redirectUri, { error: checked.error, error_description: checked.description, state: checked.state, iss: config.issuer }),
      };
  }
}

/**
 * GET /sign-in, /sign-in/app.js, /sign-in/app.css: the hosted sign-in page, and GET /oauth2/authorize.
 * No AWS call: the page's module talks to this API from the browser, and only after a person clicks.
 */
export const handler = httpHandler({ jsonBody: false }, async (event, { scope }) => {
  if (event.routeKey === `GET ${pathOf('authorize')}`) return authorize(event.rawQueryString, scope.config);
  const page = HOSTED_PAGE[event.routeKey];
  if (page === undefined) throw new ApiError('route_not_found');
  return { kind: 'page', status: 200, page };
});

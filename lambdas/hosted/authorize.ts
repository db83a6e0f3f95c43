/**
 * `GET /oauth2/authorize`, answered by the sign-in page's function: its own module, which that function
 * imports on the route's first request only.
 */
import type { ServiceConfig } from '../config';
import { checkAuthorizationRequest, withQuery, type AuthorizeParameters } from '../domain/oidc';
import type { Reply } from '../http/middlewares';
import { escapeHtml, html } from './page';

/** The sign-in page for a registered OpenID Connect client: the module reads the request from the page's URL. */
export function authorizePage(clientName: string): { readonly body: string; readonly contentType: string } {
  const name = escapeHtml(clientName);
  return {
    body: html({ base: '../', title: `Sign in to ${clientName}`, main: `<main id="sign-in" class="mla" data-client-name="${name}"><noscript><p>This sign-in page needs JavaScript.</p></noscript></main>` }),
    contentType: 'text/html; charset=utf-8',
  };
}

/** An authorization request that cannot be sent back to its client: said on a page, never redirected. */
export function authorizeErrorPage(problem: string): { readonly body: string; readonly contentType: string } {
  return {
    body: html({
      base: '../',
      title: 'Sign-in request not valid',
      main: `<main class="mla"><h1>This sign-in request is not valid</h1><p>${escapeHtml(problem)}</p><p>Go back to the app you came from and try again; if it keeps happening, tell the app's team.</p></main>`,
    }),
    contentType: 'text/html; charset=utf-8',
  };
}

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
export function authorize(rawQuery: string | undefined, config: ServiceConfig): Reply {
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


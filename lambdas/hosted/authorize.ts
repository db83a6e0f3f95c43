/**
 * `GET /oauth2/authorize`, answered by the sign-in page's function: its own module, which that function
 * imports on the route's first request only.
 */
import type { ServiceConfig } from '../config';
import { fill } from '../contract/locales/page';
import { checkAuthorizationRequest, withQuery, type AuthorizeParameters } from '../domain/oidc';
import type { Reply } from '../http/middlewares';
import { escapeHtml, html, pageLocale, signInMain, titleWithApp, type PageConfig } from './page';
import { pageStrings } from './strings';

type Page = { readonly body: string; readonly contentType: string };

/** The sign-in page for a registered OpenID Connect client: the module reads the request from the page's URL. */
export async function authorizePage(config: PageConfig, clientName: string, acceptLanguage: string | undefined): Promise<Page> {
  const locale = pageLocale(config, acceptLanguage);
  const strings = await pageStrings(locale);
  return {
    body: html({ base: '../', locale, strings, config, title: fill(strings.signInTo, { appName: clientName }), main: signInMain({ config, strings, clientName }) }),
    contentType: 'text/html; charset=utf-8',
  };
}

/** An authorization request that cannot be sent back to its client: said on a page, never redirected. */
export async function authorizeErrorPage(config: PageConfig, problem: string, acceptLanguage: string | undefined): Promise<Page> {
  const locale = pageLocale(config, acceptLanguage);
  const strings = await pageStrings(locale);
  return {
    body: html({
      base: '../',
      locale,
      strings,
      config,
      title: titleWithApp(strings.requestInvalidTitle, config.appName),
      // The problem is the protocol's, for the app's team: in English, as the API's messages are.
      main: `<main class="mla"><h1>${escapeHtml(strings.requestInvalidHeading)}</h1><p lang="en" dir="ltr">${escapeHtml(problem)}</p><p>${escapeHtml(strings.requestInvalidAdvice)}</p></main>`,
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
export async function authorize(rawQuery: string | undefined, config: ServiceConfig, acceptLanguage: string | undefined): Promise<Reply> {
  const checked = checkAuthorizationRequest(config.oidcClients, parametersOf(rawQuery));
  switch (checked.kind) {
    case 'ok':
      return { kind: 'page', status: 200, page: await authorizePage(config, checked.client.name, acceptLanguage) };
    case 'error_page':
      return { kind: 'page', status: 400, page: await authorizeErrorPage(config, checked.problem, acceptLanguage) };
    case 'redirect_error':
      return {
        kind: 'redirect',
        status: 302,
        location: withQuery(checked.redirectUri, { error: checked.error, error_description: checked.description, state: checked.state, iss: config.issuer }),
      };
  }
}


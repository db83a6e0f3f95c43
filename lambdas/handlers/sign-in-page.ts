import { ApiError } from '../contract/errors';
import { pathOf } from '../contract/routes';
import { loadOnce } from '../domain/load-once';
import { httpHandler } from '../http/chain';

const loadAuthorize = loadOnce(() => import('../hosted/authorize'));
const loadPage = loadOnce(() => import('../hosted/page'));
const loadRedirectRefused = loadOnce(() => import('../hosted/redirect-refused'));

/**
 * GET /sign-in, /sign-in/app.js, /sign-in/app.css, /sign-in/language.js: the hosted sign-in page, and
 * GET /oauth2/authorize. A `redirect_to` the deployment does not allow gets a page saying so instead of the form.
 * No AWS call: the page's module talks to this API from the browser, and only after a person clicks.
 * The page itself (its HTML, stylesheet and languages) is imported on the first request: a cold start
 * parses only the chain.
 */
export const handler = httpHandler({ jsonBody: false }, async (event, { scope }) => {
  const acceptLanguage = event.headers['accept-language'];
  // Loaded on its first request only: the sign-in page's own cold start does not parse the OpenID Connect checks.
  if (event.routeKey === `GET ${pathOf('authorize')}`) return (await loadAuthorize()).authorize(event.rawQueryString, scope.config, acceptLanguage);
  const page = (await loadPage()).HOSTED_PAGE[event.routeKey];
  if (page === undefined) throw new ApiError('route_not_found');
  const query = new URLSearchParams(event.rawQueryString);
  const redirectTo = query.get('redirect_to');
  const refused = redirectTo === null ? undefined : await (await loadRedirectRefused()).refusedRedirectPage(scope.config, redirectTo, acceptLanguage);
  if (refused) return { kind: 'page', status: 400, page: refused };
  return { kind: 'page', status: 200, page: { body: await page.body({ config: scope.config, query, acceptLanguage }), contentType: page.contentType } };
});

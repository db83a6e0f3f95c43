import { ApiError } from '../contract/errors';
import { httpHandler } from '../http/chain';
import { HOSTED_PAGE } from '../hosted/page';

/**
 * GET /sign-in, /sign-in/app.js, /sign-in/app.css: the hosted sign-in page. Static: no AWS call, the
 * page's module talks to this API from the browser, and only after a person clicks.
 */
export const handler = httpHandler({ jsonBody: false }, async (event) => {
  const page = HOSTED_PAGE[event.routeKey];
  if (page === undefined) throw new ApiError('route_not_found');
  return { kind: 'page', status: 200, page };
});

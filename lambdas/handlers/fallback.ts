import { ApiError } from '../contract/errors';
import { httpHandler } from '../http/chain';
import { methodsForPath } from '../contract/routes';
import { FAVICON, FAVICON_PATH } from '../hosted/favicon';

/**
 * API Gateway's `$default` route: everything no route matched. 405 (with `Allow`) for a real path
 * under another method, and 404 otherwise, always in the envelope rather than API Gateway's own body.
 * `GET /favicon.ico` is the hosted pages' icon (not a route: no API document names it).
 * An OPTIONS on a real path gets an empty 204: preflights from allowed origins never get here (API
 * Gateway's CORS configuration answers them), so this grants nothing.
 */
export const handler = httpHandler({ jsonBody: false }, async (event) => {
  if (event.rawPath === FAVICON_PATH && event.requestContext.http.method === 'GET') return { kind: 'page', status: 200, page: FAVICON };
  const methods = methodsForPath(event.rawPath);
  if (methods.length === 0) throw new ApiError('route_not_found');
  if (event.requestContext.http.method === 'OPTIONS') return { kind: 'empty', status: 204 };
  throw new ApiError('method_not_allowed', [], { headers: { allow: [...methods, 'OPTIONS'].join(', ') } });
});

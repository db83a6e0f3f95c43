/**
 * The public routes. The CDK construct creates exactly these, and the fallback handler answers
 * everything else (404, or 405 with `Allow` when the path exists under another method).
 */
export const ROUTES = [
  { method: 'POST', path: '/v1/auth/magic-link', handler: 'request-magic-link' },
  { method: 'POST', path: '/v1/auth/verify', handler: 'verify' },
  { method: 'GET', path: '/v1/auth/session', handler: 'get-session' },
  { method: 'POST', path: '/v1/auth/sign-out', handler: 'sign-out' },
] as const;

export type RouteHandlerName = (typeof ROUTES)[number]['handler'];

/** Methods served at `path`, or an empty list when the path is unknown. */
export function methodsForPath(path: string): string[] {
  const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return ROUTES.filter((route) => route.path === normalized).map((route) => route.method);
}

import type { ErrorCode } from './errors';

/** Errors any route can answer with: they come from the shared chain, not the route's own logic. */
export const CHAIN_ERRORS = ['payload_too_large', 'service_unavailable', 'internal_error'] as const satisfies readonly ErrorCode[];

/**
 * The public routes. The CDK construct creates exactly these, the OpenAPI document and the typed
 * client are generated from them, and the fallback handler answers everything else (404, or 405 with
 * `Allow` when the path exists under another method).
 */
export const ROUTES = [
  {
    method: 'POST',
    path: '/v1/auth/magic-link',
    handler: 'request-magic-link',
    operationId: 'requestMagicLink',
    summary: 'Mail a single-use sign-in link and code',
    successStatus: 202,
    errors: [
      'invalid_json',
      'validation_failed',
      'unsupported_media_type',
      'magic_link_ip_limit_exceeded',
      'magic_link_email_limit_exceeded',
      'magic_link_capacity_exceeded',
      'magic_link_challenge_required',
      'email_delivery_failed',
      ...CHAIN_ERRORS,
    ],
  },
  {
    method: 'POST',
    path: '/v1/auth/verify',
    handler: 'verify',
    operationId: 'verify',
    summary: 'Sign in once, by the link\'s token or by the code from the email, and start a session',
    successStatus: 200,
    errors: [
      'invalid_json',
      'validation_failed',
      'unsupported_media_type',
      'magic_link_not_found',
      'magic_link_expired',
      'magic_link_already_used',
      'magic_link_device_mismatch',
      'magic_link_code_invalid',
      'magic_link_code_attempts_exceeded',
      'magic_link_code_ip_limit_exceeded',
      'sign_in_not_allowed',
      ...CHAIN_ERRORS,
    ],
  },
  {
    method: 'GET',
    path: '/v1/auth/session',
    handler: 'get-session',
    operationId: 'getSession',
    summary: 'The session a bearer token belongs to',
    successStatus: 200,
    errors: ['session_invalid', ...CHAIN_ERRORS],
  },
  {
    method: 'POST',
    path: '/v1/auth/token',
    handler: 'token',
    operationId: 'refreshAccessToken',
    summary: 'A new access token on a live session (send the session token as a bearer token, no body)',
    successStatus: 200,
    errors: ['session_invalid', ...CHAIN_ERRORS],
  },
  {
    method: 'POST',
    path: '/v1/auth/sign-out',
    handler: 'sign-out',
    operationId: 'signOut',
    summary: 'Revoke a session at once, or with {"everywhere": true} every session of its address',
    successStatus: 200,
    body: 'optional',
    errors: ['invalid_json', 'validation_failed', 'unsupported_media_type', 'session_invalid', ...CHAIN_ERRORS],
  },
  // The hosted sign-in page: HTML, its module, its stylesheet and its words, all from one function.
  {
    method: 'GET',
    path: '/sign-in',
    handler: 'sign-in-page',
    operationId: 'getSignInPage',
    summary: 'The hosted sign-in page: the page a magic link opens when no signInUrl of your own is set',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
    media: 'text/html',
  },
  {
    method: 'GET',
    path: '/sign-in/app.js',
    handler: 'sign-in-page',
    operationId: 'getSignInScript',
    summary: 'The hosted sign-in page\'s script (an ES module)',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
    media: 'text/javascript',
  },
  {
    method: 'GET',
    path: '/sign-in/app.css',
    handler: 'sign-in-page',
    operationId: 'getSignInStyles',
    summary: 'The hosted sign-in page\'s stylesheet',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
    media: 'text/css',
  },
  {
    method: 'GET',
    path: '/sign-in/language.js',
    handler: 'sign-in-page',
    operationId: 'getSignInLanguage',
    summary: 'The hosted sign-in page\'s words and error sentences in one language, an ES module (`?locale=`, BCP 47; the deployment\'s default when it does not speak it)',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
    media: 'text/javascript',
  },
  // OpenID Connect's authorization endpoint: the hosted page for a registered client, from the page's function.
  {
    method: 'GET',
    path: '/oauth2/authorize',
    handler: 'sign-in-page',
    operationId: 'authorize',
    summary:
      'OpenID Connect authorization endpoint (code flow, PKCE S256): the hosted sign-in page for a registered client; an unknown client or redirect_uri is an error page, other errors go back to redirect_uri',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
    media: 'text/html',
    oauth: 'query',
  },
  {
    method: 'POST',
    path: '/oauth2/token',
    handler: 'oauth-token',
    operationId: 'oauthToken',
    summary: 'OpenID Connect token endpoint (form-encoded): a code for tokens, or a refresh token for new ones (rotated); OAuth error JSON, not the envelope',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
    oauth: 'form',
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    handler: 'openapi',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI document',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
  },
  // OpenID Connect discovery and the public keys, for verifiers of the access tokens: one function.
  {
    method: 'GET',
    path: '/.well-known/openid-configuration',
    handler: 'openid',
    operationId: 'getOpenIdConfiguration',
    summary: 'The OpenID Connect discovery document: the issuer, where its keys are, and what it signs with',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    handler: 'openid',
    operationId: 'getJwks',
    summary: 'The public keys the access tokens are signed with (JWKS): the previous, current and next',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
  },
  // The OpenID Connect provider's UserInfo: the keys' function checks the access token (after the two above, so its integration keeps its logical ID).
  {
    method: 'GET',
    path: '/oauth2/userinfo',
    handler: 'openid',
    operationId: 'userInfo',
    summary: 'OpenID Connect UserInfo: sub, email and email_verified of a valid access token (Authorization: Bearer)',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
    oauth: 'bearer',
  },
  // Issued by the link request's function: it holds the key that signs them (last, so the routes above keep their logical IDs).
  {
    method: 'GET',
    path: '/v1/auth/challenge',
    handler: 'request-magic-link',
    operationId: 'getChallenge',
    summary: 'A proof-of-work challenge (ALTCHA\'s shape), to solve and send as proof_of_work when a link request answers magic_link_challenge_required',
    successStatus: 200,
    errors: [...CHAIN_ERRORS],
  },
] as const satisfies readonly {
  method: 'GET' | 'POST';
  path: string;
  handler: string;
  operationId: string;
  summary: string;
  successStatus: number;
  errors: readonly ErrorCode[];
  /** A JSON body the route may be called without (its shape is in `contract/shapes.ts`). */
  body?: 'optional';
  /** The media type of a route that answers with a page or an asset instead of the JSON envelope. */
  media?: 'text/html' | 'text/javascript' | 'text/css';
  /** An OAuth endpoint: its input (query, form body or bearer token) and OAuth's own error JSON instead of the envelope. */
  oauth?: 'query' | 'form' | 'bearer';
}[];

export type Route = (typeof ROUTES)[number];
export type RouteHandlerName = Route['handler'];

/** Errors the `$default` route answers with, for any path no route matches. */
export const FALLBACK_ERRORS = ['route_not_found', 'method_not_allowed', ...CHAIN_ERRORS] as const satisfies readonly ErrorCode[];

/**
 * Methods served at exactly `path`, or an empty list when the path is unknown. No normalization:
 * API Gateway does not match `/v1/auth/verify/` to `/v1/auth/verify`, so neither do we (a 405 with
 * `Allow: POST` would tell a POST caller to do what it just did).
 */
export function methodsForPath(path: string): string[] {
  return ROUTES.filter((route) => route.path === path).map((route) => route.method);
}

/** The route API Gateway picks for a request (exact method and path), or undefined for `$default`. */
export function routeFor(method: string, path: string): Route | undefined {
  return ROUTES.find((route) => route.method === method && route.path === path);
}

/** The path of an operation's route. */
export function pathOf(operationId: Route['operationId']): string {
  return ROUTES.find((route) => route.operationId === operationId)!.path;
}

/** Request headers a browser on an allowed origin may send (API Gateway's CORS configuration). */
export const CORS_REQUEST_HEADERS = ['authorization', 'content-type'] as const;

/** Response headers a script on an allowed origin may read: the wait after a limit, the request's id. */
export const CORS_EXPOSED_HEADERS = ['retry-after', 'x-request-id'] as const;

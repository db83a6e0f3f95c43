import { KmsPublicKeys } from '../adapters/kms-token-signer';
import { ApiError } from '../contract/errors';
import { pathOf } from '../contract/routes';
import { CLAIMS, SCOPES } from '../domain/oidc';
import { bearerToken } from '../domain/sessions';
import { httpHandler } from '../http/chain';
import type { Reply } from '../http/middlewares';
import { perConfig } from '../http/per-config';

/**
 * Shorter than API Gateway's JWT authorizer keeps keys (up to 2 hours), and the JWKS always publishes
 * the next key a generation ahead, so no cache meets an unknown `kid` after a rotation.
 */
const CACHE_CONTROL = 'public, max-age=3600';

/** OpenID Connect Discovery 1.0 for the provider (authorization code flow with PKCE) and the access tokens' verifiers. */
const discovery = perConfig((config) => ({
  issuer: config.issuer,
  authorization_endpoint: `${config.issuer}${pathOf('authorize')}`,
  token_endpoint: `${config.issuer}${pathOf('oauthToken')}`,
  userinfo_endpoint: `${config.issuer}${pathOf('userInfo')}`,
  jwks_uri: `${config.issuer}${pathOf('getJwks')}`,
  response_types_supported: ['code'],
  grant_types_supported: ['authorization_code', 'refresh_token'],
  code_challenge_methods_supported: ['S256'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
  scopes_supported: [...SCOPES],
  claims_supported: [...CLAIMS],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
  authorization_response_iss_parameter_supported: true,
}));

const publicKeys = perConfig((config) => new KmsPublicKeys(config.publicKeyArns));

/** RFC 6750 §3: no token gets a bare challenge, a bad one `invalid_token`. */
function unauthorized(description?: string): Reply {
  return {
    kind: 'document',
    status: 401,
    document: description === undefined ? { error: 'invalid_request', error_description: 'an access token is required' } : { error: 'invalid_token', error_description: description },
    headers: { 'www-authenticate': description === undefined ? 'Bearer' : `Bearer error="invalid_token", error_description="${description}"` },
  };
}

/**
 * `jose` (about 25 KiB), loaded by the first UserInfo request only: its own chunk of this bundle, so
 * discovery and the JWKS, and every cold start, do without it.
 */
const loadJose = () => import('jose');

/** GET /oauth2/userinfo: the claims of a valid access token, checked against the published keys, issuer and audience. */
async function userInfo(authorization: string | undefined, config: Parameters<typeof publicKeys>[0]): Promise<Reply> {
  const token = bearerToken(authorization);
  if (token === null) return unauthorized();
  const { createLocalJWKSet, jwtVerify } = await loadJose();
  const keys = createLocalJWKSet({ keys: await publicKeys(config).get() });
  try {
    const { payload } = await jwtVerify(token, keys, { issuer: config.issuer, audience: config.audience, algorithms: ['RS256'] });
    return { kind: 'document', status: 200, document: { sub: payload.sub, email: payload.email, email_verified: payload.email_verified === true } };
  } catch {
    return unauthorized('the access token is invalid or expired');
  }
}

/**
 * GET /.well-known/openid-configuration, GET /.well-known/jwks.json and GET /oauth2/userinfo. No table
 * access; the keys' public halves come from KMS once per container.
 */
export const handler = httpHandler({ jsonBody: false }, async (event, { scope }) => {
  switch (event.routeKey) {
    case `GET ${pathOf('getOpenIdConfiguration')}`:
      return { kind: 'document', status: 200, document: discovery(scope.config), cacheControl: CACHE_CONTROL };
    case `GET ${pathOf('getJwks')}`:
      return { kind: 'document', status: 200, document: { keys: await publicKeys(scope.config).get() }, cacheControl: CACHE_CONTROL };
    case `GET ${pathOf('userInfo')}`:
      return userInfo(event.headers.authorization, scope.config);
    default:
      throw new ApiError('route_not_found');
  }
});

import { KmsPublicKeys } from '../adapters/kms-token-signer';
import { ApiError } from '../contract/errors';
import { pathOf } from '../contract/routes';
import { httpHandler } from '../http/chain';
import { perConfig } from '../http/per-config';

/**
 * Shorter than API Gateway's JWT authorizer keeps keys (up to 2 hours), and the JWKS always publishes
 * the next key a generation ahead, so no cache meets an unknown `kid` after a rotation.
 */
const CACHE_CONTROL = 'public, max-age=3600';

/** OpenID Connect Discovery 1.0's required fields, for the access tokens' verifiers. */
const discovery = perConfig((config) => ({
  issuer: config.issuer,
  jwks_uri: `${config.issuer}${pathOf('getJwks')}`,
  // Discovery requires an authorization endpoint; until this service has an OpenID Connect flow, it is the hosted sign-in page.
  authorization_endpoint: `${config.issuer}${pathOf('getSignInPage')}`,
  token_endpoint: `${config.issuer}${pathOf('refreshAccessToken')}`,
  response_types_supported: ['token'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256'],
}));

const publicKeys = perConfig((config) => new KmsPublicKeys(config.publicKeyArns));

/**
 * GET /.well-known/openid-configuration and GET /.well-known/jwks.json: documents for verifiers of the
 * access tokens. No table access; the keys' public halves come from KMS once per container.
 */
export const handler = httpHandler({ jsonBody: false }, async (event, { scope }) => {
  switch (event.routeKey) {
    case `GET ${pathOf('getOpenIdConfiguration')}`:
      return { kind: 'document', status: 200, document: discovery(scope.config), cacheControl: CACHE_CONTROL };
    case `GET ${pathOf('getJwks')}`:
      return { kind: 'document', status: 200, document: { keys: await publicKeys(scope.config).get() }, cacheControl: CACHE_CONTROL };
    default:
      throw new ApiError('route_not_found');
  }
});

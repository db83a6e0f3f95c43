import { DynamoOidcStore } from '../adapters/dynamo-oidc-store';
import { KmsTokenSigner } from '../adapters/kms-token-signer';
import { SecretsManagerClientSecrets } from '../adapters/secrets-manager-code-secret';
import { RECORD_RETENTION_SECONDS } from '../domain/auth-service';
import { OAuthError, OidcTokenService, type ClientCredentials, type TokenRequest } from '../domain/oidc';
import { httpHandler } from '../http/chain';
import type { Reply } from '../http/middlewares';
import { perConfig } from '../http/per-config';

/**
 * The token endpoint's composition: the table, the signing key and the confidential clients' secrets,
 * once per container. Here rather than in the composition root: the other bundles import that, and a
 * subclass (the OIDC store) is kept by esbuild wherever it is imported.
 */
const oidcTokenService = perConfig(
  (config) =>
    new OidcTokenService(
      new DynamoOidcStore({ tableName: config.tableName }),
      new KmsTokenSigner(config.signingKeyArn),
      new SecretsManagerClientSecrets(config.oidcClientSecretArns),
      config.oidcClients,
      { ...config, sessionRetentionSeconds: RECORD_RETENTION_SECONDS },
    ),
);

/** The client's `client_id:secret` from `Authorization: Basic`, each form-decoded (RFC 6749 §2.3.1). */
function basicCredentials(authorization: string | undefined): { clientId: string; secret: string } | null | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)[ ]*$/i.exec(authorization);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/** OAuth's error JSON (RFC 6749 §5.2): 401 for client authentication, with a Basic challenge when Basic was tried. */
function oauthError(error: OAuthError): Reply {
  const limited = error.options.retryAfterSeconds !== undefined;
  const status = limited ? 429 : error.error === 'invalid_client' ? 401 : 400;
  return {
    kind: 'document',
    status,
    document: { error: error.error, error_description: error.description },
    headers: {
      pragma: 'no-cache',
      ...(status === 401 ? { 'www-authenticate': error.options.scheme === 'basic' ? 'Basic realm="oauth2", error="invalid_client"' : 'Basic realm="oauth2"' } : {}),
      ...(limited ? { 'retry-after': String(error.options.retryAfterSeconds) } : {}),
    },
  };
}

/** The form's parameters, each at most once (RFC 6749 §3.2). */
function formOf(event: { body?: unknown; isBase64Encoded?: boolean; headers: Record<string, string | undefined> }): Record<string, string> {
  const type = (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
  const raw = typeof event.body === 'string' ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  const form: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if (name in form) throw new OAuthError('invalid_request', `${name} is repeated`);
    form[name] = value;
  }
  return form;
}

/**
 * POST /oauth2/token: authenticates the client (public: client_id and PKCE; confidential:
 * client_secret_basic or client_secret_post), then exchanges a code or rotates a refresh token.
 * OAuth's JSON and errors, never cached.
 */
export const handler = httpHandler({ operationId: 'oauthToken', jsonBody: false }, async (event, { scope }) => {
  try {
    const form = formOf(event);
    const basic = basicCredentials(event.headers.authorization);
    if (basic === null) throw new OAuthError('invalid_client', 'the Authorization header is not Basic client credentials', { scheme: 'basic' });
    if (basic !== undefined && (form.client_secret !== undefined || (form.client_id !== undefined && form.client_id !== basic.clientId))) {
      throw new OAuthError('invalid_request', 'use one client authentication method');
    }
    const credentials: ClientCredentials =
      basic !== undefined
        ? { clientId: basic.clientId, secret: basic.secret, method: 'basic' }
        : { ...(form.client_id === undefined ? {} : { clientId: form.client_id }), ...(form.client_secret === undefined ? {} : { secret: form.client_secret }), method: form.client_secret === undefined ? 'none' : 'post' };
    const service = oidcTokenService(scope.config);
    const client = await service.authenticate(credentials, event.requestContext.http.sourceIp, scope.receivedAt);
    const request: TokenRequest = {
      ...(form.grant_type === undefined ? {} : { grantType: form.grant_type }),
      ...(form.code === undefined ? {} : { code: form.code }),
      ...(form.redirect_uri === undefined ? {} : { redirectUri: form.redirect_uri }),
      ...(form.code_verifier === undefined ? {} : { codeVerifier: form.code_verifier }),
      ...(form.refresh_token === undefined ? {} : { refreshToken: form.refresh_token }),
    };
    const tokens = await service.token(client, request, scope.receivedAt);
    return { kind: 'document', status: 200, document: tokens, headers: { pragma: 'no-cache' } };
  } catch (error) {
    if (error instanceof OAuthError) return oauthError(error);
    throw error;
  }
});

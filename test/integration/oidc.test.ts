import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { DynamoAuthStore } from '../../lambdas/adapters/dynamo-auth-store';
import { newAuthorizationCode } from '../../lambdas/domain/oidc';
import { emulatorAwsEnv, emulatorDynamoClient } from '../../scripts/local/deploy';
import { magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { call, deployment, freshEmail } from './client';
import { oauthSecretsOf, rememberSecrets } from './log-scan';
import { OIDC_CLIENTS } from './settings';

/** The Location a registered client is sent to, a public one's by default. */
const SPA = OIDC_CLIENTS.public;
const SERVER = OIDC_CLIENTS.confidential;
const issuer = () => deployment().issuer;

/** What the libraries send and get (they fetch for themselves, not through `call`): for the log scan. */
function remember(request: Record<string, unknown>, response: unknown): void {
  rememberSecrets(oauthSecretsOf(request, response));
}

/** A fresh PKCE pair, as a client makes one. */
function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

interface Authorization {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly challenge?: string;
  readonly scope?: string;
}

/**
 * The flow as the hosted page drives it, over HTTP: the authorize page, the link request carrying the
 * authorization request, the mailed link, verify; the URL verify sends the browser on to.
 */
async function signInThrough(authorization: Authorization): Promise<{ callback: URL; email: string; userId: string }> {
  const scope = authorization.scope ?? 'openid email';
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: authorization.clientId,
    redirect_uri: authorization.redirectUri,
    scope,
    state: authorization.state,
    nonce: authorization.nonce,
    ...(authorization.challenge === undefined ? {} : { code_challenge: authorization.challenge, code_challenge_method: 'S256' }),
  });
  const page = await call('GET', `/oauth2/authorize?${query}`);
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.rawBody).toContain(`data-client-name="${authorization.clientId === SPA.clientId ? SPA.name : SERVER.name}"`);

  const email = freshEmail('oidc');
  const requested = await call('POST', '/v1/auth/magic-link', {
    body: {
      email,
      authorization_request: {
        client_id: authorization.clientId,
        redirect_uri: authorization.redirectUri,
        scope,
        state: authorization.state,
        nonce: authorization.nonce,
        ...(authorization.challenge === undefined ? {} : { code_challenge: authorization.challenge }),
      },
    },
  });
  expect(requested.status).toBe(202);
  const [mail] = await waitForMail(deployment().endpoint, email, 1);
  const verified = await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(mail!)!.token } });
  expect(verified.status).toBe(200);
  const continueTo = verified.body.data.continue_to as string;
  // The session never rides in the URL: only the code, the state and the issuer.
  expect(continueTo).not.toContain(verified.body.data.session.token);
  return { callback: new URL(continueTo), email, userId: verified.body.data.user.id };
}

/** The token endpoint, form-encoded as a client sends it. */
async function token(form: Record<string, string>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams(form).toString();
  const response = await call('POST', '/oauth2/token', { body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  remember(form, response.body);
  return response;
}

/** A public client's whole sign-in, then its code exchanged: the tokens. */
async function signedInTokens() {
  const { verifier, challenge } = pkce();
  const { callback } = await signInThrough({ clientId: SPA.clientId, redirectUri: SPA.redirectUris[0], state: 's', nonce: 'n', challenge });
  const code = callback.searchParams.get('code')!;
  const exchanged = await token({ grant_type: 'authorization_code', code, redirect_uri: SPA.redirectUris[0], client_id: SPA.clientId, code_verifier: verifier });
  expect(exchanged.status).toBe(200);
  return { code, verifier, tokens: exchanged.body as { access_token: string; refresh_token: string; id_token: string } };
}

async function confidentialSecret(): Promise<string> {
  const arn = deployment().outputs[`OidcClientSecretArn${SERVER.clientId.replace(/[^A-Za-z0-9]/g, '')}`]!;
  const env = emulatorAwsEnv(deployment().endpoint);
  const client = new SecretsManagerClient({ endpoint: env.AWS_ENDPOINT_URL, region: env.AWS_REGION, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  try {
    const secret = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!;
    rememberSecrets([secret]);
    return secret;
  } finally {
    client.destroy();
  }
}

describe('the hosted page as an OpenID Connect provider, through the deployed stack', () => {
  it('discovery lists the provider: its endpoints, code flow with S256, the grants, auth methods, scopes and claims', async () => {
    const discovery = await call('GET', '/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(discovery.body).toMatchObject({
      issuer: issuer(),
      authorization_endpoint: `${issuer()}/oauth2/authorize`,
      token_endpoint: `${issuer()}/oauth2/token`,
      userinfo_endpoint: `${issuer()}/oauth2/userinfo`,
      jwks_uri: `${issuer()}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      scopes_supported: ['openid', 'email'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(discovery.body.claims_supported).toEqual(expect.arrayContaining(['sub', 'email', 'email_verified', 'nonce', 'auth_time']));
  });

  it('openid-client signs in a public client: code with state unchanged and iss, ID token checked against the JWKS, UserInfo, one refresh, and reuse of the rotated refresh token ends the family', async () => {
    const server = new URL(issuer());
    const config = await openid.discovery(server, SPA.clientId, undefined, openid.None(), { execute: [openid.allowInsecureRequests] });
    const verifier = openid.randomPKCECodeVerifier();
    const challenge = await openid.calculatePKCECodeChallenge(verifier);
    // Characters a client's state may carry, which must come back exactly.
    const state = `${openid.randomState()} /+=&é`;
    const nonce = openid.randomNonce();
    const { callback, email, userId } = await signInThrough({ clientId: SPA.clientId, redirectUri: SPA.redirectUris[0], state, nonce, challenge });
    expect(`${callback.origin}${callback.pathname}`).toBe(SPA.redirectUris[0]);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(issuer());

    const tokens = await openid.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    remember({ code: callback.searchParams.get('code') }, tokens);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(600);
    // The ID token's signature, against the deployment's published keys; iss, aud and nonce.
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), { issuer: issuer(), audience: SPA.clientId, algorithms: ['RS256'] });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: userId, nonce, email, email_verified: true, amr: ['otp'], auth_time: expect.any(Number), sid: expect.any(String) });

    const info = await openid.fetchUserInfo(config, tokens.access_token, userId);
    expect(info).toEqual({ sub: userId, email, email_verified: true });

    const refreshed = await openid.refreshTokenGrant(config, tokens.refresh_token!);
    remember({ refresh_token: tokens.refresh_token }, refreshed);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await jwtVerify(refreshed.access_token, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), { issuer: issuer() })).payload.sub).toBe(userId);

    // The rotated token again: refused, and the family with it (the newest token stops too).
    await expect(openid.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(openid.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('oauth4webapi completes the same code exchange, validating the authorization response (state, iss) and the ID token (nonce)', async () => {
    const server = new URL(issuer());
    const options = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(server, await oauth.discoveryRequest(server, options));
    const client: oauth.Client = { client_id: SPA.clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const challenge = await oauth.calculatePKCECodeChallenge(verifier);
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const { callback, userId } = await signInThrough({ clientId: SPA.clientId, redirectUri: SPA.redirectUris[0], state, nonce, challenge });
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, SPA.redirectUris[0], verifier, options);
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
    remember({ code: callback.searchParams.get('code') }, result);
    expect(oauth.getValidatedIdTokenClaims(result)).toMatchObject({ iss: issuer(), aud: SPA.clientId, sub: userId, nonce });
    const { payload } = await jwtVerify(result.id_token!, createRemoteJWKSet(new URL(as.jwks_uri!)), { issuer: issuer(), audience: SPA.clientId });
    expect(payload.nonce).toBe(nonce);
  });

  it('a confidential client signs in with its secret from Secrets Manager (client_secret_basic), and a wrong secret gets 401 invalid_client', async () => {
    const secret = await confidentialSecret();
    // Letters and digits only on AWS (the template asks for no punctuation); this emulator adds some (docs/local-emulator.md, gap 24).
    expect(secret.length).toBeGreaterThanOrEqual(48);
    const config = await openid.discovery(new URL(issuer()), SERVER.clientId, undefined, openid.ClientSecretBasic(secret), { execute: [openid.allowInsecureRequests] });
    const state = openid.randomState();
    const nonce = openid.randomNonce();
    const { callback, userId } = await signInThrough({ clientId: SERVER.clientId, redirectUri: SERVER.redirectUris[0], state, nonce });
    const tokens = await openid.authorizationCodeGrant(config, callback, { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    remember({ code: callback.searchParams.get('code') }, tokens);
    expect(tokens.claims()).toMatchObject({ sub: userId, aud: SERVER.clientId });

    const wrong = `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`;
    const basic = `Basic ${Buffer.from(`${SERVER.clientId}:${encodeURIComponent(wrong)}`).toString('base64')}`;
    const refused = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, { authorization: basic });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    expect(refused.headers['www-authenticate']).toMatch(/^Basic /);
    const posted = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token!, client_id: SERVER.clientId, client_secret: 'wrong' });
    expect(posted.status).toBe(401);
    expect(posted.body.error).toBe('invalid_client');
  });

  it('an unregistered redirect URI (or client) is an error page, never a redirect', async () => {
    const { challenge } = pkce();
    for (const [clientId, redirectUri] of [
      [SPA.clientId, 'https://attacker.example/callback'],
      [SPA.clientId, `${SPA.redirectUris[0]}/more`],
      ['no-such-client', SPA.redirectUris[0]],
    ] as const) {
      const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
      const page = await call('GET', `/oauth2/authorize?${query}`);
      expect(page.status).toBe(400);
      expect(page.headers.location).toBeUndefined();
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.rawBody).toContain('This sign-in request is not valid');
    }
    // The link request is checked again: it cannot carry what the page refused.
    const requested = await call('POST', '/v1/auth/magic-link', {
      body: { email: freshEmail('oidc-bad'), authorization_request: { client_id: SPA.clientId, redirect_uri: 'https://attacker.example/callback', scope: 'openid', code_challenge: challenge } },
    });
    expect(requested.status).toBe(400);
    expect(requested.body.details).toEqual([{ field: 'authorization_request', issue: expect.any(String) }]);
  });

  it('other errors go back to the registered redirect URI with error, state and iss', async () => {
    const query = new URLSearchParams({ response_type: 'code', client_id: SPA.clientId, redirect_uri: SPA.redirectUris[0], scope: 'openid', state: 'keep me' });
    const response = await call('GET', `/oauth2/authorize?${query}`);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.location!);
    expect(`${location.origin}${location.pathname}`).toBe(SPA.redirectUris[0]);
    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('code_challenge'), state: 'keep me', iss: issuer() });
  });

  it('a wrong code_verifier gets invalid_grant', async () => {
    const { verifier, challenge } = pkce();
    const { callback } = await signInThrough({ clientId: SPA.clientId, redirectUri: SPA.redirectUris[0], state: 's', nonce: 'n', challenge });
    const code = callback.searchParams.get('code')!;
    const wrong = await token({ grant_type: 'authorization_code', code, redirect_uri: SPA.redirectUris[0], client_id: SPA.clientId, code_verifier: pkce().verifier });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
    expect(wrong.headers['cache-control']).toBe('no-store');
    // The code was not spent by the wrong attempt: its own client, with its verifier, still gets tokens.
    const right = await token({ grant_type: 'authorization_code', code, redirect_uri: SPA.redirectUris[0], client_id: SPA.clientId, code_verifier: verifier });
    expect(right.status).toBe(200);
  });

  it('a code used twice gets invalid_grant, and what its first use issued stops working', async () => {
    const { code, verifier, tokens } = await signedInTokens();
    const again = await token({ grant_type: 'authorization_code', code, redirect_uri: SPA.redirectUris[0], client_id: SPA.clientId, code_verifier: verifier });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: SPA.clientId });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('a code older than 60 seconds gets invalid_grant', async () => {
    const { verifier, challenge } = pkce();
    const authTime = Math.floor(Date.now() / 1000) - 61;
    const { code, item } = newAuthorizationCode(
      {
        request: { clientId: SPA.clientId, redirectUri: SPA.redirectUris[0], scope: 'openid email', state: 's', nonce: 'n', codeChallenge: challenge },
        userId: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9',
        email: freshEmail('aged'),
        signInId: randomBytes(32).toString('base64url'),
        authTime,
        method: 'link',
        sessionExpiresAt: authTime + 3600,
      },
      3600,
    );
    // Written as the verify function writes it, a minute and a second ago.
    const client = emulatorDynamoClient(deployment().endpoint);
    try {
      await new DynamoAuthStore({ tableName: deployment().tableName, client }).saveAuthorizationCode(item);
    } finally {
      client.destroy();
    }
    const aged = await token({ grant_type: 'authorization_code', code, redirect_uri: SPA.redirectUris[0], client_id: SPA.clientId, code_verifier: verifier });
    expect(aged.status).toBe(400);
    expect(aged.body.error).toBe('invalid_grant');
  });

  it('UserInfo refuses a missing or bad token with WWW-Authenticate', async () => {
    const none = await call('GET', '/oauth2/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const bad = await call('GET', '/oauth2/userinfo', { headers: { authorization: 'Bearer not.a.token' } });
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });
});

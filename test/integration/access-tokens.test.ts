import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { USER_ID_SHAPE, expectError } from '../fixtures/assertions';
import { call, deployment, freshEmail, signIn } from './client';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The deployment's own issuer: the API's URL through the emulator's gateway, where its discovery document is. */
const issuer = () => deployment().issuer;
/** The deployed JWKS as `jose` fetches and caches it, from the URL the discovery document names. */
async function keySet() {
  const discovery = (await (await fetch(`${issuer()}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  return createRemoteJWKSet(new URL(discovery.jwks_uri));
}
const verify = async (token: string) => jwtVerify(token, await keySet(), { issuer: issuer(), audience: 'magic-link-auth', algorithms: ['RS256'] });

describe('access tokens, through the deployed stack and its KMS keys', () => {
  it('verify returns an RS256 token that jose verifies against the deployed JWKS, for the user verify named', async () => {
    const email = freshEmail('jwt');
    const { accessToken, userId } = await signIn(email);
    const { payload, protectedHeader } = await verify(accessToken);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(payload).toMatchObject({ iss: issuer(), aud: 'magic-link-auth', sub: userId, email, email_verified: true, sid: expect.any(String), jti: expect.any(String) });
    expect(userId).toMatch(USER_ID_SHAPE);
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it('refuses a tampered token', async () => {
    const { accessToken } = await signIn(freshEmail('tamper'));
    const [header, claims, signature] = accessToken.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), sub: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9' })).toString('base64url');
    await expect(verify([header, tampered, signature].join('.'))).rejects.toThrow('signature verification failed');
  });

  it('AWS\'s aws-jwt-verify, given the deployed JWKS, verifies a fresh token and refuses a tampered one', async () => {
    const { accessToken, userId } = await signIn(freshEmail('aws-jwt-verify'));
    const discovery = (await (await fetch(`${issuer()}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    // Its own fetcher speaks https only and the emulator's gateway is http: it gets a fetcher (its public
    // Fetcher option) that speaks both, and fetches the keys from jwks_uri itself.
    const fetcher = { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() };
    const verifier = JwtRsaVerifier.create(
      { issuer: discovery.issuer, audience: 'magic-link-auth', jwksUri: discovery.jwks_uri },
      { jwksCache: new SimpleJwksCache({ fetcher }) },
    );
    expect(await verifier.verify(accessToken)).toMatchObject({ sub: userId, iss: issuer(), aud: 'magic-link-auth' });
    const [header, claims, signature] = accessToken.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), email: 'mallory@example.com' })).toString('base64url');
    await expect(verifier.verify([header, tampered, signature].join('.'))).rejects.toThrow('Invalid signature');
  });

  it('publishes discovery naming the issuer, its keys (served by the API) and the token endpoint, cacheable for an hour', async () => {
    const discovery = await call('GET', '/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(discovery.headers['cache-control']).toBe('public, max-age=3600');
    // The issuer is the API's own URL, as on AWS: the document is found where OIDC Discovery says.
    expect(issuer()).toBe(deployment().apiBaseUrl);
    expect(discovery.body).toMatchObject({ issuer: issuer(), jwks_uri: `${issuer()}/.well-known/jwks.json`, token_endpoint: `${issuer()}/oauth2/token`, id_token_signing_alg_values_supported: ['RS256'] });
    const jwks = await fetch(discovery.body.jwks_uri);
    expect(jwks.status).toBe(200);
    const { keys } = (await jwks.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('refresh returns a new token while the session lives, and 401 session_invalid once it is signed out', async () => {
    const { session, accessToken } = await signIn(freshEmail('refresh'));
    const refreshed = await call('POST', '/v1/auth/token', { headers: bearer(session) });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.data.access_token.token).not.toBe(accessToken);
    const [first, second] = [await verify(accessToken), await verify(refreshed.body.data.access_token.token)];
    expect(second.payload.sid).toBe(first.payload.sid);
    expect(second.payload.sub).toBe(first.payload.sub);
    expect((await call('POST', '/v1/auth/sign-out', { headers: bearer(session) })).status).toBe(200);
    expectError(await call('POST', '/v1/auth/token', { headers: bearer(session) }), 'session_invalid');
  });

  it('after signing out everywhere, refresh answers 401 session_invalid for every session of the address', async () => {
    const email = freshEmail('refresh-everywhere');
    const sessions = [await signIn(email, { count: 1 }), await signIn(email, { count: 2 }), await signIn(email, { count: 3 })].map((signedIn) => signedIn.session);
    for (const session of sessions) expect((await call('POST', '/v1/auth/token', { headers: bearer(session) })).status).toBe(200);
    expect((await call('POST', '/v1/auth/sign-out', { headers: bearer(sessions[1]!), body: { everywhere: true } })).status).toBe(200);
    for (const session of sessions) expectError(await call('POST', '/v1/auth/token', { headers: bearer(session) }), 'session_invalid');
  });
});

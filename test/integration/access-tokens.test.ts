import { JwtRsaVerifier } from 'aws-jwt-verify';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { magicLinkIn, waitForMail } from '../../scripts/local/mailbox';
import { USER_ID_SHAPE, expectError } from '../fixtures/assertions';
import { call, deployment, freshEmail } from './client';
import { TEST_STACKS } from './settings';

const ISSUER = TEST_STACKS.main.context.issuer;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A fresh sign-in of `email` (its `count`th mail): the session token and the access token verify returned. */
async function signIn(email: string, count = 1): Promise<{ session: string; accessToken: string; userId: string }> {
  expect((await call('POST', '/v1/auth/magic-link', { body: { email } })).status).toBe(202);
  const mails = await waitForMail(deployment().endpoint, email, count);
  const verified = await call('POST', '/v1/auth/verify', { body: { token: magicLinkIn(mails[count - 1]!)!.token } });
  expect(verified.status).toBe(200);
  return { session: verified.body.data.session.token, accessToken: verified.body.data.access_token.token, userId: verified.body.data.user.id };
}

/** The deployed JWKS as `jose` fetches and caches it (through the emulator's gateway). */
const keySet = () => createRemoteJWKSet(new URL(`${deployment().apiBaseUrl}/.well-known/jwks.json`));
const verify = (token: string) => jwtVerify(token, keySet(), { issuer: ISSUER, audience: 'magic-link-auth', algorithms: ['RS256'] });

describe('access tokens, through the deployed stack and its KMS keys', () => {
  it('verify returns an RS256 token that jose verifies against the deployed JWKS, for the user verify named', async () => {
    const email = freshEmail('jwt');
    const { accessToken, userId } = await signIn(email);
    const { payload, protectedHeader } = await verify(accessToken);
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(payload).toMatchObject({ iss: ISSUER, aud: 'magic-link-auth', sub: userId, email, email_verified: true, sid: expect.any(String), jti: expect.any(String) });
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
    const discovery = (await call('GET', '/.well-known/openid-configuration')).body;
    const verifier = JwtRsaVerifier.create({ issuer: discovery.issuer, audience: 'magic-link-auth', jwksUri: discovery.jwks_uri });
    // Its own fetcher speaks https only; the emulator's gateway is http, so the keys are handed to it as fetched.
    verifier.cacheJwks((await call('GET', new URL(discovery.jwks_uri).pathname)).body);
    expect(await verifier.verify(accessToken)).toMatchObject({ sub: userId, iss: ISSUER, aud: 'magic-link-auth' });
    const [header, claims, signature] = accessToken.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), email: 'mallory@example.com' })).toString('base64url');
    await expect(verifier.verify([header, tampered, signature].join('.'))).rejects.toThrow('Invalid signature');
  });

  it('publishes discovery naming the issuer, its keys (served by the API) and the refresh endpoint, cacheable for an hour', async () => {
    const discovery = await call('GET', '/.well-known/openid-configuration');
    expect(discovery.status).toBe(200);
    expect(discovery.headers['cache-control']).toBe('public, max-age=3600');
    expect(discovery.body).toMatchObject({ issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks.json`, token_endpoint: `${ISSUER}/v1/auth/token`, id_token_signing_alg_values_supported: ['RS256'] });
    // The issuer is this API under another origin: jwks_uri's path on the API answers the keys.
    const jwks = await call('GET', new URL(discovery.body.jwks_uri).pathname);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(2);
    for (const key of jwks.body.keys) expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
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
    const sessions = [await signIn(email, 1), await signIn(email, 2), await signIn(email, 3)].map((signedIn) => signedIn.session);
    for (const session of sessions) expect((await call('POST', '/v1/auth/token', { headers: bearer(session) })).status).toBe(200);
    expect((await call('POST', '/v1/auth/sign-out', { headers: bearer(sessions[1]!), body: { everywhere: true } })).status).toBe(200);
    for (const session of sessions) expectError(await call('POST', '/v1/auth/token', { headers: bearer(session) }), 'session_invalid');
  });
});

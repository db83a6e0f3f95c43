import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SignCommand } from '@aws-sdk/client-kms';
import { createHash, createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import { USER_ID_SHAPE, expectError, expectSuccess } from '../fixtures/assertions';
import { TEST_KMS, USER_ID, answerUpdates, keyIdOf, mockAws } from '../fixtures/aws';
import { invokeRoute } from '../fixtures/handler-fetch';

const aws = mockAws();
const NOW = new Date('2026-11-21T21:10:00Z');
const NOW_S = NOW.getTime() / 1000;
const LINK = 'q3Jv1kQm7oZ0s0cV8h9cXo3m2n1b0v9c8x7z6a5s4d3';
const SECRET = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const sha = (value: string) => createHash('sha256').update(value).digest('base64url');
const SIGNING_KEY_ARN = process.env.SIGNING_KEY_ARN!;
const PUBLISHED = process.env.PUBLIC_KEY_ARNS!.split(',');

beforeEach(() => {
  aws.dynamo.reset();
  aws.kms.resetHistory();
  answerUpdates(aws);
  jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Verifies a token's RS256 signature against the JWKS's key of its `kid`, as an offline verifier would: its claims, or null when refused. */
function verifyAgainst(jwks: { keys: (JsonWebKey & { kid: string })[] }, token: string): Record<string, unknown> | null {
  const [header, claims, signature] = token.split('.');
  const key = jwks.keys.find((candidate) => candidate.kid === decode(header!).kid);
  if (key === undefined) return null;
  const valid = createVerify('RSA-SHA256').update(`${header}.${claims}`).verify(createPublicKey({ key, format: 'jwk' }), Buffer.from(signature!, 'base64url'));
  return valid ? decode(claims!) : null;
}

/** A token as KMS's key `keyArn` would sign it. */
function tokenOf(keyArn: string, claims: object): string {
  const input = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: keyIdOf(keyArn) })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${TEST_KMS.sign(keyIdOf(keyArn), Buffer.from(input)).toString('base64url')}`;
}

const jwks = async () => (await invokeRoute('GET', '/.well-known/jwks.json')).body as unknown as { keys: (JsonWebKey & { kid: string })[] };

/** A live session of the stubbed table, with its user (or without, as one started before user ids). */
function liveSession(item: Record<string, unknown> = { user_id: USER_ID }): Record<string, string> {
  aws.dynamo.on(GetCommand).resolves({ Item: { email: 'ada@example.com', session_hash: sha(SECRET), session_expires_at: NOW_S + 3600, ...item } });
  return { Authorization: `Bearer ${sha(LINK)}.${SECRET}` };
}

describe('access tokens from verify', () => {
  it('are signed by one KMS Sign of the header and claims with the current key, and verify against the JWKS', async () => {
    const data = expectSuccess(await invokeRoute('POST', '/v1/auth/verify', { body: { token: LINK } }), 200) as { access_token: { token: string; expires_at: string } };
    const [header, claims] = data.access_token.token.split('.');
    const signs = aws.kms.commandCalls(SignCommand);
    expect(signs).toHaveLength(1);
    expect(signs[0]!.args[0].input).toEqual({
      KeyId: SIGNING_KEY_ARN,
      Message: Buffer.from(`${header}.${claims}`),
      MessageType: 'RAW',
      SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
    });
    expect(decode(header!)).toEqual({ alg: 'RS256', typ: 'JWT', kid: keyIdOf(SIGNING_KEY_ARN) });
    expect(verifyAgainst(await jwks(), data.access_token.token)).toEqual({
      iss: 'https://auth.example.com',
      sub: USER_ID,
      aud: 'magic-link-auth',
      iat: NOW_S,
      nbf: NOW_S,
      exp: NOW_S + 600,
      jti: expect.any(String),
      sid: expect.any(String),
      email: 'ada@example.com',
      email_verified: true,
    });
    expect(data.access_token.expires_at).toBe('2026-11-21T21:20:00Z');
  });
});

describe('POST /v1/auth/token', () => {
  it('answers a new access token on a live session, after one GetItem and one Sign', async () => {
    const response = await invokeRoute('POST', '/v1/auth/token', { headers: liveSession() });
    const data = expectSuccess(response, 200) as { access_token: { token: string; expires_at: string } };
    expect(Object.keys(data)).toEqual(['access_token']);
    expect(aws.dynamo.calls()).toHaveLength(1);
    expect(aws.dynamo.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({ pk: `signin#${sha(LINK)}` });
    expect(aws.kms.commandCalls(SignCommand)).toHaveLength(1);
    const claims = verifyAgainst(await jwks(), data.access_token.token)!;
    expect(claims.sub).toMatch(USER_ID_SHAPE);
    expect(JSON.stringify(claims)).not.toContain(SECRET);
    expect(JSON.stringify(claims)).not.toContain(sha(LINK));
  });

  it.each([
    ['no bearer token', () => ({})],
    ['a signed-out session', () => liveSession({ user_id: USER_ID, revoked_at: NOW_S - 1 })],
    ['an expired session', () => liveSession({ user_id: USER_ID, session_expires_at: NOW_S })],
    ['a session started before user ids (no sub to give)', () => liveSession({})],
  ])('answers 401 session_invalid for %s, and signs nothing', async (_case, headers) => {
    expectError(await invokeRoute('POST', '/v1/auth/token', { headers: headers() }), 'session_invalid');
    expect(aws.kms.commandCalls(SignCommand)).toHaveLength(0);
  });
});

describe('discovery and keys', () => {
  it('the discovery document names the issuer, its keys, the OpenID Connect endpoints and what they support, cacheable for an hour', async () => {
    const response = await invokeRoute('GET', '/.well-known/openid-configuration');
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
    expect(response.body).toEqual({
      issuer: 'https://auth.example.com',
      authorization_endpoint: 'https://auth.example.com/oauth2/authorize',
      token_endpoint: 'https://auth.example.com/oauth2/token',
      userinfo_endpoint: 'https://auth.example.com/oauth2/userinfo',
      jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      scopes_supported: ['openid', 'email'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'sid', 'email', 'email_verified'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('the JWKS publishes the public halves of the previous, current and next keys, and nothing private', async () => {
    const response = await invokeRoute('GET', '/.well-known/jwks.json');
    expect(response.headers['cache-control']).toBe('public, max-age=3600');
    const { keys } = response.body as unknown as { keys: Record<string, string>[] };
    expect(keys.map((key) => key.kid)).toEqual(PUBLISHED.map(keyIdOf));
    for (const key of keys) expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', e: 'AQAB' });
  });

  it('across a rotation: a token of the previous key and one of the current verify, one of a key no longer published is refused', async () => {
    const published = await jwks();
    const claims = { sub: USER_ID, exp: NOW_S + 600 };
    const [previous, current] = PUBLISHED;
    expect(verifyAgainst(published, tokenOf(previous!, claims))).toEqual(claims);
    expect(verifyAgainst(published, tokenOf(current!, claims))).toEqual(claims);
    const removed = 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000';
    expect(verifyAgainst(published, tokenOf(removed, claims))).toBeNull();
    // A removed key's token claiming a published kid fails its signature.
    const forged = tokenOf(removed, claims).split('.');
    const currentHeader = tokenOf(current!, claims).split('.')[0];
    expect(verifyAgainst(published, [currentHeader, forged[1], forged[2]].join('.'))).toBeNull();
  });
});

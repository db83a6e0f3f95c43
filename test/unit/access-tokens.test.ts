import { createVerify } from 'node:crypto';
import { AccessTokens, accessTokenClaims, sessionIdClaim, signingInput } from '../../lambdas/domain/access-tokens';
import { hashToken } from '../../lambdas/domain/tokens';
import { TEST_KEY_ID, testAccessTokens, testSigner } from '../fixtures/access-tokens';
import { TEST_KMS } from '../fixtures/aws';

const SETTINGS = { accessTokenLifetimeSeconds: 600, issuer: 'https://auth.example.com', audience: 'my-app' };
const SUBJECT = { userId: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9', email: 'ada@example.com', signInId: hashToken('link-token') };
const NOW = new Date('2026-11-21T21:10:00Z');
const NOW_S = NOW.getTime() / 1000;

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('access token claims', () => {
  it('name the user, the issuer and audience, and live accessTokenLifetime from now', () => {
    const claims = accessTokenClaims(SETTINGS, SUBJECT, NOW_S);
    expect(claims).toEqual({
      iss: 'https://auth.example.com',
      sub: SUBJECT.userId,
      aud: 'my-app',
      iat: NOW_S,
      nbf: NOW_S,
      exp: NOW_S + 600,
      jti: expect.stringMatching(/^[\w-]{22}$/),
      sid: sessionIdClaim(SUBJECT.signInId),
      email: 'ada@example.com',
      email_verified: true,
    });
    expect(accessTokenClaims(SETTINGS, SUBJECT, NOW_S).jti).not.toBe(claims.jti);
  });

  it('identify the session by a hash that is neither the sign-in id nor the hash a session token is looked up by', () => {
    const sid = sessionIdClaim(SUBJECT.signInId);
    expect(sid).toBe(sessionIdClaim(SUBJECT.signInId));
    expect(sid).not.toBe(SUBJECT.signInId);
    expect(sid).not.toBe(hashToken(SUBJECT.signInId));
    expect(sid).not.toBe(sessionIdClaim(hashToken('another-link')));
  });
});

describe('an issued access token', () => {
  it('is base64url header, claims and the signer\'s signature of the two, with the key id in the header', async () => {
    const signer = testSigner();
    const issued = await new AccessTokens(signer, SETTINGS).issue(SUBJECT, NOW);
    const [header, claims, signature] = issued.token.split('.');
    expect(decode(header!)).toEqual({ alg: 'RS256', typ: 'JWT', kid: TEST_KEY_ID });
    expect(decode(claims!)).toMatchObject({ sub: SUBJECT.userId, exp: NOW_S + 600 });
    expect(signer.inputs).toEqual([`${header}.${claims}`]);
    expect(signingInput({ alg: 'RS256', typ: 'JWT', kid: TEST_KEY_ID }, decode(claims!) as never)).toBe(`${header}.${claims}`);
    const verifier = createVerify('RSA-SHA256').update(`${header}.${claims}`);
    expect(verifier.verify(TEST_KMS.publicKeyObject(TEST_KEY_ID), Buffer.from(signature!, 'base64url'))).toBe(true);
    expect(issued.expiresAt).toEqual(new Date((NOW_S + 600) * 1000));
  });

  it('carries no session token, link token or secret', async () => {
    const issued = await testAccessTokens().issue(SUBJECT, NOW);
    const text = Buffer.from(issued.token.split('.').slice(0, 2).join(''), 'base64url').toString('utf8') + issued.token;
    expect(text).not.toContain(SUBJECT.signInId);
    expect(text).not.toContain('link-token');
  });
});

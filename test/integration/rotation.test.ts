import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { deployToEmulator } from '../../scripts/local/deploy';
import { call, deployment, freshEmail, signIn } from './client';
import { TEST_STACKS } from './settings';

/**
 * Rotation with overlap, for real: the `rotation` deployment is redeployed with `signingKeyGeneration`
 * 2, then 3, and its tokens are checked by `jose` against the JWKS its discovery document names,
 * fetched afresh each time (as a verifier whose cache expired would).
 */
const stack = 'rotation' as const;

async function publishedKids(): Promise<string[]> {
  const { keys } = (await (await fetch(`${deployment(stack).issuer}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
  return keys.map((key) => key.kid);
}

async function verify(token: string) {
  const { issuer, audience } = deployment(stack);
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  return jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer, audience, algorithms: ['RS256'] });
}

const kidOf = (token: string) => decodeProtectedHeader(token).kid;

async function rotateTo(generation: number): Promise<void> {
  const { apiId, endpoint } = deployment(stack);
  const { stackName, context } = TEST_STACKS[stack];
  await deployToEmulator({ endpoint, stackName, context: { ...context, signingKeyGeneration: String(generation) }, apiId, bootstrap: false });
}

describe('rotating the signing key by redeploying with the next signingKeyGeneration', () => {
  it('a token of the old key verifies beside the new key\'s after one rotation, and is refused once its key leaves the JWKS', async () => {
    const email = freshEmail('rotation');
    const first = await signIn(email, { stack });
    const generation1 = await publishedKids();
    // Generation 1 publishes its own key (signing) and the next.
    expect(generation1).toHaveLength(2);
    expect(kidOf(first.accessToken)).toBe(generation1[0]);

    await rotateTo(2);
    const generation2 = await publishedKids();
    expect(generation2).toHaveLength(3);
    // The previous and current keys are the ones verifiers already had: no cache meets an unknown kid.
    expect(generation2.slice(0, 2)).toEqual(generation1);
    const second = await signIn(email, { stack, count: 2 });
    expect(kidOf(second.accessToken)).toBe(generation1[1]);
    expect((await verify(first.accessToken)).payload.sub).toBe(first.userId);
    expect((await verify(second.accessToken)).payload.sub).toBe(first.userId);
    // A session started before the rotation refreshes to a token of the new key.
    const refreshed = await call('POST', '/v1/auth/token', { headers: { authorization: `Bearer ${first.session}` }, stack });
    expect(refreshed.status).toBe(200);
    expect(kidOf(refreshed.body.data.access_token.token)).toBe(generation2[1]);

    await rotateTo(3);
    const generation3 = await publishedKids();
    expect(generation3).toEqual([...generation2.slice(1), expect.any(String)]);
    expect(generation3).not.toContain(generation1[0]);
    await expect(verify(first.accessToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect((await verify(second.accessToken)).payload.sub).toBe(first.userId);
  }, 120_000);
});

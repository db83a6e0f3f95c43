import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import { emulatorAwsEnv } from '../../scripts/local/deploy';
import { deployment, freshEmail, signIn } from './client';
import { logGroupLines } from './function-logs';
import { PROTECTED_API_KEY, type ProtectedApiDeployment } from './settings';

/**
 * examples/protected-api, deployed next to the main service and trusting its access tokens: the
 * emulator's API Gateway checks each token with its JWT authorizer (discovery at the service's issuer,
 * then its JWKS) before the route's function may run.
 */
function example(): ProtectedApiDeployment {
  const raw = process.env[PROTECTED_API_KEY];
  if (!raw) throw new Error('integration global setup did not deploy the example');
  return JSON.parse(raw) as ProtectedApiDeployment;
}

function awsClientConfig() {
  const { endpoint } = deployment();
  const env = emulatorAwsEnv(endpoint);
  return { endpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } };
}

const getMe = (token?: string) => fetch(`${example().apiBaseUrl}/me`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

/** A fresh sign-in through the main service: the access token verify returned, and the user id. */
async function accessToken(): Promise<{ token: string; userId: string }> {
  const { accessToken: token, userId } = await signIn(freshEmail('protected'));
  return { token, userId };
}

/** A JWT with `claims`, signed by the service's own KMS key `kid`: only its claims can make it wrong. */
async function signedByService(kid: string, claims: Record<string, unknown>): Promise<string> {
  const input = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const kms = new KMSClient(awsClientConfig());
  try {
    const { Signature } = await kms.send(new SignCommand({ KeyId: kid, Message: Buffer.from(input), MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }));
    return `${input}.${Buffer.from(Signature!).toString('base64url')}`;
  } finally {
    kms.destroy();
  }
}

const invocations = (lines: readonly string[]) => lines.filter((line) => line.startsWith('START RequestId:')).length;

async function linesOnceLogged(predicate: (lines: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lines = await logGroupLines(deployment().endpoint, example().logGroupName);
    if (predicate(lines) || Date.now() > deadline) return lines;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('examples/protected-api: GET /me behind the service\'s JWT authorizer, through the emulator\'s gateway', () => {
  it('a fresh access token gets 200 and the token\'s claims, its sub the user id verify named', async () => {
    const { token, userId } = await accessToken();
    const response = await getMe(token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { sub: string; claims: Record<string, string> };
    expect(body.sub).toBe(userId);
    expect(body.claims).toMatchObject({ sub: userId, iss: deployment().issuer, aud: deployment().audience });
  });

  it('no token, an expired one, another audience, another key and a tampered payload each get 401, and the function never runs for them', async () => {
    const { token } = await accessToken();
    const { kid } = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    const now = Math.floor(Date.now() / 1000);
    const otherKey = await generateKeyPair('RS256');
    const [header, payload, signature] = token.split('.');
    const refused: Record<string, string | undefined> = {
      'no token': undefined,
      expired: await signedByService(kid!, { ...claims, iat: now - 900, nbf: now - 900, exp: now - 300 }),
      'another audience': await signedByService(kid!, { ...claims, aud: 'another-app' }),
      // The same kid, so the authorizer finds the service's key and the signature is what fails.
      'another key': await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(otherKey.privateKey),
      tampered: [header, Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9' })).toString('base64url'), signature].join('.'),
    };
    // The service's key and claims are otherwise right: the same claims, re-signed by it, are accepted.
    const control = await signedByService(kid!, claims);

    const before = invocations(await logGroupLines(deployment().endpoint, example().logGroupName));
    const statuses: Record<string, number> = {};
    for (const [name, bad] of Object.entries(refused)) statuses[name] = (await getMe(bad)).status;
    expect(statuses).toEqual({ 'no token': 401, expired: 401, 'another audience': 401, 'another key': 401, tampered: 401 });

    // The accepted request after them is logged; any refused one that had run would be logged before it.
    expect((await getMe(control)).status).toBe(200);
    const lines = await linesOnceLogged((all) => invocations(all) > before);
    expect(invocations(lines)).toBe(before + 1);
  });
});

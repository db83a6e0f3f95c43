import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { createPublicKey } from 'node:crypto';
import { DependencyUnavailableError } from '../domain/errors';
import type { TokenSigner } from '../domain/ports';

/** KMS answers that mean "not now": worth a retry shortly. */
const UNAVAILABLE = new Set(['ThrottlingException', 'KMSInternalException', 'DependencyTimeoutException', 'KeyUnavailableException']);

/** A KMS key's id (the UUID after `key/` in its ARN): the tokens' `kid`. */
export function keyIdOf(keyArn: string): string {
  return keyArn.slice(keyArn.lastIndexOf('/') + 1);
}

async function callKms<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (UNAVAILABLE.has(name) || (error as { $retryable?: unknown }).$retryable !== undefined) throw new DependencyUnavailableError('signer', { cause: error });
    throw error;
  }
}

/** Signs with a KMS asymmetric key (RSA_2048, SIGN_VERIFY): one `Sign` call per token, the private key never leaves KMS. */
export class KmsTokenSigner implements TokenSigner {
  readonly keyId: string;
  private readonly client: KMSClient;

  constructor(
    private readonly keyArn: string,
    client?: KMSClient,
  ) {
    this.keyId = keyIdOf(keyArn);
    this.client = client ?? new KMSClient({});
  }

  async sign(signingInput: string): Promise<{ signature: Buffer }> {
    const { Signature } = await callKms(() =>
      this.client.send(
        new SignCommand({ KeyId: this.keyArn, Message: Buffer.from(signingInput, 'utf8'), MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' }),
      ),
    );
    if (!Signature) throw new Error('KMS Sign returned no signature');
    return { signature: Buffer.from(Signature) };
  }
}

/** A public key as the JWKS publishes it (RFC 7517). */
export interface PublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: 'RS256';
}

/**
 * The public halves of the published keys (previous, current, next), read from KMS with
 * `GetPublicKey` on first use and kept for the container's life: a key's public half never changes.
 * A failed read is not kept, so the next request tries again.
 */
export class KmsPublicKeys {
  private keys: Promise<PublicJwk[]> | undefined;
  private readonly client: KMSClient;

  constructor(
    private readonly keyArns: readonly string[],
    client?: KMSClient,
  ) {
    this.client = client ?? new KMSClient({});
  }

  get(): Promise<PublicJwk[]> {
    this.keys ??= Promise.all(this.keyArns.map((arn) => this.load(arn))).catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  private async load(keyArn: string): Promise<PublicJwk> {
    const { PublicKey } = await callKms(() => this.client.send(new GetPublicKeyCommand({ KeyId: keyArn })));
    if (!PublicKey) throw new Error('KMS GetPublicKey returned no key');
    const jwk = createPublicKey({ key: Buffer.from(PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
    if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('the signing key is not an RSA key');
    return { kty: 'RSA', n: jwk.n, e: jwk.e, kid: keyIdOf(keyArn), use: 'sig', alg: 'RS256' };
  }
}

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DependencyUnavailableError } from '../domain/errors';
import type { ClientSecrets, CodeSecret } from '../domain/ports';

/** Secrets Manager answers that mean "not now": worth a retry shortly. */
const UNAVAILABLE = new Set(['ThrottlingException', 'InternalServiceError', 'TooManyRequestsException']);

/**
 * The code-hashing secret, read from Secrets Manager on first use and kept for the container's life
 * (one call per cold start, and only in the functions that handle codes). A failed read is not kept,
 * so the next request tries again.
 */
export class SecretsManagerCodeSecret implements CodeSecret {
  private value: Promise<string> | undefined;
  private readonly client: SecretsManagerClient;

  constructor(
    private readonly secretArn: string,
    client?: SecretsManagerClient,
  ) {
    this.client = client ?? new SecretsManagerClient({});
  }

  get(): Promise<string> {
    this.value ??= this.load().catch((error: unknown) => {
      this.value = undefined;
      throw error;
    });
    return this.value;
  }

  private async load(): Promise<string> {
    let secret: string | undefined;
    try {
      ({ SecretString: secret } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretArn })));
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (UNAVAILABLE.has(name) || (error as { $retryable?: unknown }).$retryable !== undefined) {
        throw new DependencyUnavailableError('secrets', { cause: error });
      }
      throw error;
    }
    // A short or empty secret would make the code hashes guessable: refuse to run on one.
    if (!secret || secret.length < 32) throw new Error('the secret is missing or shorter than 32 characters');
    return secret;
  }
}

/**
 * The confidential OpenID Connect clients' secrets, each read on first use and kept for the
 * container's life (one client, one secret each). Only the token function is given their ARNs.
 */
export class SecretsManagerClientSecrets implements ClientSecrets {
  private readonly secrets: ReadonlyMap<string, SecretsManagerCodeSecret>;

  constructor(arnsByClient: Readonly<Record<string, string>>, client?: SecretsManagerClient) {
    const shared = client ?? new SecretsManagerClient({});
    this.secrets = new Map(Object.entries(arnsByClient).map(([clientId, arn]) => [clientId, new SecretsManagerCodeSecret(arn, shared)]));
  }

  async get(clientId: string): Promise<string | undefined> {
    return this.secrets.get(clientId)?.get();
  }
}

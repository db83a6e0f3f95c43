import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * KMS's `Sign` (RSASSA_PKCS1_V1_5_SHA_256, RAW) and `GetPublicKey` in process, one RSA 2048 key per key
 * id made on first use: what the stand-ins answer and the handler tests' stubbed KMS signs with.
 */
export class LocalKms {
  private readonly keys = new Map<string, KeyObject>();

  private key(keyId: string): KeyObject {
    let key = this.keys.get(keyId);
    if (key === undefined) {
      key = createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey);
      this.keys.set(keyId, key);
    }
    return key;
  }

  sign(keyId: string, message: Uint8Array): Buffer {
    return sign('sha256', message, this.key(keyId));
  }

  /** The key's public half as KMS returns it: SPKI, DER. */
  publicKey(keyId: string): Buffer {
    return createPublicKey(this.key(keyId)).export({ type: 'spki', format: 'der' });
  }

  /** The key's public half, for a test's own verification. */
  publicKeyObject(keyId: string): KeyObject {
    return createPublicKey(this.key(keyId));
  }
}

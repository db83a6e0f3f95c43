import { brotliDecompressSync } from 'node:zlib';

/**
 * Text that ships brotli-compressed inside a function's bundle (the OpenAPI document, the hosted
 * page's script), unpacked once per container: a fraction of the bytes to load at every cold start,
 * and zlib is part of Node. `scripts/docs/pack.ts` packs it when `npm run docs` generates the file.
 */
export function unpack(packed: string): string {
  return brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8');
}

import { brotliCompressSync, constants } from 'node:zlib';

/** Brotli at its best ratio, base64: what `lambdas/http/packed.ts#unpack` reads back. Deterministic for one zlib. */
export function pack(text: string): string {
  return brotliCompressSync(Buffer.from(text, 'utf8'), {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text) },
  }).toString('base64');
}

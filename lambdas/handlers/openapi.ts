import { httpHandler } from '../http/chain';
import { openApiDocument } from '../http/openapi';

let cached: { docsBaseUrl: string; document: unknown } | undefined;

/** GET /v1/openapi.json: the API's OpenAPI 3.1 document. */
export const handler = httpHandler({ jsonBody: false }, async (_event, { scope }) => {
  if (cached?.docsBaseUrl !== scope.config.docsBaseUrl) {
    cached = { docsBaseUrl: scope.config.docsBaseUrl, document: openApiDocument({ docsBaseUrl: scope.config.docsBaseUrl }) };
  }
  return { status: 200, document: cached.document };
});

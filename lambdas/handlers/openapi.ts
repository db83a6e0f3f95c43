import { httpHandler } from '../http/chain';
import { DOCS_BASE_URL_PLACEHOLDER, openApiDocumentText } from '../http/openapi-document.generated';
import { perConfig } from '../http/per-config';

/**
 * Prebuilt by `npm run docs` (`openApiDocument` in lambdas/http/openapi.ts) and packed, rather than
 * built here: the schema builders stay out of the bundle. Rendered once for the deployment's
 * `doc_url` base (a checked URL: it holds no quote or backslash to break the JSON).
 */
const document = perConfig((config) => JSON.parse(openApiDocumentText().split(DOCS_BASE_URL_PLACEHOLDER).join(config.docsBaseUrl)) as unknown);

/** GET /v1/openapi.json: the API's OpenAPI 3.1 document. */
export const handler = httpHandler({ operationId: 'getOpenApiDocument', jsonBody: false }, async (_event, { scope }) => ({ kind: 'document', status: 200, document: document(scope.config) }));

import { httpHandler } from '../http/chain';
import { openApiDocument } from '../http/openapi';
import { perConfig } from '../http/per-config';

/** Rendered once for the deployment's `doc_url` base. */
const document = perConfig((config) => openApiDocument({ docsBaseUrl: config.docsBaseUrl }));

/** GET /v1/openapi.json: the API's OpenAPI 3.1 document. */
export const handler = httpHandler({ jsonBody: false }, async (_event, { scope }) => ({ status: 200, document: document(scope.config) }));

import { toJsonSchema, type ConversionConfig } from '@valibot/to-json-schema';
import type { GenericSchema } from 'valibot';
import { ERROR_CATALOG, type ErrorCode } from '../contract/errors';
import { AccessToken, REQUEST_BODIES, SUCCESS_DATA, User } from '../contract/shapes';
import { RATE_LIMIT_WINDOW_SECONDS } from '../domain/limits';
import { ROUTES } from '../contract/routes';

/**
 * The OpenAPI 3.1 document, built from the routes and the error catalog. The stack serves it at
 * `GET /v1/openapi.json`; `npm run docs` writes it to docs/openapi.json; the tests validate real
 * responses against it.
 */

type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const TIMESTAMP = { type: 'string', format: 'date-time', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$' };
const REQUEST_ID = { type: 'string', pattern: '^req_[0-9A-HJKMNP-TV-Z]{26}$' };

/** Shapes listed once under `components.schemas` and referenced from each use. */
export const COMPONENTS = { User, AccessToken } as const;

const URL_STRING = { type: 'string', format: 'uri' };

/** The routes that answer with a document of their own instead of the success envelope. */
const DOCUMENTS: Readonly<Record<string, Schema>> = {
  getOpenApiDocument: { type: 'object', required: ['openapi', 'paths'] },
  getOpenIdConfiguration: {
    type: 'object',
    required: ['issuer', 'jwks_uri', 'authorization_endpoint', 'token_endpoint', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'],
    properties: {
      issuer: URL_STRING,
      jwks_uri: URL_STRING,
      authorization_endpoint: { ...URL_STRING, description: 'The hosted sign-in page: this service has no OpenID Connect authorization flow.' },
      token_endpoint: { ...URL_STRING, description: '`POST /v1/auth/token`: a new access token on a live session.' },
      response_types_supported: { type: 'array', items: { type: 'string' } },
      subject_types_supported: { type: 'array', items: { const: 'public' } },
      id_token_signing_alg_values_supported: { type: 'array', items: { const: 'RS256' } },
    },
  },
  getJwks: {
    type: 'object',
    required: ['keys'],
    additionalProperties: false,
    properties: {
      keys: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kty', 'kid', 'use', 'alg', 'n', 'e'],
          additionalProperties: false,
          properties: { kty: { const: 'RSA' }, kid: { type: 'string' }, use: { const: 'sig' }, alg: { const: 'RS256' }, n: { type: 'string' }, e: { type: 'string' } },
        },
      },
    },
  },
};

const CONVERSION: ConversionConfig = {
  target: 'draft-2020-12',
  typeMode: 'input',
  errorMode: 'ignore',
  overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
};

/** JSON Schema 2020-12 of a shape, as OpenAPI 3.1 embeds it. */
export function schemaOf(shape: GenericSchema, options: { components?: boolean } = {}): Schema {
  const { $schema: _dialect, $defs: _defs, ...schema } = toJsonSchema(shape, { ...CONVERSION, ...(options.components === false ? {} : { definitions: COMPONENTS }) }) as Schema;
  return schema;
}

const REQUEST_ID_HEADER = { 'X-Request-Id': { description: 'Equal to `request_id` in the body.', schema: REQUEST_ID } };

function errorResponse(codes: readonly ErrorCode[]) {
  const status = ERROR_CATALOG[codes[0]!].status;
  const retryAfter = ERROR_CATALOG[codes[0]!].retryAfter;
  return {
    description: codes.map((code) => `\`${code}\`: ${ERROR_CATALOG[code].message}`).join(' '),
    headers: {
      ...REQUEST_ID_HEADER,
      ...(retryAfter === null ? {} : { 'Retry-After': { description: 'Seconds to wait; equal to `retry_after`.', schema: { type: 'integer' } } }),
      ...(status === 405 ? { Allow: { description: 'The methods this path accepts.', schema: { type: 'string' } } } : {}),
      ...(status === 401 ? { 'WWW-Authenticate': { description: 'The challenge (RFC 6750): `Bearer realm="magic-link-auth"`, and `error="invalid_token"` with a description when a credential was presented and refused.', schema: { type: 'string' } } } : {}),
    },
    content: {
      'application/json': {
        schema: { allOf: [ref('ErrorEnvelope'), { properties: { error: { enum: codes } } }] },
      },
    },
  };
}

/** Responses keyed by status, with every code the route can give grouped under its status. */
function errorResponses(codes: readonly ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOG[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus.entries()].sort(([a], [b]) => a - b).map(([status, group]) => [String(status), errorResponse(group)]));
}

export function openApiDocument(options: { docsBaseUrl: string; serverUrl?: string }): Schema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const body = route.operationId in REQUEST_BODIES ? REQUEST_BODIES[route.operationId as keyof typeof REQUEST_BODIES] : undefined;
    const needsSession = route.operationId === 'getSession' || route.operationId === 'signOut' || route.operationId === 'refreshAccessToken';
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        operationId: route.operationId,
        summary: route.summary,
        ...(needsSession ? { security: [{ session: [] }] } : {}),
        ...(body
          ? { requestBody: { required: !('body' in route), content: { 'application/json': { schema: schemaOf(body) } } } }
          : {}),
        responses: {
          [String(route.successStatus)]: {
            description: route.summary,
            headers: REQUEST_ID_HEADER,
            content:
              'media' in route
                ? { [route.media]: { schema: { type: 'string' } } }
                : {
                    'application/json': {
                      schema:
                        route.operationId in SUCCESS_DATA
                          ? { allOf: [ref('SuccessEnvelope'), { properties: { data: schemaOf(SUCCESS_DATA[route.operationId as keyof typeof SUCCESS_DATA]) } }] }
                          : DOCUMENTS[route.operationId],
                    },
                  },
          },
          ...errorResponses(route.errors),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Magic-link sign-in',
      version: '1.0.0',
      description: [
        'Passwordless sign-in: request a single-use link by email, verify it once, use the session.',
        `Every non-2xx response is an \`ErrorEnvelope\`; \`doc_url\` points to ${options.docsBaseUrl}/reference/errors/<code>.`,
        `Paths that do not exist answer 404 \`route_not_found\`; a path under the wrong method answers 405 \`method_not_allowed\` with \`Allow\`.`,
      ].join('\n\n'),
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: { session: { type: 'http', scheme: 'bearer', description: 'The session token from `POST /v1/auth/verify`.' } },
      schemas: {
        ...Object.fromEntries(Object.entries(COMPONENTS).map(([name, shape]) => [name, schemaOf(shape, { components: false })])),
        SuccessEnvelope: {
          type: 'object',
          required: ['success', 'data', 'request_id', 'timestamp'],
          additionalProperties: false,
          properties: { success: { const: true }, data: {}, request_id: REQUEST_ID, timestamp: TIMESTAMP },
        },
        ErrorEnvelope: {
          type: 'object',
          required: ['success', 'error', 'message', 'details', 'retry_after', 'doc_url', 'request_id', 'timestamp'],
          additionalProperties: false,
          properties: {
            success: { const: false },
            error: { type: 'string', enum: Object.keys(ERROR_CATALOG) },
            message: { type: 'string' },
            details: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'issue'],
                additionalProperties: false,
                properties: { field: { type: 'string' }, issue: { type: 'string' } },
              },
            },
            retry_after: { type: ['integer', 'null'], description: `Seconds to wait: ${RATE_LIMIT_WINDOW_SECONDS} on the 429s, a few seconds on 503, null otherwise.` },
            doc_url: { type: 'string', format: 'uri' },
            request_id: REQUEST_ID,
            timestamp: TIMESTAMP,
          },
        },
      },
      responses: {
        RouteNotFound: errorResponse(['route_not_found']),
        MethodNotAllowed: errorResponse(['method_not_allowed']),
      },
    },
  };
}

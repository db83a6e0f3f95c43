import { toJsonSchema, type ConversionConfig } from '@valibot/to-json-schema';
import type { GenericSchema } from 'valibot';
import { ERROR_CATALOG, type ErrorCode } from '../contract/errors';
import { AccessToken, REQUEST_BODIES, SUCCESS_DATA, User } from '../contract/route-shapes';
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
    required: ['issuer', 'jwks_uri', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported'],
    properties: {
      issuer: URL_STRING,
      jwks_uri: URL_STRING,
      authorization_endpoint: { ...URL_STRING, description: '`GET /oauth2/authorize`: the hosted sign-in page for a registered client.' },
      token_endpoint: { ...URL_STRING, description: '`POST /oauth2/token`.' },
      userinfo_endpoint: { ...URL_STRING, description: '`GET /oauth2/userinfo`.' },
      response_types_supported: { type: 'array', items: { const: 'code' } },
      grant_types_supported: { type: 'array', items: { enum: ['authorization_code', 'refresh_token'] } },
      code_challenge_methods_supported: { type: 'array', items: { const: 'S256' } },
      token_endpoint_auth_methods_supported: { type: 'array', items: { enum: ['client_secret_basic', 'client_secret_post', 'none'] } },
      scopes_supported: { type: 'array', items: { type: 'string' } },
      claims_supported: { type: 'array', items: { type: 'string' } },
      subject_types_supported: { type: 'array', items: { const: 'public' } },
      id_token_signing_alg_values_supported: { type: 'array', items: { const: 'RS256' } },
      authorization_response_iss_parameter_supported: { const: true },
    },
  },
  oauthToken: {
    type: 'object',
    required: ['access_token', 'token_type', 'expires_in', 'refresh_token', 'scope'],
    additionalProperties: false,
    properties: {
      access_token: { type: 'string', description: 'The RS256 access token (the same JWT as `verify` returns).' },
      token_type: { const: 'Bearer' },
      expires_in: { type: 'integer' },
      refresh_token: { type: 'string', description: 'Opaque; rotated at every use. A rotated one used again ends the whole family.' },
      scope: { type: 'string' },
      id_token: { type: 'string', description: 'With grant_type=authorization_code: RS256, `aud` the client id; `nonce`, `auth_time`, `amr`, `sid`, `email`.' },
    },
  },
  userInfo: {
    type: 'object',
    required: ['sub', 'email', 'email_verified'],
    additionalProperties: false,
    properties: { sub: { type: 'string' }, email: { type: 'string', format: 'email' }, email_verified: { const: true } },
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

/** OAuth's error JSON (RFC 6749 §5.2, RFC 6750 §3), which the OAuth endpoints answer instead of the envelope. */
const OAUTH_ERROR = {
  'application/json': {
    schema: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, error_description: { type: 'string' } } },
  },
};

const OAUTH_ERRORS: Readonly<Record<'query' | 'form' | 'bearer', Record<string, unknown>>> = {
  query: {
    '302': { description: 'Any error but an unknown client or redirect_uri: back to redirect_uri with `error`, `error_description`, `state` and `iss`.' },
    '400': { description: 'An unknown client_id or a redirect_uri it did not register: an error page, never a redirect.', content: { 'text/html': { schema: { type: 'string' } } } },
  },
  form: {
    '400': { description: '`invalid_request`, `invalid_grant`, `unsupported_grant_type`.', content: OAUTH_ERROR },
    '401': { description: '`invalid_client`, with `WWW-Authenticate`.', content: OAUTH_ERROR },
    '429': { description: '`invalid_client` after too many failed client authentications from this network (`Retry-After`).', content: OAUTH_ERROR },
  },
  bearer: { '401': { description: '`invalid_token` (or no token), with `WWW-Authenticate: Bearer`.', content: OAUTH_ERROR } },
};

/** How an OAuth endpoint takes its input: OpenID Connect's parameters, not a JSON body. */
function oauthInput(kind: 'query' | 'form' | 'bearer'): Record<string, unknown> {
  const names = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method'];
  if (kind === 'query') return { parameters: names.map((name) => ({ name, in: 'query', required: ['response_type', 'client_id', 'redirect_uri', 'scope'].includes(name), schema: { type: 'string' } })) };
  if (kind === 'bearer') return { security: [{ accessToken: [] }] };
  const fields = ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'client_id', 'client_secret'];
  return {
    requestBody: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['grant_type'], properties: Object.fromEntries(fields.map((name) => [name, { type: 'string' }])) } } },
    },
  };
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
        ...('oauth' in route ? oauthInput(route.oauth) : {}),
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
          ...('oauth' in route ? OAUTH_ERRORS[route.oauth] : {}),
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
      securitySchemes: {
        session: { type: 'http', scheme: 'bearer', description: 'The session token from `POST /v1/auth/verify`.' },
        accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from `POST /oauth2/token` or `POST /v1/auth/verify`.' },
      },
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

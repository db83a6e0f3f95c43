import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ConfigResult, ServiceConfig } from '../config';
import { ConfigError } from '../config';
import { ulid } from '../domain/ulid';
import { ApiError, ERROR_CATALOG, MAX_BODY_BYTES, classifyError, type ErrorCode } from '../contract/errors';
import type { MetricKey } from '../contract/metrics';
import { SETTINGS } from '../settings';
import { errorEnvelope, successEnvelope } from './envelope';
import { logger } from './logger';

/** What every handler gets besides the event: the request's id and clock, and the validated config. */
export interface RequestScope {
  readonly requestId: string;
  readonly receivedAt: Date;
  readonly config: ServiceConfig;
}

export type ApiContext = Context & { scope: RequestScope };

/**
 * A handler's answer, one of four kinds; the envelope middleware renders it:
 * - `data`: the success envelope around `data`, with the success metric to count when the route's own
 *   (`contract/metrics.ts`) is not specific enough;
 * - `document`: a JSON document sent as it is (the OpenAPI document, discovery, the keys), with the
 *   `Cache-Control` it allows (none: `no-store`);
 * - `page`: a page or asset sent as it is, with its media type (the hosted sign-in page);
 * - `empty`: no body (204);
 * - `redirect`: a 302 to `location`.
 */
export type Reply =
  | { readonly kind: 'data'; readonly status: number; readonly data: unknown; readonly metric?: MetricKey }
  | { readonly kind: 'document'; readonly status: number; readonly document: unknown; readonly cacheControl?: string; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: 'page'; readonly status: number; readonly page: { readonly body: string; readonly contentType: string } }
  | { readonly kind: 'empty'; readonly status: 204 }
  /** A redirect (the OAuth endpoints' answers to a client's redirect URI): no body, no cache. */
  | { readonly kind: 'redirect'; readonly status: 302; readonly location: string };

/** The response body a reply renders to (the page's media type is set with the headers). */
function replyBody(reply: Reply, scope: { requestId: string; at: Date }): string {
  switch (reply.kind) {
    case 'data':
      return JSON.stringify(successEnvelope(reply.data, scope));
    case 'document':
      return JSON.stringify(reply.document);
    case 'page':
      return reply.page.body;
    case 'empty':
    case 'redirect':
      return '';
  }
}

export type ApiRequest<TEvent = APIGatewayProxyEventV2> = middy.Request<TEvent, APIGatewayProxyStructuredResultV2, Error, ApiContext>;

/** `req_` + a 26-character ULID: sortable by time (to the millisecond), unique per request. */
export function newRequestId(): string {
  return `req_${ulid(new Date())}`;
}

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
} as const;

/**
 * The API's own middleware: gives each request an id and a clock, refuses to run on a bad
 * configuration, renders replies and errors as the envelope, sets `X-Request-Id`, and logs one line
 * per request with its outcome.
 */
export function apiEnvelope(configResult: ConfigResult): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, ApiContext> {
  const docsBaseUrl = () => (configResult.ok ? configResult.config.docsBaseUrl : SETTINGS.docsBaseUrl.default);
  const scopeOf = (request: ApiRequest): Pick<RequestScope, 'requestId' | 'receivedAt'> =>
    request.context.scope ?? { requestId: newRequestId(), receivedAt: new Date() };

  return {
    before: (request) => {
      // API Gateway omits `headers` when a request has none; every later step may read them.
      request.event.headers ??= {};
      const requestId = newRequestId();
      logger.appendKeys({ request_id: requestId, route: request.event.routeKey });
      if (!configResult.ok) {
        (request.context as { scope?: unknown }).scope = { requestId, receivedAt: new Date() };
        throw configResult.error;
      }
      request.context.scope = { requestId, receivedAt: new Date(), config: configResult.config };
    },
    after: (request) => {
      const reply = request.response as unknown as Reply;
      const { requestId, receivedAt } = scopeOf(request);
      const headers: Record<string, string> = { ...BASE_HEADERS, 'x-request-id': requestId };
      if (reply.kind === 'page') headers['content-type'] = reply.page.contentType;
      if (reply.kind === 'document' && reply.cacheControl !== undefined) headers['cache-control'] = reply.cacheControl;
      if (reply.kind === 'document' && reply.headers !== undefined) Object.assign(headers, reply.headers);
      if (reply.kind === 'redirect') headers.location = reply.location;
      request.response = { statusCode: reply.status, headers, body: replyBody(reply, { requestId, at: receivedAt }) };
      logger.info('request completed', { status: reply.status, outcome: 'ok' });
    },
    onError: (request) => {
      const { requestId, receivedAt } = scopeOf(request);
      const { code, apiError, retryAfter } = classifyError(request.error);
      const envelope = errorEnvelope(code, {
        details: apiError?.details,
        requestId,
        at: receivedAt,
        docsBaseUrl: docsBaseUrl(),
        ...(retryAfter === undefined ? {} : { retryAfter }),
      });
      const status = ERROR_CATALOG[code].status;
      const headers: Record<string, string> = {
        ...BASE_HEADERS,
        'x-request-id': requestId,
        ...(status === 401 ? { 'www-authenticate': bearerChallenge(request.event.headers, code) } : {}),
        ...(apiError?.headers ?? {}),
      };
      if (envelope.retry_after !== null) headers['retry-after'] = String(envelope.retry_after);
      request.response = { statusCode: status, headers, body: JSON.stringify(envelope) };

      const fields = { status, outcome: code };
      if (request.error instanceof ConfigError) {
        logger.error('configuration invalid', { ...fields, problem: request.error.message });
      } else if (code === 'internal_error') {
        logger.error('request failed', { ...fields, error: describeError(request.error, { frames: true }) });
      } else if (status >= 500) {
        logger.warn('request failed', { ...fields, error: describeError(request.error) });
      } else {
        logger.info('request completed', fields);
      }
    },
  };
}

/** The realm of every 401's challenge: this service. */
export const AUTH_REALM = 'magic-link-auth';

/**
 * The `WWW-Authenticate` challenge of a 401 (RFC 9110 requires one; RFC 6750 gives the Bearer
 * scheme's): `error="invalid_token"` when a credential was presented and refused (a session token,
 * or a link or code to verify), and no error code when the request carried no bearer token at all
 * (RFC 6750, section 3.1). The description is the catalog's message, which keeps to the characters
 * RFC 6750 allows in it.
 */
export function bearerChallenge(headers: Readonly<Record<string, string | undefined>> | undefined, code: ErrorCode): string {
  const presented = code !== 'session_invalid' || /^bearer\s+\S/i.test(headers?.authorization ?? '');
  if (!presented) return `Bearer realm="${AUTH_REALM}"`;
  const description = ERROR_CATALOG[code].message.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
  return `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${description}"`;
}

/** What a log line may say about an error. */
export interface ErrorDescription {
  readonly name: string;
  /** The AWS request id of a failed SDK call, to find it on AWS's side. */
  readonly aws_request_id?: string;
  /** DynamoDB's reason for each item of a cancelled transaction, e.g. `["None", "ConditionalCheckFailed"]`. */
  readonly cancellation_reasons?: readonly string[];
  /** Stack frames without the message line (internal errors only: they are bugs to find). */
  readonly frames?: readonly string[];
  readonly cause?: ErrorDescription;
}

/**
 * An error as a log line may carry it: its name, the AWS request id, DynamoDB's cancellation codes and
 * its causes, never its message or the error object. Messages of SDK and runtime errors can quote
 * input (an address in a validation message, a key in a condition failure, an item in ALL_OLD).
 */
export function describeError(error: unknown, options: { frames?: boolean } = {}, depth = 0): ErrorDescription {
  if (!(error instanceof Error)) return { name: typeof error };
  const aws = error as { $metadata?: { requestId?: string }; CancellationReasons?: { Code?: string }[] };
  const frames = options.frames ? error.stack?.split('\n').filter((line) => /^\s+at /.test(line)).map((line) => line.trim()).slice(0, 10) : undefined;
  return {
    name: error.name,
    ...(aws.$metadata?.requestId ? { aws_request_id: aws.$metadata.requestId } : {}),
    ...(aws.CancellationReasons ? { cancellation_reasons: aws.CancellationReasons.map((reason) => reason.Code ?? 'None') } : {}),
    ...(frames ? { frames } : {}),
    ...(error.cause !== undefined && depth < 3 ? { cause: describeError(error.cause, {}, depth + 1) } : {}),
  };
}

/** Refuses bodies over 8 KiB before anything parses them. */
export function bodyLimit(): middy.MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      if (!event.body) return;
      const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body, 'utf8');
      if (bytes > MAX_BODY_BYTES) throw new ApiError('payload_too_large');
    },
  };
}

/** An RFC 9110 token: the characters a media type's names and unquoted parameter values may use. */
const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
/** `application/json` or `application/…+json`. */
const JSON_MEDIA_TYPE = new RegExp(`^application/(?:${TOKEN}\\+)?json$`, 'i');
/** `name=value`, the value a token or a quoted string (its backslash escapes in group 3). */
const PARAMETER = new RegExp(`^(${TOKEN})=(?:(${TOKEN})|"((?:[^"\\\\]|\\\\.)*)")$`, 'i');

/**
 * Whether a content type labels a body this service can read: a JSON media type with no parameter or
 * only `charset=utf-8` (names and values case-insensitive, the value possibly quoted). JSON defines no
 * parameter (RFC 8259) and must be UTF-8 between systems, and the body is decoded as UTF-8, so another
 * charset would be misread; any other parameter is one JSON does not define, refused rather than
 * guessed at. Splitting at every `;`, even one inside a quoted value, refuses only what is refused anyway.
 */
function isUtf8Json(contentType: string): boolean {
  const [type = '', ...parameters] = contentType.split(';');
  return JSON_MEDIA_TYPE.test(type.trim()) && parameters.every((parameter) => {
    // RFC 9110 allows an empty parameter (`application/json;`).
    if (!parameter.trim()) return true;
    const [, name = '', token, quoted] = PARAMETER.exec(parameter.trim()) ?? [];
    const value = token ?? quoted?.replace(/\\(.)/g, '$1');
    return name.toLowerCase() === 'charset' && value?.toLowerCase() === 'utf-8';
  });
}

/**
 * Parses a JSON body in place: `unsupported_media_type` for another content type, `invalid_json` for a
 * missing, empty or malformed body. An optional body may be left out entirely (no body at all).
 * Runs after the header normalizer.
 */
export function jsonBody(options: { optional?: boolean } = {}): middy.MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: (request) => {
      const { headers, body, isBase64Encoded } = request.event;
      if (options.optional && !body) return;
      if (!isUtf8Json(headers?.['content-type'] ?? '')) throw new ApiError('unsupported_media_type');
      if (!body) throw new ApiError('invalid_json');
      try {
        (request.event as { body: unknown }).body = JSON.parse(isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body);
      } catch {
        throw new ApiError('invalid_json');
      }
    },
  };
}

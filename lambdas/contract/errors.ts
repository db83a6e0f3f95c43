/**
 * The error catalog: every error the API can return is defined here, once, with its HTTP status,
 * message and `retry_after`.
 *
 * The HTTP layer turns `ApiError(code)` and the domain's own errors (mapped below) into the envelope,
 * the tests iterate over this catalog, and the reference docs, the OpenAPI document and the client's
 * code unions are generated from it. Adding a code means adding it here.
 */
import { DeliveryFailedError, DependencyUnavailableError, RefusedError, type Refusal } from '../domain/errors';
import { RATE_LIMIT_WINDOW_SECONDS } from '../domain/limits';

/** One field problem, listed in `details` on 400 responses. */
export interface FieldIssue {
  readonly field: string;
  readonly issue: string;
}

export interface ErrorDefinition {
  /** HTTP status code. */
  readonly status: number;
  /** One clear sentence, safe to show to the caller. Never contains internal detail. */
  readonly message: string;
  /** Seconds a client should wait before retrying (`retry_after` and the `Retry-After` header), or null. */
  readonly retryAfter: number | null;
  /** Where the code belongs, for grouping in docs. */
  readonly area: 'request' | 'routing' | 'rate_limiting' | 'authentication' | 'delivery' | 'server';
}

/** Seconds a client should wait after a throttled or unavailable dependency. */
export const SERVICE_UNAVAILABLE_RETRY_SECONDS = 5;

/** Request bodies larger than this are refused with `payload_too_large`. */
export const MAX_BODY_BYTES = 8 * 1024;

export const ERROR_CATALOG = {
  invalid_json: {
    status: 400,
    message: 'The request body is not valid JSON.',
    retryAfter: null,
    area: 'request',
  },
  validation_failed: {
    status: 400,
    message: 'The request is invalid; see details for each field.',
    retryAfter: null,
    area: 'request',
  },
  payload_too_large: {
    status: 413,
    message: 'The request body is larger than 8 KiB.',
    retryAfter: null,
    area: 'request',
  },
  unsupported_media_type: {
    status: 415,
    message: 'The request body must be JSON sent with content-type application/json.',
    retryAfter: null,
    area: 'request',
  },
  route_not_found: {
    status: 404,
    message: 'No route matches this path.',
    retryAfter: null,
    area: 'routing',
  },
  method_not_allowed: {
    status: 405,
    message: 'This route does not accept this HTTP method.',
    retryAfter: null,
    area: 'routing',
  },
  magic_link_ip_limit_exceeded: {
    status: 429,
    message: 'Too many magic link requests from this IP.',
    retryAfter: RATE_LIMIT_WINDOW_SECONDS,
    area: 'rate_limiting',
  },
  magic_link_email_limit_exceeded: {
    status: 429,
    message: 'Too many magic link requests for this email address.',
    retryAfter: RATE_LIMIT_WINDOW_SECONDS,
    area: 'rate_limiting',
  },
  magic_link_capacity_exceeded: {
    status: 503,
    message: 'The service has sent as many sign-in emails as it may this hour.',
    // At most this long; each response says exactly how long is left of the hour.
    retryAfter: RATE_LIMIT_WINDOW_SECONDS,
    area: 'rate_limiting',
  },
  magic_link_challenge_required: {
    status: 428,
    message: 'The service is busy: get a challenge from GET /v1/auth/challenge, solve it and send the solution as proof_of_work.',
    // Retrying at once succeeds, with a solved challenge; waiting alone does not help within the hour.
    retryAfter: null,
    area: 'rate_limiting',
  },
  magic_link_not_found: {
    status: 401,
    message: 'This magic link is not valid.',
    retryAfter: null,
    area: 'authentication',
  },
  magic_link_expired: {
    status: 401,
    message: 'This magic link has expired.',
    retryAfter: null,
    area: 'authentication',
  },
  magic_link_already_used: {
    status: 401,
    message: 'This magic link has already been used.',
    retryAfter: null,
    area: 'authentication',
  },
  magic_link_device_mismatch: {
    status: 403,
    message: 'This sign-in was requested on another device or browser. Open the link there, or type the code from the email on that device.',
    retryAfter: null,
    area: 'authentication',
  },
  magic_link_code_invalid: {
    status: 401,
    message: 'This code is not valid for this email address.',
    retryAfter: null,
    area: 'authentication',
  },
  magic_link_code_attempts_exceeded: {
    status: 429,
    message: 'Too many wrong codes for this email address.',
    retryAfter: RATE_LIMIT_WINDOW_SECONDS,
    area: 'rate_limiting',
  },
  magic_link_code_ip_limit_exceeded: {
    status: 429,
    message: 'Too many wrong codes from this network.',
    retryAfter: RATE_LIMIT_WINDOW_SECONDS,
    area: 'rate_limiting',
  },
  sign_in_not_allowed: {
    status: 403,
    message: 'This address may not sign in here.',
    retryAfter: null,
    area: 'authentication',
  },
  session_invalid: {
    status: 401,
    message: 'The session is missing, expired or signed out.',
    retryAfter: null,
    area: 'authentication',
  },
  email_delivery_failed: {
    status: 502,
    message: 'The sign-in email could not be sent.',
    retryAfter: null,
    area: 'delivery',
  },
  service_unavailable: {
    status: 503,
    message: 'The service is temporarily unavailable; retry shortly.',
    retryAfter: SERVICE_UNAVAILABLE_RETRY_SECONDS,
    area: 'server',
  },
  internal_error: {
    status: 500,
    message: 'An unexpected error occurred.',
    retryAfter: null,
    area: 'server',
  },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOG, value);
}

/** An error the API reports to its caller with a catalogued code. */
export class ApiError extends Error {
  readonly definition: ErrorDefinition;

  constructor(
    readonly code: ErrorCode,
    readonly details: readonly FieldIssue[] = [],
    options: { cause?: unknown; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(ERROR_CATALOG[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.definition = ERROR_CATALOG[code];
    this.headers = options.headers ?? {};
  }

  /** Extra response headers this error needs (for example `Allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;
}

/** The code each domain refusal is reported as. */
const REFUSAL_CODES: Record<Refusal, ErrorCode> = {
  redirect_not_allowed: 'validation_failed',
  authorization_request_invalid: 'validation_failed',
  ip_limit_exceeded: 'magic_link_ip_limit_exceeded',
  email_limit_exceeded: 'magic_link_email_limit_exceeded',
  capacity_exceeded: 'magic_link_capacity_exceeded',
  link_not_found: 'magic_link_not_found',
  link_expired: 'magic_link_expired',
  link_already_used: 'magic_link_already_used',
  device_mismatch: 'magic_link_device_mismatch',
  code_invalid: 'magic_link_code_invalid',
  code_attempts_exceeded: 'magic_link_code_attempts_exceeded',
  code_ip_limit_exceeded: 'magic_link_code_ip_limit_exceeded',
  session_invalid: 'session_invalid',
  sign_in_not_allowed: 'sign_in_not_allowed',
  source_ip_invalid: 'validation_failed',
  challenge_required: 'magic_link_challenge_required',
  proof_invalid: 'validation_failed',
  proof_expired: 'validation_failed',
  proof_used: 'validation_failed',
};

/** What a refusal that is a problem with one field of the request lists in `details`. */
const REFUSAL_DETAILS: Partial<Record<Refusal, readonly FieldIssue[]>> = {
  redirect_not_allowed: [{ field: 'redirect_to', issue: 'must be one of the redirect URLs this deployment allows' }],
  source_ip_invalid: [{ field: 'requestContext.http.sourceIp', issue: 'must be an IPv4 or IPv6 address' }],
  authorization_request_invalid: [{ field: 'authorization_request', issue: 'must be a request /oauth2/authorize accepts' }],
  proof_invalid: [{ field: 'proof_of_work', issue: 'must solve a challenge from GET /v1/auth/challenge' }],
  proof_expired: [{ field: 'proof_of_work', issue: 'has expired: solve a new challenge from GET /v1/auth/challenge' }],
  proof_used: [{ field: 'proof_of_work', issue: 'was already used: solve a new challenge from GET /v1/auth/challenge' }],
};

/** The catalogued code for anything thrown while handling a request; unknown errors are bugs. */
export function classifyError(error: unknown): { readonly code: ErrorCode; readonly apiError?: ApiError; readonly retryAfter?: number } {
  if (error instanceof ApiError) return { code: error.code, apiError: error };
  if (error instanceof RefusedError) {
    const code = REFUSAL_CODES[error.reason];
    const details = REFUSAL_DETAILS[error.reason];
    if (details !== undefined) return { code, apiError: new ApiError(code, details, { cause: error }) };
    // A refusal may know its wait more exactly than the catalog, never longer.
    const cap = ERROR_CATALOG[code].retryAfter;
    return { code, ...(error.retryAfterSeconds !== undefined && cap !== null ? { retryAfter: Math.min(cap, Math.max(1, error.retryAfterSeconds)) } : {}) };
  }
  if (error instanceof DependencyUnavailableError) return { code: 'service_unavailable' };
  if (error instanceof DeliveryFailedError) return { code: 'email_delivery_failed' };
  return { code: 'internal_error' };
}

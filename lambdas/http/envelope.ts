import { ERROR_CATALOG, type ErrorCode, type FieldIssue } from '../contract/errors';

/** UTC to the second, with `Z`: `2026-05-25T12:34:56Z`. */
export function timestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface ErrorEnvelope {
  readonly success: false;
  readonly error: ErrorCode;
  readonly message: string;
  readonly details: readonly FieldIssue[];
  readonly retry_after: number | null;
  readonly doc_url: string;
  readonly request_id: string;
  readonly timestamp: string;
}

export interface SuccessEnvelope<T> {
  readonly success: true;
  readonly data: T;
  readonly request_id: string;
  readonly timestamp: string;
}

/** The body of every non-2xx response. Field order is part of the contract. */
export function errorEnvelope(
  code: ErrorCode,
  options: { details?: readonly FieldIssue[]; requestId: string; at: Date; docsBaseUrl: string; retryAfter?: number },
): ErrorEnvelope {
  const definition = ERROR_CATALOG[code];
  return {
    success: false,
    error: code,
    message: definition.message,
    details: options.details ?? [],
    retry_after: definition.retryAfter === null ? null : (options.retryAfter ?? definition.retryAfter),
    doc_url: `${options.docsBaseUrl}/reference/errors/${code}`,
    request_id: options.requestId,
    timestamp: timestamp(options.at),
  };
}

export function successEnvelope<T>(data: T, options: { requestId: string; at: Date }): SuccessEnvelope<T> {
  return { success: true, data, request_id: options.requestId, timestamp: timestamp(options.at) };
}

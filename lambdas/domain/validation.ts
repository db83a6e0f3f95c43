import { normalizeEmail } from './email';
import { ApiError, type FieldIssue } from './errors';
import { isWellFormedToken } from './tokens';

type JsonObject = Record<string, unknown>;

function asObject(body: unknown, fields: readonly string[]): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('validation_failed', [{ field: 'body', issue: 'must be a JSON object' }]);
  }
  const unknown = Object.keys(body).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    throw new ApiError(
      'validation_failed',
      unknown.map((field) => ({ field, issue: 'is not a recognised field' })),
    );
  }
  return body as JsonObject;
}

/** Body of `POST /v1/auth/magic-link`: `{"email": "..."}`, normalized. */
export function parseMagicLinkRequest(body: unknown): { email: string } {
  const input = asObject(body, ['email']);
  const check = normalizeEmail(input.email);
  if (!check.ok) throw new ApiError('validation_failed', [{ field: 'email', issue: check.issue }]);
  return { email: check.email };
}

/** Body of `POST /v1/auth/verify`: `{"token": "..."}` of the exact shape links carry. */
export function parseVerifyRequest(body: unknown): { token: string } {
  const input = asObject(body, ['token']);
  const token = input.token;
  let issue: FieldIssue | null = null;
  if (token === undefined || token === null || token === '') issue = { field: 'token', issue: 'is required' };
  else if (typeof token !== 'string') issue = { field: 'token', issue: 'must be a string' };
  else if (!isWellFormedToken(token)) {
    issue = { field: 'token', issue: 'must be the 43-character token from the magic link' };
  }
  if (issue) throw new ApiError('validation_failed', [issue]);
  return { token: token as string };
}

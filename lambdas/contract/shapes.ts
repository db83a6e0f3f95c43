/**
 * The fields of the routes' request bodies and success data, defined once (valibot schemas), and the
 * bodies of verify and sign-out; `magic-link-request.ts` holds the request route's own, and
 * `route-shapes.ts` gathers every route's. A function bundles only the modules it parses with: valibot's
 * builders run when a module loads, so a shape in a module a function imports is in its bundle. Derived:
 * - the runtime validation of request bodies (`parseBody`, with the `details` each field reports);
 * - the OpenAPI document's request and response schemas (`lambdas/http/openapi.ts`);
 * - the typed client's request and response types (`client/generated.ts`, written by `npm run docs`);
 * - the handlers' types for what they return.
 */
import * as v from 'valibot';
import { CODE_PATTERN, VERIFIER_PATTERN } from '../domain/codes';
import { normalizeEmail, MAX_EMAIL_LENGTH } from '../domain/email';
import { TOKEN_PATTERN } from '../domain/tokens';
import { ApiError, type FieldIssue } from './errors';

/**
 * Keywords for the JSON Schema (OpenAPI) that the runtime check covers in its own way, such as
 * `format: email` where the domain's address rules apply: the conversion copies metadata into the
 * schema. Placed before a transform, since the conversion stops at the first transform in a pipe.
 */
export const jsonSchemaHint = <T>(hint: Record<string, unknown>) => v.metadata<T, Record<string, unknown>>(hint);

export const stringMessage = (issue: v.BaseIssue<unknown>) => (issue.input === undefined || issue.input === null ? 'is required' : 'must be a string');

/** An address as a person types it: trimmed, lower-cased and checked by the domain's rules. */
export const email = v.pipe(
  v.string(stringMessage),
  jsonSchemaHint<string>({ format: 'email', maxLength: MAX_EMAIL_LENGTH }),
  v.description('Trimmed and lower-cased before use.'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const checked = normalizeEmail(dataset.value);
    if (checked.ok) return checked.email;
    addIssue({ message: checked.issue });
    return NEVER;
  }),
);

/** The token from a magic link's fragment. */
const linkToken = v.pipe(
  v.string(stringMessage),
  v.nonEmpty('is required'),
  v.regex(TOKEN_PATTERN, 'must be the 43-character token from the magic link'),
  v.description('The 43-character token from the link fragment (`#token=...`).'),
);

/** A string field of a fixed shape: `is required` when absent or empty, `issue` when malformed. */
export const shaped = (pattern: RegExp, issue: string, description: string) =>
  v.pipe(v.string(stringMessage), v.nonEmpty('is required'), v.regex(pattern, issue), v.description(description));

const codeVerifier = shaped(
  VERIFIER_PATTERN,
  'must be 43 to 128 characters of A-Z, a-z, 0-9, "-", ".", "_", "~"',
  'The verifier whose SHA-256 was sent as `code_challenge`; needed only for a bound sign-in.',
);
const code = shaped(CODE_PATTERN, 'must be the 6-digit code from the email', 'The 6-digit code from the email.');

/**
 * A request body: a JSON object with exactly these fields. A missing field reports `is required`
 * (the object's own issue; anything that is not an object never reaches valibot, see `parseBody`).
 */
export const body = <const E extends v.ObjectEntries>(entries: E) => v.strictObject(entries, 'is required');

export const signOutBody = body({
  everywhere: v.optional(v.pipe(v.boolean('must be true or false'), v.description('`true` also revokes every other live session of the same address.'))),
});
// Exactly one of two forms: the link's token, or the address and the code mailed with it.
export const verifyBody = v.union([body({ token: linkToken, code_verifier: v.optional(codeVerifier) }), body({ email, code, code_verifier: v.optional(codeVerifier) })]);

const invalid = (details: readonly FieldIssue[]) => new ApiError('validation_failed', details);

type BodySchema = ReturnType<typeof body>;

/**
 * The form a body means to be, for a route that accepts several: the one whose fields it uses most
 * (the first on a tie, and for an empty body), so the `details` speak of that form.
 */
function formOf(schema: BodySchema | v.UnionSchema<BodySchema[], undefined>, input: object): BodySchema {
  if (schema.type !== 'union') return schema as BodySchema;
  const keys = Object.keys(input);
  const fit = (form: BodySchema) => keys.filter((key) => Object.prototype.hasOwnProperty.call(form.entries, key)).length;
  return (schema.options as BodySchema[]).reduce((best, form) => (fit(form) > fit(best) ? form : best));
}

/**
 * Checks a parsed JSON body against its route's shape and returns it normalized, or throws
 * `validation_failed` with one `details` entry per problem: the body itself when it is not an object,
 * else every field the route (in the form the body means) does not accept, else every field whose
 * value is wrong (its first problem). A body mixing two forms reports the other form's fields.
 */
export function parseBody<S extends BodySchema | v.UnionSchema<BodySchema[], undefined>>(shape: S, input: unknown): v.InferOutput<S> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid([{ field: 'body', issue: 'must be a JSON object' }]);
  }
  const schema = formOf(shape as BodySchema, input);
  const unknown = Object.keys(input).filter((key) => !Object.prototype.hasOwnProperty.call(schema.entries, key));
  if (unknown.length > 0) throw invalid(unknown.map((field) => ({ field, issue: 'is not a recognised field' })));
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output as v.InferOutput<S>;
  throw invalid(
    result.issues.map((issue) => ({ field: String(issue.path?.[0]?.key ?? 'body'), issue: issue.message })),
  );
}

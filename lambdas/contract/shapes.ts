/**
 * Every route's request body and success data, defined once (valibot schemas). Derived from here:
 * - the runtime validation of request bodies (`parseBody`, with the `details` each field reports);
 * - the OpenAPI document's request and response schemas (`lambdas/http/openapi.ts`);
 * - the typed client's request and response types (`client/generated.ts`, written by `npm run docs`);
 * - the handlers' types for what they return.
 */
import * as v from 'valibot';
import { CHALLENGE_PATTERN, CODE_PATTERN, VERIFIER_PATTERN } from '../domain/codes';
import { normalizeEmail, MAX_EMAIL_LENGTH } from '../domain/email';
import { SESSION_TOKEN_PATTERN } from '../domain/sessions';
import { TOKEN_PATTERN } from '../domain/tokens';
import { USER_ID_PATTERN } from '../domain/users';
import { ApiError, type FieldIssue } from './errors';
import { LOCALE_TAG_PATTERN, MAX_LOCALE_TAG_LENGTH } from './locales';
import type { Route } from './routes';

/**
 * Keywords for the JSON Schema (OpenAPI) that the runtime check covers in its own way, such as
 * `format: email` where the domain's address rules apply: the conversion copies metadata into the
 * schema. Placed before a transform, since the conversion stops at the first transform in a pipe.
 */
export const jsonSchemaHint = <T>(hint: Record<string, unknown>) => v.metadata<T, Record<string, unknown>>(hint);

const stringMessage = (issue: v.BaseIssue<unknown>) => (issue.input === undefined || issue.input === null ? 'is required' : 'must be a string');

/** An address as a person types it: trimmed, lower-cased and checked by the domain's rules. */
const email = v.pipe(
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
const shaped = (pattern: RegExp, issue: string, description: string) =>
  v.pipe(v.string(stringMessage), v.nonEmpty('is required'), v.regex(pattern, issue), v.description(description));

const codeChallenge = shaped(
  CHALLENGE_PATTERN,
  'must be the base64url SHA-256 of a code_verifier (43 characters)',
  'Binds the link to this browser: base64url (unpadded) SHA-256 of a random `code_verifier` the browser keeps (RFC 7636, S256).',
);
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
const body = <const E extends v.ObjectEntries>(entries: E) => v.strictObject(entries, 'is required');

const timestamp = v.pipe(v.string(), jsonSchemaHint<string>({ format: 'date-time' }), v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/));

const userId = v.pipe(
  v.string(),
  v.regex(USER_ID_PATTERN),
  v.description(
    'The user\'s stable id: `usr_` and a ULID, made by the address\'s first completed sign-in and the same for every later one. Opaque (never derived from the address): key your own data on it.',
  ),
);
const userEmail = v.pipe(v.string(), jsonSchemaHint<string>({ format: 'email' }));

/** Shared by several responses: the OpenAPI document lists it once, under components. */
export const User = v.strictObject({ id: userId, email: userEmail });

/** A session's user: `id` is missing only for a session started before sign-ins recorded their user. */
const SessionUser = v.strictObject({
  id: v.optional(
    v.pipe(
      userId,
      v.description(
        'The user\'s stable id, as `verify` returned it. Present for every session started since this service recorded user ids; a session started before has none until the person signs in again.',
      ),
    ),
  ),
  email: userEmail,
});

/** An access token and when it stops working. Shared by `verify` and the refresh route. */
export const AccessToken = v.strictObject({
  token: v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/),
    v.description(
      'An RS256 JWT (`kid` header; claims `iss`, `sub` = the user id, `aud`, `iat`, `nbf`, `exp`, `jti`, `sid`, `email`, `email_verified`), verifiable offline against `/.well-known/jwks.json`. A bearer credential: it works until `expires_at` even after sign-out.',
    ),
  ),
  expires_at: timestamp,
});

/** Where to send the person after sign-in. Only its form is checked here; the deployment's allowlist is checked after parsing. */
const redirectTo = v.pipe(
  v.string(stringMessage),
  v.nonEmpty('is required'),
  v.url('must be an absolute URL'),
  v.description('Where the hosted page sends the person after sign-in, with the session in the URL fragment. Must match one of the deployment\'s `redirectUrls` exactly.'),
);

/** The reader's language. Only its form is checked: a well-formed tag the deployment does not speak falls back. */
const locale = v.pipe(
  v.string(stringMessage),
  v.nonEmpty('is required'),
  v.maxLength(MAX_LOCALE_TAG_LENGTH, `must be at most ${MAX_LOCALE_TAG_LENGTH} characters`),
  v.regex(LOCALE_TAG_PATTERN, 'must be a BCP 47 language tag such as "pt-BR"'),
  v.description(
    'The language of the mail (BCP 47, e.g. `pt-BR`): used when the deployment speaks it, exactly or by its base language (`pt-PT` gets `pt-BR`); else the best match of `Accept-Language`, else the deployment\'s `defaultLocale`. An unsupported tag is not an error.',
  ),
);

/**
 * An OpenID Connect authorization request, as the hosted page read it from `/oauth2/authorize`. Only
 * its form here: the domain checks it as the authorize endpoint does (`authorization_request_invalid`).
 */
const authorizationRequest = v.pipe(
  v.strictObject(
    {
      client_id: v.string(stringMessage),
      redirect_uri: v.string(stringMessage),
      scope: v.string(stringMessage),
      state: v.optional(v.string(stringMessage)),
      nonce: v.optional(v.string(stringMessage)),
      code_challenge: v.optional(codeChallenge),
    },
    'must be an object',
  ),
  v.description('The request `/oauth2/authorize` was opened with (checked again); `verify` then answers `continue_to`.'),
);

/** A SHA-256 or HMAC-SHA-256 in hex, as the proof-of-work challenges carry them. */
const hex256 = (description: string) => v.pipe(v.string(stringMessage), v.regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'), v.description(description));
const powSalt = v.pipe(v.string(stringMessage), v.regex(/^[0-9a-f]{1,64}\?expires=\d{1,12}$/, 'must be the challenge\'s salt'), v.description('Random, ending `?expires=<epoch seconds>`.'));
const powAlgorithm = v.pipe(v.literal('SHA-256', 'must be "SHA-256"'), v.description('Always `SHA-256`.'));
const powChallenge = hex256('SHA-256 of `salt` followed by the number to find (in decimal).');
const powSignature = hex256('The deployment\'s signature of `challenge`: send it back unchanged.');

/**
 * A solved proof-of-work challenge (`GET /v1/auth/challenge`, ALTCHA's shape): its fields unchanged
 * and the number found. Only the form here: the domain checks the signature, the number and the expiry.
 */
const proofOfWork = v.pipe(
  v.strictObject(
    {
      algorithm: powAlgorithm,
      challenge: powChallenge,
      number: v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be 0 or more'), v.maxValue(10_000_000, 'must be at most 10000000'), v.description('The number found: SHA-256 of `salt` and it is `challenge`.')),
      salt: powSalt,
      signature: powSignature,
    },
    'is required',
  ),
  v.description('A solved challenge from `GET /v1/auth/challenge`, single use: needed only when the request answers `magic_link_challenge_required`; accepted always.'),
);

/** What each route accepts as its JSON body (routes without one are absent). */
export const REQUEST_BODIES = {
  requestMagicLink: body({
    email,
    code_challenge: v.optional(codeChallenge),
    redirect_to: v.optional(redirectTo),
    authorization_request: v.optional(authorizationRequest), proof_of_work: v.optional(proofOfWork),
    locale: v.optional(locale),
  }),
  signOut: body({
    everywhere: v.optional(
      v.pipe(v.boolean('must be true or false'), v.description('`true` also revokes every other live session of the same address.')),
    ),
  }),
  // Exactly one of two forms: the link's token, or the address and the code mailed with it.
  verify: v.union([body({ token: linkToken, code_verifier: v.optional(codeVerifier) }), body({ email, code, code_verifier: v.optional(codeVerifier) })]),
} as const satisfies Partial<Record<Route['operationId'], v.GenericSchema>>;

/** What each route returns in `data` on success (the document routes return the document itself: `DOCUMENTS`). */
export const SUCCESS_DATA = {
  requestMagicLink: v.strictObject({
    expires_in: v.pipe(v.number(), v.integer(), v.minValue(1), v.description('Seconds the mailed link works for.')),
  }),
  verify: v.strictObject({
    session: v.strictObject({
      token: v.pipe(v.string(), v.regex(SESSION_TOKEN_PATTERN), v.description('Send as `Authorization: Bearer <token>`.')),
      expires_at: timestamp,
    }),
    user: User,
    access_token: AccessToken,
    redirect_to: v.optional(v.pipe(v.string(), v.description('The `redirect_to` the sign-in was requested with, if any.'))),
    continue_to: v.optional(
      v.pipe(
        v.string(),
        v.description(
          'With an `authorization_request`: the redirect URI with `code` (single use, 60 s), `state` and `iss`, to send the browser to.',
        ),
      ),
    ),
  }),
  getChallenge: v.strictObject({
    algorithm: powAlgorithm,
    challenge: powChallenge,
    maxnumber: v.pipe(v.number(), v.integer(), v.minValue(1), v.description('The number to find is between 0 and this: about half as many hashes on average.')),
    salt: powSalt,
    signature: powSignature,
  }),
  getSession: v.strictObject({ user: SessionUser, expires_at: timestamp }),
  refreshAccessToken: v.strictObject({ access_token: AccessToken }),
  signOut: v.strictObject({ signed_out: v.literal(true) }),
} as const satisfies Partial<Record<Route['operationId'], v.GenericSchema>>;

export type RequestBody<O extends keyof typeof REQUEST_BODIES> = v.InferOutput<(typeof REQUEST_BODIES)[O]>;
export type SuccessData<O extends keyof typeof SUCCESS_DATA> = v.InferOutput<(typeof SUCCESS_DATA)[O]>;

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
export function parseBody<O extends keyof typeof REQUEST_BODIES>(operation: O, input: unknown): RequestBody<O> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid([{ field: 'body', issue: 'must be a JSON object' }]);
  }
  const schema = formOf(REQUEST_BODIES[operation] as BodySchema, input);
  const unknown = Object.keys(input).filter((key) => !Object.prototype.hasOwnProperty.call(schema.entries, key));
  if (unknown.length > 0) throw invalid(unknown.map((field) => ({ field, issue: 'is not a recognised field' })));
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output as RequestBody<O>;
  throw invalid(
    result.issues.map((issue) => ({ field: String(issue.path?.[0]?.key ?? 'body'), issue: issue.message })),
  );
}

/**
 * Every route's request body and success data, gathered (the shapes themselves are in `shapes.ts` and
 * `magic-link-request.ts`). Read by the OpenAPI document and the typed client's generator; handlers
 * import only its types, so no function bundles it.
 */
import * as v from 'valibot';
import { SESSION_TOKEN_PATTERN } from '../domain/sessions';
import { USER_ID_PATTERN } from '../domain/users';
import { powAlgorithm, powChallenge, powSalt, powSignature, requestMagicLinkBody } from './magic-link-request';
import type { Route } from './routes';
import { jsonSchemaHint, signOutBody, verifyBody } from './shapes';

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

/** What each route accepts as its JSON body (routes without one are absent). */
export const REQUEST_BODIES = {
  requestMagicLink: requestMagicLinkBody,
  signOut: signOutBody,
  verify: verifyBody,
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

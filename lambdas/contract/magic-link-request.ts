/**
 * The body of `POST /v1/auth/magic-link` and the fields only it accepts, in a module of their own so the
 * other functions do not bundle them (see `shapes.ts`).
 */
import * as v from 'valibot';
import { CHALLENGE_PATTERN } from '../domain/codes';
import { LOCALE_TAG_PATTERN, MAX_LOCALE_TAG_LENGTH } from './locales';
import { body, email, shaped, stringMessage } from './shapes';

export const codeChallenge = shaped(
  CHALLENGE_PATTERN,
  'must be the base64url SHA-256 of a code_verifier (43 characters)',
  'Binds the link to this browser: base64url (unpadded) SHA-256 of a random `code_verifier` the browser keeps (RFC 7636, S256).',
);
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
export const powSalt = v.pipe(v.string(stringMessage), v.regex(/^[0-9a-f]{1,64}\?expires=\d{1,12}$/, 'must be the challenge\'s salt'), v.description('Random, ending `?expires=<epoch seconds>`.'));
export const powAlgorithm = v.pipe(v.literal('SHA-256', 'must be "SHA-256"'), v.description('Always `SHA-256`.'));
export const powChallenge = hex256('SHA-256 of `salt` followed by the number to find (in decimal).');
export const powSignature = hex256('The deployment\'s signature of `challenge`: send it back unchanged.');

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

export const requestMagicLinkBody = body({
  email,
  code_challenge: v.optional(codeChallenge),
  redirect_to: v.optional(redirectTo),
  authorization_request: v.optional(authorizationRequest),
  proof_of_work: v.optional(proofOfWork),
  locale: v.optional(locale),
});

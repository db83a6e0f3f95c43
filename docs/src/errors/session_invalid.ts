import type { ErrorDoc } from '../error-doc';

export default {
  code: 'session_invalid',
  title: 'Session Invalid',
  summary: 'The session token is missing, unknown, expired or signed out. Sign in again.',
  whatItMeans: [
    'The request to `GET /v1/auth/session` or `POST /v1/auth/sign-out` did not carry a live session. The `Authorization: Bearer <session token>` header was missing or malformed, or the session it names has expired or was signed out. The service gives one error for all of these on purpose, so the response never reveals whether a given token ever existed.',
  ],
  whenYoullSeeThis: [
    'The session is past its lifetime (7 days by default, configurable by whoever deployed the service).',
    'The user signed out, on this device or wherever the same token was used. Sign-out takes effect at once.',
    'The request had no `Authorization` header, used a scheme other than `Bearer`, or sent only part of the token. A session token is the whole string returned by verify, including the `.` in the middle.',
    'Your app called sign-out twice with the same token; the second call gets this error.',
    'The token came from a different deployment of the service, for example staging instead of production.',
  ],
  learnMore: [
    'A session starts when `POST /v1/auth/verify` consumes a magic link, and the response returns the session token with its `expires_at`. The service stores only a hash of the token\'s secret part, and checks on every request that the session exists, matches, has not expired and has not been signed out. Sessions are not extended by use: a session ends at its `expires_at`, however active the user is.',
    'This is the normal end of every session, not a fault. In practice: treat it as "signed out" and send the user back to your app\'s sign-in page.',
  ],
  quickFix: [
    'Sign in again: go to your app\'s sign-in page and request a new magic link.',
    'If you are calling the API by hand, check the header reads `Authorization: Bearer <token>` with the full session token from the verify response.',
  ],
  recovery:
    'Treat this as the end of the session: clear the stored session token and route the user to sign-in, without retrying. On `POST /v1/auth/sign-out`, this error means the session is already unusable, so treat it as a successful sign-out rather than showing a failure.',
  avoid: [
    'Store `expires_at` with the session token and send the user to sign-in before it passes, instead of waiting for a failed call.',
    'Send the complete session token, exactly as the verify response returned it, in an `Authorization: Bearer` header.',
    'Clear the stored token after sign-out so your app doesn\'t keep sending it.',
  ],
} satisfies ErrorDoc;

import type { ErrorDoc } from '../error-doc';

export default {
  code: 'validation_failed',
  title: 'Validation Failed',
  summary: 'The request body is valid JSON, but a field in it is missing or invalid. `details` says which.',
  whatItMeans: [
    'The service read the JSON body, but its contents are not what the route accepts. The `details` array lists each problem as `{"field", "issue"}`, for example `{"field": "email", "issue": "must be a valid email address"}`. Nothing was done: no link was requested and no token was checked.',
  ],
  whenYoullSeeThis: [
    'The `email` field of `POST /v1/auth/magic-link` is missing, empty, not a string, or not a usable address (for example `ada@localhost`, which has no dot in its domain).',
    'The `token` field of `POST /v1/auth/verify` is missing, or is not the 43-character token from the magic link: it was cut short, still has `token=` in front, or includes other parts of the URL.',
    'The body has a field the route does not accept, such as a misspelled `mail` or an extra `redirect` field. Its issue reads "is not a recognised field".',
    'The body is JSON but not an object, for example an array, a bare string, or an object that was JSON-encoded twice. The issue is reported on the field `body`.',
  ],
  learnMore: [
    'Each route that takes a body accepts exactly one field: `email` for `POST /v1/auth/magic-link`, `token` for `POST /v1/auth/verify`. Anything else is refused rather than ignored, so a typo in a field name fails loudly instead of being silently dropped. Email addresses are trimmed and lower-cased before they are checked, so surrounding spaces and capitals are fine.',
    'A token is checked for shape before it is looked up: 43 characters of base64url (`A-Z`, `a-z`, `0-9`, `-` and `_`). A token of the wrong length or with other characters gets this error; a well-formed token the service doesn\'t know gets `magic_link_not_found` instead.',
  ],
  quickFix: [
    'Read `details` in the response: each entry names a field and what is wrong with it.',
    'For sign-in, check the email address for typos and send it as `{"email": "ada@example.com"}`.',
    'For verify, send only the token value from the link, the part after `#token=`, as `{"token": "..."}`.',
  ],
  recovery:
    'Map each entry of `details` to your form: show `issue` next to the input named by `field` (for `email`, that is the user\'s typo to fix), and don\'t retry the same body, which will fail the same way. An entry for `token` or `body`, or one saying "is not a recognised field", points at your code rather than the user; log it with the `request_id` and fix the request.',
  avoid: [
    'Check the email address in your form before sending (not empty, one `@`, a domain with a dot), and let the service have the final word.',
    'Extract the token with `new URLSearchParams(location.hash.slice(1)).get(\'token\')` rather than slicing the URL by hand.',
    'Send only the fields each route documents, with their exact names.',
  ],
} satisfies ErrorDoc;

import type { ErrorDoc } from '../error-doc';

export default {
  code: 'unsupported_media_type',
  title: 'Unsupported Media Type',
  summary: 'The request body was not sent as JSON. Set `content-type: application/json` and send a JSON body.',
  whatItMeans: [
    'The route expects a JSON body, but the request\'s `content-type` header is missing or names another format, so the service did not try to read the body. Nothing was done: no link was requested and no token was checked. This applies to `POST /v1/auth/magic-link` and `POST /v1/auth/verify`, the two routes that take a body.',
  ],
  whenYoullSeeThis: [
    'A browser `fetch` sent `body: JSON.stringify(...)` without a `headers` option. Without one, the browser labels a string body `text/plain`.',
    'A `curl -d` request without `-H \'content-type: application/json\'`: curl labels it as form data by default.',
    'The client sent an HTML form or `FormData` (form-encoded or multipart) instead of JSON.',
    'A proxy or HTTP library dropped or rewrote the `content-type` header.',
    'The header names a charset other than UTF-8 (`application/json; charset=utf-16`), or a parameter JSON does not define (`application/json; version=2`).',
  ],
  learnMore: [
    'The service reads bodies only when they are labelled as JSON in UTF-8: `application/json` (or a `+json` type such as `application/problem+json`) with no parameter, or with `; charset=utf-8` and nothing else. Another charset (`charset=utf-16`, `charset=latin1`) or any other parameter gets this error: JSON defines no parameters (RFC 8259) and is always UTF-8, and the service reads every body as UTF-8, so a body in another encoding would be misread. Checking the label first keeps the service from guessing at a body\'s format, and the content type is checked before the JSON itself: a request with both a wrong label and broken JSON gets this error, and `invalid_json` only once the label is fixed.',
    'In a browser, sending `content-type: application/json` to the API on another origin makes the browser send a CORS preflight request first. The service answers it for the origins the deployment allows (by default, the origin of your app\'s sign-in page), so this is expected and needs no extra work.',
  ],
  quickFix: [
    'Add the header `content-type: application/json` to the request.',
    'If the header names a charset, make it `charset=utf-8` and send the body as UTF-8, or leave the parameter out.',
    'Make sure the body is the JSON text itself, for example `{"email": "ada@example.com"}`, not form fields.',
    'In code, prefer your HTTP client\'s JSON option (`json=` in Python\'s httpx or requests), which sets the header and the body together.',
  ],
  recovery:
    'This is a client bug, so don\'t retry the same request: it will fail the same way. Fix the code that builds the request so every call to a body-taking route sets `content-type: application/json` and sends `JSON.stringify` output; one shared helper for API calls keeps this from regressing.',
  avoid: [
    'Route all calls to this API through one small client function that sets the header and serializes the body.',
    'Don\'t post HTML forms straight to the API; read the form in your page and send JSON.',
    'When a proxy sits between your app and the API, check that it forwards the `content-type` header unchanged.',
  ],
} satisfies ErrorDoc;

import type { ErrorDoc } from '../error-doc';

export default {
  code: 'invalid_json',
  title: 'Invalid JSON',
  summary: 'The request body could not be read as JSON. Fix the body and send it again.',
  whatItMeans: [
    'The request was sent as JSON (its `content-type` was `application/json`), but the body itself is empty or is not valid JSON, so the service could not read any fields from it. Nothing was done: no link was requested and no token was checked.',
  ],
  whenYoullSeeThis: [
    'The body is empty, for example a `POST /v1/auth/verify` sent without a body.',
    'The body was written by hand and has a syntax slip: single quotes instead of double quotes, a trailing comma, or a missing brace.',
    'A shell command mangled the quotes, for example a `curl -d` whose JSON was wrapped in double quotes by the shell.',
    'The code set `content-type: application/json` but sent a form-encoded string or a plain object\'s text form (such as `[object Object]`) instead of `JSON.stringify(...)` output.',
  ],
  learnMore: [
    '`POST /v1/auth/magic-link` and `POST /v1/auth/verify` read their input from a JSON body: `{"email": "..."}` and `{"token": "..."}`. The service checks the request in a fixed order: body size first (`payload_too_large`), then the content type (`unsupported_media_type`), then that the body parses as JSON (this error), and only then the fields inside it (`validation_failed`).',
    'This error says nothing about the values you sent, only that they could not be read. Once the body parses, any problem with the fields comes back as `validation_failed`, with `details` naming each field.',
  ],
  quickFix: [
    'Check that the request has a body at all.',
    'Paste the body into a JSON validator. Keys and strings need double quotes, and there is no trailing comma: `{"email": "ada@example.com"}`.',
    'In code, build the body with your language\'s JSON encoder (`JSON.stringify` in JavaScript, `json=` in Python\'s httpx or requests) rather than by hand.',
  ],
  recovery:
    'This is a client bug, not a transient failure: retrying the same body will fail the same way, so don\'t retry. Log the `request_id` with the code path that built the body, and fix the serializer; in tests, assert that every request to these routes is built with a JSON encoder.',
  avoid: [
    'Always serialize bodies with a JSON library, never with string concatenation or templates.',
    'Use your HTTP client\'s JSON option where it has one, so the body and the `content-type` header are set together.',
    'Add one test per route that sends a real request body, so a broken serializer shows up before release.',
  ],
} satisfies ErrorDoc;

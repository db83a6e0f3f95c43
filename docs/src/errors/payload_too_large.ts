import type { ErrorDoc } from '../error-doc';

export default {
  code: 'payload_too_large',
  title: 'Payload Too Large',
  summary: 'The request body is larger than 8 KiB. Send only the fields the route needs.',
  whatItMeans: [
    'The body of the request is over 8 KiB, so the service refused it before reading it. Nothing was done. Every valid request to this API is far smaller: the largest body any route needs is one email address or one token.',
  ],
  whenYoullSeeThis: [
    'The client sent a whole object (a form state, a user profile, a page\'s data) instead of just `{"email": "..."}` or `{"token": "..."}`.',
    'A bug put a large or repeated value into a field, for example the same string appended in a loop.',
    'The body includes a file or image, encoded as text.',
    'Someone is probing the API with oversized requests.',
  ],
  learnMore: [
    'The size limit is checked first, before the content type or the JSON, and applies to every route. Refusing large bodies early means the service never spends time parsing input it could not use, and it keeps a flood of large requests cheap to turn away.',
    'The limit counts bytes, not characters: characters outside plain ASCII take more than one byte each. With bodies this small in normal use, you only meet this limit when something is sending more than it should.',
  ],
  quickFix: [
    'Look at what the request actually sends, for example in your browser\'s network tab.',
    'Send only the documented field: `{"email": "..."}` to request a link, `{"token": "..."}` to verify.',
  ],
  recovery:
    'Treat this as a client bug: the same body will be refused every time, so don\'t retry. Log the `request_id` with the size of the body you built, and fix the code that assembles it so it sends only the route\'s field.',
  avoid: [
    'Build each request body from exactly the fields the route accepts, not from a larger object you already have.',
    'Don\'t attach files, tracking data or page state to auth requests.',
  ],
} satisfies ErrorDoc;

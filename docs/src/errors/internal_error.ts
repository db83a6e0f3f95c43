import type { ErrorDoc } from '../error-doc';

export default {
  code: 'internal_error',
  title: 'Internal Error',
  summary: 'Something unexpected went wrong inside the service. Keep the `request_id`; it finds the cause in the logs.',
  whatItMeans: [
    'The service hit a condition it does not expect, and could not complete the request. This is a bug or a broken deployment, not a problem with what you sent. The response deliberately contains nothing about the cause; the details are in the operator\'s logs, under this response\'s `request_id`.',
  ],
  whenYoullSeeThis: [
    'A bug in the service was triggered by this request.',
    'The deployment is misconfigured (for example a missing or invalid setting), so every request fails the same way.',
    'An AWS call failed in a way the service does not recognize as temporary.',
  ],
  learnMore: [
    'Every error the service expects has its own code, such as `service_unavailable` for a throttled dependency. `internal_error` is what is left: anything that doesn\'t match a known case. Error responses never include stack traces, AWS error details or data from the database, because those could help an attacker; the `request_id` is the link between what the caller saw and what the service logged.',
    'The same `request_id` is sent in the `X-Request-Id` header of every response. The function logs record each request on one line with that id, and for this error they include the full underlying error. When the deployment\'s configuration is invalid, the log line says "configuration invalid" and names the setting.',
  ],
  quickFix: [
    'Try again once. If it was a one-off, the request may succeed.',
    'If it fails again, stop retrying and send the `request_id` and `timestamp` from the error to whoever runs the service.',
  ],
  recovery:
    'Show a generic "something went wrong" message, retry at most once, and record the `request_id` with your own logs. Operators: search the function logs for the `request_id`; a "configuration invalid" line means a setting must be fixed and redeployed, anything else is a bug to fix in the code.',
  avoid: [
    'After each deployment, call every route once (a smoke test), so a configuration mistake shows up before users see it.',
    'Alert on this error code in the logs: it should never happen in normal operation.',
    'Log the `request_id` of every failed call in your app, so a user report can be matched to the service\'s logs.',
  ],
} satisfies ErrorDoc;

import type { ErrorDoc } from '../error-doc';

export default {
  code: 'service_unavailable',
  title: 'Service Unavailable',
  summary: 'A service this API depends on is briefly overloaded or unavailable. Wait 5 seconds and try again.',
  whatItMeans: [
    'The service could not finish the request because one of the AWS services it relies on, the database (DynamoDB) or the email service (SES), was throttling it or was temporarily unavailable. The problem is expected to pass quickly. The `retry_after` field is 5, and the same value is sent in the `Retry-After` header.',
  ],
  whenYoullSeeThis: [
    'DynamoDB throttled or briefly failed a read or write, for example during a sudden spike in traffic.',
    'SES asked the service to slow down while sending a sign-in email, because the account\'s sending rate was reached.',
    'Many requests for the same email address or from the same IP arrived at the same instant and kept colliding on the shared counters.',
  ],
  learnMore: [
    'The service already retries short, safe failures inside a request before giving up, so by the time you see this error the dependency has been struggling for a moment. Returning a clear "try again in 5 seconds" is better than holding the request open or failing with a generic error.',
    'A retry is usually safe, with two details. On `POST /v1/auth/magic-link`, an attempt that failed at the email step was undone (its quota given back, its link deleted), but retry a few times at most, not in a loop. On `POST /v1/auth/verify`, in rare cases the link was consumed even though the response failed; a retry then returns `magic_link_already_used`, and the user needs a new link.',
  ],
  quickFix: [
    'Wait 5 seconds and try again.',
    'If it still fails after a few tries, wait a little longer before trying again.',
    'If it keeps happening, tell whoever runs the service and give them the `request_id` from the error.',
  ],
  recovery:
    'Retry after `retry_after` seconds (or the `Retry-After` header), a small number of times with growing delays, and then show a "temporarily unavailable, please try again" message. If the error is frequent, look up the `request_id` in the function logs: the log line names the throttled AWS error, which tells you whether DynamoDB or the SES sending rate is the bottleneck.',
  avoid: [
    'Spread out automated or batch calls instead of sending them in bursts.',
    'Keep the SES account\'s sending quota above your peak sign-in rate.',
    'Don\'t retry immediately or in a tight loop: that adds load to a dependency that is already struggling.',
  ],
} satisfies ErrorDoc;

import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_ip_limit_exceeded',
  title: 'Magic Link IP Limit Exceeded',
  summary: 'Too many magic link requests from your IP. Wait 1 hour before requesting another.',
  whatItMeans: [
    'The service received too many magic link sign-in requests from the same IP address in the current hour. The `retry_after` field is 3600 (one hour) by contract. This limit exists to protect users from email-bombing attacks: a hostile actor flooding magic links to wear out an inbox or burn through the deployment\'s email sending quota. No link was created and no email was sent for this request.',
  ],
  whenYoullSeeThis: [
    'A user clicked "send magic link" repeatedly when the first link arrived slowly.',
    'An automated test or QA flow is requesting magic links in a loop from the same IP.',
    'A shared corporate or campus network is producing many legitimate magic-link requests from one egress IP.',
    'Your own backend or a proxy calls `POST /v1/auth/magic-link` on behalf of users, so every user counts against that server\'s IP. The service uses the IP API Gateway sees and ignores `X-Forwarded-For`.',
    'A buggy client retried the magic-link endpoint on a different error.',
  ],
  learnMore: [
    'Magic link requests are limited more strictly than the other routes, because the side effect is email delivery (cost, sender reputation, abuse vector), not just a lookup. The service enforces limits at two boundaries: per IP (this error) and per email address (`magic_link_email_limit_exceeded`). The IP limit is checked first, and a request refused by it uses none of the email address\'s quota. The per-IP limit is 50 requests an hour by default, and whoever deployed the service can change it. IPv6 addresses are counted per /64 block, so other addresses in the same block share one count.',
    'The limits count over fixed clock hours, so the count actually resets at the start of the next hour; waiting `retry_after` seconds is always enough. In practice: a real user hitting this is rare. When it happens, the right response is to tell them clearly what\'s going on rather than silently failing. "Too many requests, please wait an hour" is a better UX than a generic "something went wrong."',
  ],
  quickFix: [
    'Wait 60 minutes. The IP-level limit will clear automatically.',
    'If a different user on your network needs to sign in immediately, have them switch to a mobile network or a different network with another IP.',
    'If this is happening during automated testing, mock the magic-link endpoint in test environments instead of calling it for real.',
  ],
  recovery:
    'Surface a clear, time-bounded error message to the user, using `retry_after` (also sent as the `Retry-After` header) for the wait. Don\'t let them keep clicking "resend" when you know the call will keep failing, and don\'t retry the request automatically: it will keep failing until the window changes.',
  avoid: [
    'Disable the "send magic link" button in your UI for a short time after a successful send. Most users click "resend" because the first email feels slow, not because it actually failed.',
    'Tell users to check their spam folder before they retry. The most common cause of "I didn\'t get the email" is a misclassified spam mark, not a delivery failure.',
    'In QA and automated testing, mock the magic-link endpoint. Never hit the real magic-link endpoint from CI.',
    'Call the magic-link endpoint from the user\'s browser rather than through your own server, so each user counts against their own IP. If you have many users behind one corporate IP, ask whoever deployed the service to raise the per-IP limit.',
  ],
} satisfies ErrorDoc;

import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_email_limit_exceeded',
  title: 'Magic Link Email Limit Exceeded',
  summary: 'Too many magic links were requested for this email address. Wait 1 hour, or use a link already sent.',
  whatItMeans: [
    'The service received too many magic link requests for the same email address in the current hour. The `retry_after` field is 3600 (one hour) by contract. This limit protects the owner of the address from having their inbox flooded with sign-in emails, whoever is asking. No link was created and no email was sent for this request.',
  ],
  whenYoullSeeThis: [
    'A user requested a new link several times because the first email seemed slow or went to spam.',
    'A user typed the same address with different capitals or spaces. Addresses are trimmed and lower-cased before counting, so `Ada@Example.com ` and `ada@example.com` share one quota.',
    'An automated test keeps requesting links for the same test address.',
    'Someone else requested links for this address from several networks, for example to flood its inbox. One network can use only its own share of an address (5 an hour by default); the inbox ceiling (20 an hour from all networks) stops floods spread over more networks, and while it holds it also blocks the owner until the hour is up.',
  ],
  learnMore: [
    'The service enforces limits at three boundaries: per network (`magic_link_ip_limit_exceeded`), per network and email address, and per email address from all networks together (both of these answer with this error). By default one network may request 5 links an hour for any one address, and an address receives at most 20 an hour in all; whoever deployed the service can change both. The IP limit is checked first; a request refused by any limit uses none of the others\' quota. The limits apply the same way to every address, whether or not it has signed in before, so this error never reveals whether an account exists.',
    'The limits count over fixed clock hours, so the count actually resets at the start of the next hour; waiting `retry_after` seconds is always enough. Links already sent are not cancelled by this error: each one still works once, until its own lifetime runs out (15 minutes by default).',
  ],
  quickFix: [
    'Check your inbox, including the spam folder, for the sign-in emails already sent. Any of those links that is unused and less than 15 minutes old (the default lifetime) still works.',
    'If none of them works, wait 60 minutes and request a new link from your app\'s sign-in page.',
    'If this is happening during automated testing, mock the magic-link endpoint or use a different test address per run.',
  ],
  recovery:
    'Surface a clear, time-bounded message that also points the user to the emails already sent ("We\'ve sent you several links; check your inbox and spam folder"), using `retry_after` (also sent as the `Retry-After` header) for the wait. Don\'t retry the request automatically: it will keep failing until the window changes.',
  avoid: [
    'Disable the "send magic link" button in your UI for a short time after a successful send, and tell the user the email is on its way.',
    'Tell users to check their spam folder before they ask for another link.',
    'Show the address back after a send ("We sent a link to ada@example.com") and say how long the link lasts, so users wait for that email instead of asking again.',
    'In QA and automated testing, mock the magic-link endpoint instead of sending real links to one address over and over.',
  ],
} satisfies ErrorDoc;

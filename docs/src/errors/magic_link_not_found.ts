import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_not_found',
  title: 'Magic Link Not Found',
  summary: 'The service does not recognize this magic link. Request a fresh one.',
  whatItMeans: [
    'The token in the request has the right shape (43 characters of base64url), but the service has no record of it. Either this deployment never issued it, or it was issued long enough ago that its record has been removed. The service can\'t tell these cases apart.',
  ],
  whenYoullSeeThis: [
    'The link is old. Used and expired links are kept on record for a day or so, then removed; after that, the link reports this error instead of `magic_link_already_used` or `magic_link_expired`.',
    'The link was issued by a different deployment, for example a link from a staging email opened against the production API.',
    'The link was copied or retyped by hand and a character of the token changed on the way.',
    'Your sign-in page read the wrong value from the URL fragment and sent something that only looks like a token.',
  ],
  learnMore: [
    'The service stores only a hash of each link token, never the token itself, so a copy of its database can\'t be turned back into working links. Verifying a link means hashing the token and looking the hash up: a token that was never issued, or whose record is gone, simply finds nothing.',
    'A token with the wrong length or characters never gets this far: it is refused with `validation_failed` before any lookup. So this error means "well-formed, but unknown." In practice, the fix is always the same: request a fresh link.',
  ],
  quickFix: [
    'Go to your app\'s sign-in page and request a new magic link.',
    'Open the newest sign-in email and click its link directly, rather than copying or retyping the address.',
    'If you run more than one environment, check that the link and the app you are signing in to belong to the same one.',
  ],
  recovery:
    'UI-layer handling: don\'t retry, since the same token will fail the same way. Show a message that the link isn\'t valid and offer to send a new one. If this shows up for links that were just sent, log the first and last few characters of the token your sign-in page extracted and compare them with the link in the email; the usual culprit is the page reading the fragment wrongly or pointing at the wrong deployment.',
  avoid: [
    'Read the token from the fragment exactly as the service sends it (`#token=...`), for example with `new URLSearchParams(location.hash.slice(1)).get(\'token\')`, and send it unchanged.',
    'Point each environment\'s sign-in page at the API of the same environment, so links from one are never verified against another.',
    'Tell users in your sign-in UI that links are short-lived, so they request a new one instead of digging out old emails.',
  ],
} satisfies ErrorDoc;

import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_expired',
  title: 'Magic Link Expired',
  summary: 'This magic link is past its lifetime and can no longer sign anyone in. Request a fresh one.',
  whatItMeans: [
    'The service recognizes the token and it has not been used, but it is older than the link lifetime: 15 minutes by default, configurable by whoever deployed the service. Nobody has signed in with this link, and nobody can now.',
  ],
  whenYoullSeeThis: [
    'The user opened the sign-in email some time after requesting it, for example the next morning.',
    'The email itself arrived late, because of a slow mail server or a spam filter that held it.',
    'The user opened an older sign-in email instead of the newest one.',
    'Your sign-in page waits for a click before it posts the token, and the user left the page open too long.',
  ],
  learnMore: [
    'A magic link is a password that arrives by email, so the service keeps its life short. A short lifetime limits the damage if an inbox is read by someone else later, or if an old email leaks. The email itself tells the user how long the link lasts, and the `expires_in` field of the `POST /v1/auth/magic-link` response gives the same lifetime in seconds. Expiry is checked against the service\'s clock, not the user\'s device.',
    'Expired links are kept on record for about a day, so during that time callers get this precise error. After that, the link reports `magic_link_not_found`. A link that was used and is also past its lifetime reports `magic_link_already_used` instead.',
  ],
  quickFix: [
    'Go to your app\'s sign-in page and request a new magic link.',
    'Open the new email as soon as it arrives and click its link within the lifetime (15 minutes by default).',
    'If emails regularly arrive late, check your spam folder and ask whoever runs the service whether the lifetime suits your users.',
  ],
  recovery:
    'UI-layer handling: don\'t retry, since the link will not become valid again. Show "This link has expired" with a button to send a new one; if your app remembered the address it requested the link for, prefill it so the user can resend in one click (the verify error does not include the address).',
  avoid: [
    'Show the lifetime in your "check your email" screen, using `expires_in` from the magic-link response, so users know to act soon.',
    'Ask for one click and nothing more on the page the link opens: post the token when the person clicks "Sign in", and never before, since mail scanners open links in real browsers and run the page\'s script. The hosted page (`GET /sign-in`) and the drop-in module `client/sign-in.ts` work this way.',
    'Set up SPF, DKIM and DMARC for the sending domain so sign-in emails are not delayed or held as spam.',
  ],
} satisfies ErrorDoc;

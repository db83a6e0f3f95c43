import type { ErrorDoc } from '../error-doc';

export default {
  code: 'magic_link_already_used',
  title: 'Magic Link Already Used',
  summary: 'This magic link was already consumed. Each link is single-use: request a fresh one.',
  whatItMeans: [
    'The magic link token in the request was valid and the service recognizes it, but it was already used to complete a sign-in. Magic links are one-time tokens by design: once consumed, they can\'t be reused. The first sign-in succeeded; subsequent attempts with the same link get this error.',
  ],
  whenYoullSeeThis: [
    'The user clicked the magic link, was signed in, then clicked the same link again (e.g. from another device or another browser).',
    'A user clicked the link in their email, then later opened the same link from a bookmark or browser history.',
    'Your sign-in page sent the same token to `POST /v1/auth/verify` twice (for example after a page reload, or from code that runs twice), and the second call lost.',
    'An email security scanner opened the link in a full browser, and your sign-in page posted the token as soon as it loaded, before the user clicked. Scanners that only fetch the URL can\'t do this: the token is in the URL fragment, which is never sent to a server.',
  ],
  learnMore: [
    'Single-use is fundamental to magic-link security. If a link could be replayed, anyone with access to the email (intentionally or via a leak) could sign in indefinitely. By making each link one-shot, the service reduces the credential lifetime to a single click. This holds even under concurrent calls: when several verify requests carry the same token at once, exactly one signs in and the others get this error.',
    'In practice: this error usually means the user is already signed in elsewhere or just signed in moments ago. The fix is rarely "click the link again"; it\'s "request a fresh link" or "use your active session." A link that was used and is also past its lifetime reports this error rather than `magic_link_expired`. The service keeps used links on record for at least a day, so you get this precise error instead of `magic_link_not_found` during that time.',
  ],
  quickFix: [
    'If you\'re already signed in on another device or browser tab, use that session: you don\'t need a fresh link.',
    'If you need to sign in fresh, go to your app\'s sign-in page and request a new magic link.',
    'If a security scanner is consuming links before you see them, ask whoever runs your app for a sign-in page that waits for your click (as the service\'s hosted page does), or ask your IT team to exempt the page from link scanning.',
  ],
  recovery:
    'UI-layer handling, same shape as `magic_link_not_found`. Don\'t retry the call: the same token will fail the same way. If your app already holds a session token, check it with `GET /v1/auth/session` and carry on when it is still valid; otherwise show a message that the link was used and offer to send a new one.',
  avoid: [
    'After successful sign-in, send the user into your app immediately so they don\'t have time to re-click the link.',
    'Don\'t leave magic-link URLs in browser history where the user can re-trigger them: read the token once, then remove the fragment (for example with `history.replaceState`) before calling verify.',
    'Post the token only when the person clicks "Sign in" on your sign-in page, never before: scanners open links in full browsers and run the page\'s script. The hosted page (`GET /sign-in`) and the drop-in module `client/sign-in.ts` work this way. Bind each link to the requesting browser (`code_challenge`) as well, so a scanner that clicks gets `magic_link_device_mismatch` and the link stays usable.',
    'Communicate the single-use semantic in your sign-in UI ("This link can only be used once") so users aren\'t confused on repeat attempts.',
  ],
} satisfies ErrorDoc;

import type { ErrorDoc } from '../error-doc';

export default {
  code: 'sign_in_not_allowed',
  title: 'Sign In Not Allowed',
  summary: 'This deployment\'s sign-in policy does not let this address sign in.',
  whatItMeans: [
    'The link or code was valid, but the address it was mailed to is not one this deployment admits now: its domain is not in `allowedEmailDomains`, or the team\'s `beforeSignIn` function refused it (or failed, with `beforeSignInOnError: refuse`). No session was started and no user was made. A link is used up by this answer; a code is not, but it gets the same answer every time.',
  ],
  whenYoullSeeThis: [
    'The link was requested before the policy changed: the domain was removed from `allowedEmailDomains`, or the `beforeSignIn` function now refuses the address (an invitation withdrawn, an account suspended).',
    'The `beforeSignIn` function failed or did not answer within `beforeSignInTimeout`, and the deployment fails closed.',
  ],
  learnMore: [
    'The policy is checked when a link is requested and again when it is used. A request for a refused address answers the same `202` as any other and mails nothing, so no one learns from the request who may sign in; this error is answered only to someone holding a link or the right code, who received the mail.',
  ],
  quickFix: [
    'Sign in with an address this service admits, or ask the service\'s operators to admit this one.',
  ],
  recovery:
    'UI-layer handling: don\'t retry, the same address is refused the same way until the policy changes. Tell the person that this address cannot sign in here, and offer to use another one.',
  avoid: [
    'Tell people which addresses your service admits (for example "use your company address") next to the email field.',
    'Keep the `beforeSignIn` function fast and available: with the default `beforeSignInOnError: refuse`, its failures refuse sign-ins.',
  ],
} satisfies ErrorDoc;

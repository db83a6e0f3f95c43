/**
 * What each setting means, for the construct's props docs and the settings reference: the prose of
 * `lambdas/settings.ts`'s table, kept apart from it because every function bundles the table and none
 * reads its prose. The type makes a setting without its description a compile error.
 */
import type { SettingName } from './settings';

export interface SettingDoc {
  /** What the setting means. */
  readonly description: string;
  /** How the default reads in the props' `@default` doc, when it is not a plain value. */
  readonly defaultText?: string;
}

export const SETTING_DOCS: { readonly [N in SettingName]: SettingDoc } = {
  senderAddress: {
    description: 'The address sign-in emails come from. SES must be allowed to send as it: verify the address (or its domain) in SES before the first send.',
  },
  appName: {
    description: 'The name of your app or service, as the people signing in know it: the mail\'s subject ("Sign in to <appName>") and first line, and the hosted page\'s title and heading, so a reader can tell who is asking. 1 to 64 characters.',
  },
  brand: {
    description: 'Your look: `logoUrl` (an https image URL), `primaryColor` (the buttons\' colour, `#rrggbb`; refused unless white text on it has WCAG AA contrast, 4.5:1) and `support` (an email address or https URL, shown in the mail\'s footer). As context or environment variable: the same object as JSON.',
    defaultText: '- none: the service\'s own look, no support line',
  },
  defaultLocale: {
    description: 'The language of the mail when the request names no locale the deployment has and its `Accept-Language` matches none.',
  },
  signInUrl: {
    description: 'The page the emailed link opens, with `#token=...` in its fragment: the hosted page, or a page of your application that uses the sign-in module. Must be https (http is accepted for localhost) and carry no fragment.',
    defaultText: '- the hosted sign-in page, `<API URL>/sign-in`',
  },
  redirectUrls: {
    description: 'Where the hosted page may send a person after sign-in, with the session in the URL fragment, when the request names one as `redirect_to`. Matched exactly (scheme, host, port, path and query): no prefixes, no wildcards.',
    defaultText: '- none: the hosted page shows "You\'re signed in" instead',
  },
  allowedOrigins: {
    description: 'Browser origins allowed to call the API from another origin: API Gateway\'s CORS configuration. Never `*`.',
    defaultText: '- the origin of `signInUrl` (none for the hosted page, which is the API\'s own origin)',
  },
  linkLifetime: {
    description: 'How long a magic link works.',
  },
  sessionLifetime: {
    description: 'How long a session lasts.',
  },
  accessTokenLifetime: {
    description: 'How long an access token (the RS256 JWT that `verify` and `POST /v1/auth/token` return) is good for. Signing out stops new ones at once; one already issued works until it expires, so this is the most a signed-out session lasts for a backend that verifies tokens offline.',
  },
  issuer: {
    description: 'The access tokens\' `iss`, and where verifiers find `<issuer>/.well-known/openid-configuration` and the keys. Set it when the API is served under a custom domain.',
    defaultText: '- the API\'s URL',
  },
  audience: {
    description: 'The access tokens\' `aud`: what a verifier (API Gateway\'s JWT authorizer, `aws-jwt-verify`, `jose`) is told to expect.',
  },
  ipLimitPerHour: {
    description: 'Magic-link requests allowed per source IP (IPv6: per /64) per hour.',
  },
  emailLimitPerHour: {
    description: 'Magic-link requests one network (an IPv4 address, an IPv6 /64) may make for any one email address per hour. A stranger elsewhere cannot use up the owner\'s.',
  },
  inboxLimitPerHour: {
    description: 'Magic links mailed to one email address per hour from all networks together: the ceiling that protects an inbox from a flood spread over many networks.',
  },
  mailBudgetPerHour: {
    description: 'Sign-in emails the whole deployment may send per hour. Past it, requests answer `magic_link_capacity_exceeded` until the hour ends: a flood to addresses that bounce cannot get the SES account paused for everyone. Keep it under your SES sending quota.',
  },
  mailBudgetReservePercent: {
    description: 'The share of `mailBudgetPerHour` (percent) kept for returning people: addresses with a completed sign-in draw on it once the rest is spent, so a flood of new addresses cannot stop them signing in. A new address meanwhile gets the same answer and no mail (a caller cannot tell who has signed in before). The default keeps 200 of 1,000 mails an hour for returning people and 800 for everyone. 0 turns it off.',
  },
  networkBudgetPercent: {
    description: 'The most of `mailBudgetPerHour` (percent) one network (an IPv4 address, an IPv6 /64) may request in an hour: its request limit is the lower of this share (at least 1) and `ipLimitPerHour`. At the defaults both are 50, so one network can never take more than 5% of the hour\'s mail. 100 turns the share off (the `ipLimitPerHour` alone).',
  },
  challengeThresholdPercent: {
    description: 'How much of `mailBudgetPerHour` (percent) may be spent in an hour before every request must carry a solved proof-of-work challenge (`GET /v1/auth/challenge`); without one it answers `magic_link_challenge_required`. The hosted page and the sign-in module solve it by themselves. Half the budget is far above a normal hour for a budget sized for the busiest one. 100 never asks.',
  },
  challengeDifficulty: {
    description: 'The proof-of-work challenges\' `maxnumber`: a solver tries about half this many SHA-256 hashes: at the default a quarter of a second in a desktop browser (headless Chromium on 2 cores: median 0.26 s, at most 0.46 s over 10 challenges), some seconds on a slow phone, milliseconds for native code. It slows a flood; the reserve and the network share bound it.',
  },
  codeAttemptsPerHour: {
    description: 'Wrong one-time codes one network (an IPv4 address, an IPv6 /64) may enter for any one email address per hour. Past it, code entry for that address from that network is refused until the hour ends (links keep working; other networks keep their share); a new link does not reset the count.',
  },
  inboxCodeAttemptsPerHour: {
    description: 'Wrong one-time codes allowed for one email address per hour from all networks together: the ceiling on guessing an address\'s code, however many networks guess. At the defaults one network cannot lock a person\'s code entry (it takes four), and an address\'s live code is guessed with at most 20 in 10^6 per hour. Keep it above `codeAttemptsPerHour`.',
  },
  ipCodeAttemptsPerHour: {
    description: 'Wrong one-time codes allowed per source network (an IPv4 address, an IPv6 /64) per hour, across all addresses. Past it, code entry from that network answers `magic_link_code_ip_limit_exceeded` until the hour ends (links keep working): one network cannot spread its guesses over many addresses. `docs/threat-model.md` shows what it lets an attacker reach.',
  },
  allowedEmailDomains: {
    description: 'Who may sign in, by the domain of the address: exact domains (`example.com` admits `ada@example.com`, not `ada@eu.example.com`), compared in lower case and in punycode (an internationalized domain may be given either way). A request for any other address gets the same `202` and no mail; a link or code mailed before the list changed no longer signs in (`sign_in_not_allowed`).',
    defaultText: '- none: every address may sign in',
  },
  beforeSignInTimeout: {
    description: 'How long the request and verify functions wait for the `beforeSignIn` function\'s answer before treating it as failed (`beforeSignInOnError`).',
  },
  beforeSignInOnError: {
    description: 'What a failure of the `beforeSignIn` function means: an error it throws, an answer that is not `{"allow": true|false}`, or no answer within `beforeSignInTimeout`. `refuse` (fail closed) treats it as a refusal, `allow` lets the address sign in.',
  },
  docsBaseUrl: {
    description: 'Base of the `doc_url` in every error response: `<docsBaseUrl>/reference/errors/<code>`.',
  },
  tableRemovalPolicy: {
    description: 'What happens to the table (links, sessions, counters) when it leaves the stack. `retain` also turns on deletion protection.',
    defaultText: 'RemovalPolicy.RETAIN',
  },
};

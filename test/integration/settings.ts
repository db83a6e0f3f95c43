/**
 * What the integration suite deploys. Two copies of the real stack, because MiniStack reports every
 * HTTP API caller as 127.0.0.1 (docs/local-emulator.md): all test traffic shares one per-IP quota.
 *
 * - `main`: product defaults except a one-minute link lifetime (so expiry is observable), an IP
 *   limit, a per-network share of the mail budget, a proof-of-work threshold (none) and a per-network
 *   wrong-code cap high enough for the whole suite's traffic, one
 *   allowlisted redirect URL, a queue every lifecycle event is delivered to, two OpenID Connect
 *   clients (`OIDC_CLIENTS`), and an app name and brand (`TEST_BRAND`) for the page and the mail.
 * - `ipLimited`: an IP limit of 3, to exhaust it on purpose without starving the other tests; and the
 *   default per-network wrong-code cap, which only the test of that cap spends.
 * - `budget`: a mail budget of 3 per hour for the whole deployment, without a reserve, a network share or
 *   a proof of work: the budget alone.
 * - `pressure`: a mail budget of 40 an hour under the pressure rules: 10 kept for returning addresses, a
 *   proof of work asked once 10 are spent, 2 (5%) for any one network.
 * - `unverified`: a sender SES will not send as, so every send fails for real.
 * - `rotation`: product defaults; its test redeploys it to rotate the signing key.
 * - `policy`: who may sign in: two allowed domains and the suite's `beforeSignIn` function
 *   (`SIGN_IN_HOOK`, deployed first) with a 1 s timeout, failing closed; its test narrows the domains by
 *   redeploying it.
 */
/** The one page the main deployment may send people to after sign-in (the browser tests fulfil it). */
export const REDIRECT_URL = 'https://app.example.test/after';

/**
 * The main deployment's OpenID Connect clients: a public one (a single-page or native app: PKCE, no
 * secret) whose redirect URI is on loopback, and a confidential one (a server: a generated secret).
 * Nothing needs to listen at the redirect URIs: the tests read the code from the URL they are sent to.
 */
export const OIDC_CLIENTS = {
  public: { clientId: 'it-spa', name: 'Integration SPA', redirectUris: ['http://127.0.0.1:47813/callback'], type: 'public' },
  confidential: { clientId: 'it-server', name: 'Integration Server', redirectUris: ['https://rp.example.test/oidc/callback'], type: 'confidential' },
} as const;

/** The main deployment's look: a logo on a host of its own (the browser tests answer it), a colour, a support page. */
export const TEST_BRAND = { logoUrl: 'https://brand.example.test/logo.svg', primaryColor: '#4b1f8c', support: 'https://help.example.test/' } as const;

const common = {
  senderAddress: 'no-reply@example.com',
  signInUrl: 'http://127.0.0.1:3000/sign-in',
  emailLimitPerHour: '5',
  tableRemovalPolicy: 'destroy',
} as const;

export const TEST_STACKS = {
  main: {
    stackName: 'MagicLinkAuthIt',
    // eventQueue: a rule delivers every lifecycle event to a queue the events test reads.
    context: {
      ...common,
      linkLifetimeSeconds: '60',
      ipLimitPerHour: '100000',
      networkBudgetPercent: '100',
      challengeThresholdPercent: '100',
      ipCodeAttemptsPerHour: '100000',
      redirectUrls: REDIRECT_URL,
      eventQueue: 'true',
      oidcClients: JSON.stringify(Object.values(OIDC_CLIENTS)),
      appName: 'Integration Notes',
      brand: JSON.stringify(TEST_BRAND),
    },
  },
  ipLimited: { stackName: 'MagicLinkAuthItIp', context: { ...common, ipLimitPerHour: '3' } },
  // A deployment-wide mail budget of 3 an hour, to reach it on purpose.
  budget: { stackName: 'MagicLinkAuthItBudget', context: { ...common, mailBudgetPerHour: '3', mailBudgetReservePercent: '0', networkBudgetPercent: '100', challengeThresholdPercent: '100' } },
  // The pressure rules at a scale a test reaches: 40 an hour, 10 of them for returning addresses, a
  // proof of work past the first 10, 2 for any one network (the product's 5%).
  pressure: {
    stackName: 'MagicLinkAuthItPressure',
    context: { ...common, mailBudgetPerHour: '40', mailBudgetReservePercent: '25', challengeThresholdPercent: '25', networkBudgetPercent: '5' },
  },
  // Sends as an address no SES identity covers (it refers to an identity that does not exist), so
  // every send is really refused: the failed-send path, end to end.
  // Rotated for real by its own test (redeployed with signingKeyGeneration 2, then 3): nothing else uses it.
  rotation: { stackName: 'MagicLinkAuthItRotation', context: { ...common } },
  policy: { stackName: 'MagicLinkAuthItPolicy', context: { ...common, allowedEmailDomains: 'example.com,later-refused.test', beforeSignInTimeoutSeconds: '1' } },
  unverified: {
    stackName: 'MagicLinkAuthItNoSender',
    context: { ...common, senderAddress: 'no-reply@unverified.example', emailIdentityName: 'unverified.example' },
  },
} as const;

export type TestStack = keyof typeof TEST_STACKS;

/** The `beforeSignIn` function the `policy` deployment names (`test/integration/sign-in-hook`), deployed before it. */
export const SIGN_IN_HOOK = { appDir: 'test/integration/sign-in-hook', stackName: 'SignInHookIt' } as const;
/** Where global setup leaves that function's ARN (the policy test redeploys with it). */
export const SIGN_IN_HOOK_KEY = 'MAGIC_LINK_IT_SIGN_IN_HOOK';

/** The example app (`examples/protected-api`), deployed next to `main` and trusting its tokens. */
export const PROTECTED_API = { appDir: 'examples/protected-api', stackName: 'ProtectedApiIt' } as const;

/** What global setup tells the test files about the example's deployment. */
export interface ProtectedApiDeployment {
  readonly apiBaseUrl: string;
  /** Where the route's function logs (one `START RequestId:` line per invocation). */
  readonly logGroupName: string;
}

/** Where global setup leaves the deployments for the test files (environment variables cross into workers). */
export const ENV_KEY = 'MAGIC_LINK_IT_DEPLOYMENTS';
export const PROTECTED_API_KEY = 'MAGIC_LINK_IT_PROTECTED_API';

/**
 * The loopback port whose origin the main deployment allows cross-origin (besides its signInUrl's):
 * global setup picks a free one before deploying, the CORS browser test serves its page there.
 */
export const CORS_PORT_KEY = 'MAGIC_LINK_IT_CORS_PORT';

/** What the integration suite deploys: the product defaults, except a one-minute link lifetime. */
export const TEST_STACK = 'MagicLinkAuthIt';
export const TEST_CONTEXT = {
  senderAddress: 'no-reply@example.com',
  signInUrl: 'http://127.0.0.1:3000/sign-in',
  linkLifetimeSeconds: '60',
  ipLimitPerHour: '50',
  emailLimitPerHour: '5',
  tableRemovalPolicy: 'destroy',
} as const;

/** Where global setup leaves the deployment for the test files (environment variables cross into workers). */
export const ENV_KEY = 'MAGIC_LINK_IT_DEPLOYMENT';

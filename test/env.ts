/**
 * The environment the unit tests' functions start with: what the CDK construct would set.
 * Logs and metrics (the embedded-metric-format lines) are silenced here; the logging and metrics
 * tests turn them back on for themselves.
 */
Object.assign(process.env, {
  TABLE_NAME: 'magic-link-auth-test',
  SENDER_ADDRESS: 'no-reply@example.com',
  APP_NAME: 'Example App',
  SES_CONFIGURATION_SET: 'magic-link-auth',
  CODE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CodeSecret-AbCdEf',
  SIGNING_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/22222222-2222-4222-8222-222222222222',
  PUBLIC_KEY_ARNS: [1, 2, 3].map((g) => `arn:aws:kms:eu-west-1:123456789012:key/${g}${g}${g}${g}${g}${g}${g}${g}-${g}${g}${g}${g}-4${g}${g}${g}-8${g}${g}${g}-${`${g}`.repeat(12)}`).join(','),
  ISSUER: 'https://auth.example.com',
  SIGN_IN_URL: 'https://app.example.com/sign-in',
  LINK_LIFETIME_SECONDS: '900',
  SESSION_LIFETIME_SECONDS: '604800',
  IP_LIMIT_PER_HOUR: '50',
  EMAIL_LIMIT_PER_HOUR: '5',
  DOCS_BASE_URL: 'https://docs.asterwise.com',
  OIDC_CLIENTS: JSON.stringify([
    { clientId: 'spa-app', name: 'Example App', redirectUris: ['https://app.example.com/callback'], type: 'public' },
    { clientId: 'server-app', name: 'Example Server', redirectUris: ['https://server.example.com/oidc/callback'], type: 'confidential' },
  ]),
  OIDC_CLIENT_SECRET_ARNS: JSON.stringify({ 'server-app': 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ServerApp-AbCdEf' }),
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});

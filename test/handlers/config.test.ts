import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseConfig } from '../../lambdas/config';
import { apiEvent, invoke } from '../../scripts/local/api-events';
import { expectError } from '../fixtures/assertions';
import { captureLogs } from '../fixtures/logs';

const base = {
  TABLE_NAME: 't',
  SENDER_ADDRESS: 'no-reply@example.com',
  APP_NAME: 'Example App',
  SIGN_IN_URL: 'https://app.example.com/sign-in',
  CODE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:code',
  SIGNING_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/k2',
  PUBLIC_KEY_ARNS: 'arn:aws:kms:eu-west-1:123456789012:key/k1, arn:aws:kms:eu-west-1:123456789012:key/k2,arn:aws:kms:eu-west-1:123456789012:key/k3',
  ISSUER: 'https://auth.example.com/',
};

describe('configuration', () => {
  it('applies the product defaults', () => {
    expect(parseConfig(base)).toEqual({
      tableName: 't',
      senderAddress: 'no-reply@example.com',
      appName: 'Example App',
      brand: {},
      defaultLocale: 'en',
      sesConfigurationSet: undefined,
      codeSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:code',
      signingKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k2',
      publicKeyArns: ['arn:aws:kms:eu-west-1:123456789012:key/k1', 'arn:aws:kms:eu-west-1:123456789012:key/k2', 'arn:aws:kms:eu-west-1:123456789012:key/k3'],
      accessTokenLifetimeSeconds: 600,
      issuer: 'https://auth.example.com',
      audience: 'magic-link-auth',
      signInUrl: 'https://app.example.com/sign-in',
      redirectUrls: [],
      linkLifetimeSeconds: 900,
      sessionLifetimeSeconds: 604_800,
      ipLimitPerHour: 50,
      emailLimitPerHour: 5,
      inboxLimitPerHour: 20,
      mailBudgetPerHour: 1000,
      mailBudgetReservePercent: 20,
      networkBudgetPercent: 5,
      challengeThresholdPercent: 50,
      challengeDifficulty: 100_000,
      codeAttemptsPerHour: 5,
      inboxCodeAttemptsPerHour: 20,
      ipCodeAttemptsPerHour: 20,
      allowedEmailDomains: [],
      beforeSignInTimeoutSeconds: 2,
      beforeSignInOnError: 'refuse',
      beforeSignInFunctionArn: undefined,
      docsBaseUrl: 'https://docs.asterwise.com',
      // No OpenID Connect client registered: none to authorize, no secret to read.
      oidcClients: [],
      oidcClientSecretArns: {},
      // No team templates: every locale's mail is the shipped one.
      mailTemplates: {},
    });
  });

  it.each([
    [{ TABLE_NAME: '' }, 'TABLE_NAME is required but not set'],
    [{ CODE_SECRET_ARN: '' }, 'CODE_SECRET_ARN is required but not set'],
    [{ SIGNING_KEY_ARN: '' }, 'SIGNING_KEY_ARN is required but not set'],
    [{ ISSUER: '' }, 'ISSUER is required but not set'],
    [{ ACCESS_TOKEN_LIFETIME_SECONDS: '3601' }, 'ACCESS_TOKEN_LIFETIME_SECONDS must be a whole number from 60 to 3600 seconds'],
    [{ AUDIENCE: 'two words' }, 'AUDIENCE must be 1 to 256 printable characters without spaces or commas'],
    [{ CODE_ATTEMPTS_PER_HOUR: '101' }, 'CODE_ATTEMPTS_PER_HOUR must be a whole number from 1 to 100'],
    [{ SENDER_ADDRESS: 'nobody' }, 'SENDER_ADDRESS must be a valid email address'],
    [{ APP_NAME: '' }, 'APP_NAME is required but not set'],
    [{ BRAND: '{"primaryColor":"blue"}' }, 'BRAND primaryColor must be a hex colour'],
    [{ BRAND: 'not json' }, 'BRAND must be JSON'],
    [{ DEFAULT_LOCALE: 'xx' }, 'DEFAULT_LOCALE must be one of "en", "de", "fr", "es", "pt-BR", "ja", "ar"'],
    [{ SIGN_IN_URL: 'http://app.example.com/sign-in' }, 'SIGN_IN_URL must use https'],
    [{ SIGN_IN_URL: 'https://app.example.com/sign-in#x' }, 'SIGN_IN_URL must not contain a fragment'],
    [{ SIGN_IN_URL: 'sign-in' }, 'SIGN_IN_URL must be an absolute URL'],
    [{ LINK_LIFETIME_SECONDS: '15m' }, 'LINK_LIFETIME_SECONDS must be a whole number'],
    [{ LINK_LIFETIME_SECONDS: '10' }, 'LINK_LIFETIME_SECONDS must be a whole number from 60 to 86400 seconds'],
    [{ EMAIL_LIMIT_PER_HOUR: '0' }, 'EMAIL_LIMIT_PER_HOUR must be a whole number from 1 to 1000000'],
  ])('names the variable when %o is bad', (override, message) => {
    expect(() => parseConfig({ ...base, ...override })).toThrow(message);
  });

  it('allows http only on loopback, for local emulators', () => {
    expect(parseConfig({ ...base, SIGN_IN_URL: 'http://127.0.0.1:3000/sign-in' }).signInUrl).toBe('http://127.0.0.1:3000/sign-in');
  });

  it('fails the first invocation with internal_error and logs the variable, not the request', async () => {
    const saved = { ...process.env };
    const { entries } = await captureLogs(async () => {
      try {
        delete process.env.TABLE_NAME;
        process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
        let handler: unknown;
        jest.isolateModules(() => {
          handler = require('../../lambdas/handlers/verify').handler; // eslint-disable-line @typescript-eslint/no-require-imports
        });
        const event: APIGatewayProxyEventV2 = apiEvent({ path: '/v1/auth/verify', body: { token: 'x'.repeat(43) } });
        expectError(await invoke(handler, event), 'internal_error');
      } finally {
        process.env = saved;
      }
    });
    expect(entries).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'configuration invalid',
        outcome: 'internal_error',
        problem: 'Invalid configuration: TABLE_NAME is required but not set',
      }),
    ]);
  });
});

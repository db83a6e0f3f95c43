import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { parseConfig } from '../../lambdas/config';
import { RUNTIME_SETTING_NAMES, SETTINGS, SETTING_NAMES, envName, textName, type SettingKind, type SettingSpec } from '../../lambdas/settings';
import { MagicLinkAuth } from '../../lib/magic-link-auth';
import { resolveSettingValues } from '../../lambdas/settings-resolver';
import { originOf, resolveSettings, settingsFromContext } from '../../lib/settings';
import { DEFAULT_APP_NAME, propsFromContext } from '../../lib/magic-link-auth-stack';

const required = { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl: 'https://app.example.com/sign-in' };
const FACTS = { hostedSignInUrl: 'https://api.example.com/sign-in', apiUrl: 'https://api.example.com' };
const spec = (name: (typeof SETTING_NAMES)[number]) => SETTINGS[name] as SettingSpec<unknown>;

describe('the settings schema', () => {
  it('derives one name per setting for every layer', () => {
    expect(SETTING_NAMES.map((name) => [name, textName(name), SETTINGS[name].runtime ? envName(name) : null])).toEqual([
      ['senderAddress', 'senderAddress', 'SENDER_ADDRESS'],
      ['appName', 'appName', 'APP_NAME'],
      ['brand', 'brand', 'BRAND'],
      ['defaultLocale', 'defaultLocale', 'DEFAULT_LOCALE'],
      ['signInUrl', 'signInUrl', 'SIGN_IN_URL'],
      ['redirectUrls', 'redirectUrls', 'REDIRECT_URLS'],
      ['allowedOrigins', 'allowedOrigins', null],
      ['linkLifetime', 'linkLifetimeSeconds', 'LINK_LIFETIME_SECONDS'],
      ['sessionLifetime', 'sessionLifetimeSeconds', 'SESSION_LIFETIME_SECONDS'],
      ['accessTokenLifetime', 'accessTokenLifetimeSeconds', 'ACCESS_TOKEN_LIFETIME_SECONDS'],
      ['issuer', 'issuer', 'ISSUER'],
      ['audience', 'audience', 'AUDIENCE'],
      ['ipLimitPerHour', 'ipLimitPerHour', 'IP_LIMIT_PER_HOUR'],
      ['emailLimitPerHour', 'emailLimitPerHour', 'EMAIL_LIMIT_PER_HOUR'],
      ['inboxLimitPerHour', 'inboxLimitPerHour', 'INBOX_LIMIT_PER_HOUR'],
      ['mailBudgetPerHour', 'mailBudgetPerHour', 'MAIL_BUDGET_PER_HOUR'],
      ['mailBudgetReservePercent', 'mailBudgetReservePercent', 'MAIL_BUDGET_RESERVE_PERCENT'],
      ['networkBudgetPercent', 'networkBudgetPercent', 'NETWORK_BUDGET_PERCENT'],
      ['challengeThresholdPercent', 'challengeThresholdPercent', 'CHALLENGE_THRESHOLD_PERCENT'],
      ['challengeDifficulty', 'challengeDifficulty', 'CHALLENGE_DIFFICULTY'],
      ['codeAttemptsPerHour', 'codeAttemptsPerHour', 'CODE_ATTEMPTS_PER_HOUR'],
      ['inboxCodeAttemptsPerHour', 'inboxCodeAttemptsPerHour', 'INBOX_CODE_ATTEMPTS_PER_HOUR'],
      ['ipCodeAttemptsPerHour', 'ipCodeAttemptsPerHour', 'IP_CODE_ATTEMPTS_PER_HOUR'],
      ['allowedEmailDomains', 'allowedEmailDomains', 'ALLOWED_EMAIL_DOMAINS'],
      ['beforeSignInTimeout', 'beforeSignInTimeoutSeconds', 'BEFORE_SIGN_IN_TIMEOUT_SECONDS'],
      ['beforeSignInOnError', 'beforeSignInOnError', 'BEFORE_SIGN_IN_ON_ERROR'],
      ['docsBaseUrl', 'docsBaseUrl', 'DOCS_BASE_URL'],
      ['tableRemovalPolicy', 'tableRemovalPolicy', null],
    ]);
  });

  it.each(SETTING_NAMES.filter((name) => spec(name).default !== undefined))('has a default for %s that its own rule accepts unchanged', (name) => {
    const { kind, default: value } = spec(name);
    expect(kind.check(value)).toEqual({ ok: true, value });
    expect(kind.fromText(kind.toText(value))).toEqual({ ok: true, value });
  });

  it('applies one rule in the construct and the context: a query string in an origin is refused by both', () => {
    const origin = 'https://admin.example.com?x=1';
    expect(() => resolveSettings({ ...required, allowedOrigins: [origin] }, FACTS)).toThrow('MagicLinkAuth: allowedOrigins must be origins without a path or query');
    expect(() => settingsFromContext({ tryGetContext: (key) => ({ ...required, allowedOrigins: origin })[key as 'allowedOrigins'] })).toThrow(
      'context allowedOrigins must be origins without a path or query',
    );
    // API Gateway answers CORS: the functions are not told the origins at all.
    expect(resolveSettings({ ...required, allowedOrigins: ['https://admin.example.com'] }, FACTS).environment.ALLOWED_ORIGINS).toBeUndefined();
  });

  it('round-trips: what the construct hands the functions is what they parse back', () => {
    const { environment } = resolveSettings({ ...required, linkLifetime: Duration.minutes(10), docsBaseUrl: 'https://docs.example.com/' }, FACTS);
    expect(Object.keys(environment).sort()).toEqual(RUNTIME_SETTING_NAMES.map(envName).sort());
    const config = parseConfig({ ...environment, TABLE_NAME: 't', CODE_SECRET_ARN: 'arn:secret', SIGNING_KEY_ARN: 'arn:key/2', PUBLIC_KEY_ARNS: 'arn:key/2,arn:key/3' });
    expect(config).toMatchObject({ linkLifetimeSeconds: 600, docsBaseUrl: 'https://docs.example.com', emailLimitPerHour: 5, issuer: FACTS.apiUrl });
  });
});

describe('one resolver for the construct and the functions', () => {
  const deployment = { ...FACTS, originOf };
  const check = (kind: SettingKind<unknown>, value: unknown) => kind.check(value);

  it('takes a given value over any default, else the deployment default where the deployment is known, else the default', () => {
    const given = { signInUrl: 'https://app.example.com/sign-in', ipLimitPerHour: 7 } as Record<string, unknown>;
    const names = ['signInUrl', 'allowedOrigins', 'ipLimitPerHour', 'emailLimitPerHour'] as const;
    expect(resolveSettingValues(names, (name) => given[name], { check, deployment })).toEqual({
      ok: true,
      values: { signInUrl: 'https://app.example.com/sign-in', allowedOrigins: ['https://app.example.com'], ipLimitPerHour: 7, emailLimitPerHour: 5 },
    });
    // The functions do not know the deployment: they must be given the sign-in URL.
    expect(resolveSettingValues(['signInUrl'], () => undefined, { check })).toEqual({ ok: false, name: 'signInUrl', missing: true, problem: 'is required' });
  });

  it('allows no other origin for the hosted page, which is served from the API itself', () => {
    expect(resolveSettings({ senderAddress: required.senderAddress, appName: required.appName }, FACTS).values).toMatchObject({ signInUrl: FACTS.hostedSignInUrl, allowedOrigins: undefined });
  });

  it('reads the origin of a literal sign-in URL at synth, and of a Token at deploy time', () => {
    expect(originOf('https://app.example.com:8443/a/sign-in?x=1')).toBe('https://app.example.com:8443');
    const stack = new Stack(new App(), 'Origin');
    const token = ssm.StringParameter.valueForStringParameter(stack, '/auth/sign-in-url');
    expect(JSON.stringify(stack.resolve(originOf(token)))).toMatch(/Fn::Join.*Fn::Select.*Fn::Split/);
  });
});

describe('the construct with values known only at deploy time (Tokens)', () => {
  function synthWithTokens() {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Tokens');
    const sender = ssm.StringParameter.valueForStringParameter(stack, '/auth/sender');
    const signInUrl = ssm.StringParameter.valueForStringParameter(stack, '/auth/sign-in-url');
    const limit = ssm.StringParameter.valueForTypedStringParameterV2(stack, '/auth/limit');
    new MagicLinkAuth(stack, 'Auth', { senderAddress: sender, appName: 'Example App', signInUrl, emailLimitPerHour: Number(limit) || 3 });
    return Template.fromStack(stack);
  }

  it('synthesizes with a sender address and sign-in URL read from SSM, and hands the Tokens to the functions', () => {
    const template = synthWithTokens();
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0]!;
    const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
    expect(variables.SENDER_ADDRESS).toEqual({ Ref: expect.stringMatching(/^SsmParameterValueauthsender/) });
    expect(variables.SIGN_IN_URL).toEqual({ Ref: expect.stringMatching(/^SsmParameterValueauthsigninurl/) });
    // The default origin derives from the sign-in URL, which is not known yet: API Gateway's CORS
    // configuration derives it at deploy time.
    const api = Object.values(template.findResources('AWS::ApiGatewayV2::Api'))[0]!;
    expect(JSON.stringify(api.Properties.CorsConfiguration.AllowOrigins)).toContain('SsmParameterValueauthsigninurl');
  });

  it('still refuses a bad literal and names the prop', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Bad');
    const sender = ssm.StringParameter.valueForStringParameter(stack, '/auth/sender');
    expect(() => new MagicLinkAuth(stack, 'Auth', { senderAddress: sender, appName: 'Example App', signInUrl: 'http://app.example.com' })).toThrow('MagicLinkAuth: signInUrl must use https');
    expect(() => new MagicLinkAuth(stack, 'Auth2', { senderAddress: sender, appName: 'Example App', signInUrl: 'https://app.example.com', linkLifetime: Duration.millis(1500) })).toThrow(
      'MagicLinkAuth: linkLifetime must be a whole number from 60 to 86400 seconds, got 1.5',
    );
  });
});

describe('who is asking: appName, brand and defaultLocale', () => {
  it('requires appName, naming the prop; the repository\'s app gives a default one', () => {
    expect(() => resolveSettings({ senderAddress: required.senderAddress } as never, FACTS)).toThrow('MagicLinkAuth: appName is required');
    expect(propsFromContext({ tryGetContext: (key) => (key === 'senderAddress' ? required.senderAddress : undefined) }).appName).toBe(DEFAULT_APP_NAME);
    expect(propsFromContext({ tryGetContext: (key) => ({ senderAddress: required.senderAddress, appName: 'Acme' })[key as 'appName'] }).appName).toBe('Acme');
    expect(() => resolveSettings({ ...required, appName: 'Line\nbreak' }, FACTS)).toThrow('MagicLinkAuth: appName must be a name without control characters');
  });

  it('refuses a primary colour under WCAG AA contrast with the button text, with the measured ratio', () => {
    // #777777 on white is 4.478...:1, just under AA (shown rounded down).
    expect(() => resolveSettings({ ...required, brand: { primaryColor: '#777' } }, FACTS)).toThrow(
      'MagicLinkAuth: brand primaryColor #777777 has a contrast ratio of 4.47:1 with the button text (#ffffff); WCAG AA needs at least 4.5:1',
    );
    expect(() => resolveSettings({ ...required, brand: { primaryColor: '#ffcc00' } }, FACTS)).toThrow('contrast ratio of 1.51:1');
    expect(resolveSettings({ ...required, brand: { primaryColor: '#1A56DB' } }, FACTS).values.brand).toEqual({ primaryColor: '#1a56db' });
  });

  it('takes a logo over https only, and a support address or https URL', () => {
    expect(() => resolveSettings({ ...required, brand: { logoUrl: 'http://cdn.example.com/logo.png' } }, FACTS)).toThrow('MagicLinkAuth: brand logoUrl must be an https URL');
    expect(() => resolveSettings({ ...required, brand: { support: 'call us' } }, FACTS)).toThrow('MagicLinkAuth: brand support must be an email address or an https URL');
    expect(() => resolveSettings({ ...required, brand: { colour: '#000' } as never }, FACTS)).toThrow('MagicLinkAuth: brand has no field "colour"');
    const { environment } = resolveSettings({ ...required, brand: { logoUrl: 'https://cdn.example.com/logo.png', support: 'Help@Example.com' } }, FACTS);
    expect(JSON.parse(environment.BRAND!)).toEqual({ logoUrl: 'https://cdn.example.com/logo.png', support: 'help@example.com' });
  });

  it('takes a default locale from the declared locales only', () => {
    expect(resolveSettings(required, FACTS).values.defaultLocale).toBe('en');
    expect(resolveSettings({ ...required, defaultLocale: 'pt-BR' }, FACTS).environment.DEFAULT_LOCALE).toBe('pt-BR');
    expect(() => resolveSettings({ ...required, defaultLocale: 'pt' as never }, FACTS)).toThrow('MagicLinkAuth: defaultLocale must be one of "en", "de"');
  });
});

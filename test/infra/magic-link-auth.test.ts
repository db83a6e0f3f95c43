import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ses from 'aws-cdk-lib/aws-ses';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MagicLinkAuth, ROUTE_THROTTLE_DEFAULTS, type MagicLinkAuthProps } from '../../lib/magic-link-auth';
import { MagicLinkAuthStack, propsFromContext } from '../../lib/magic-link-auth-stack';
import { ROUTES } from '../../lambdas/contract/routes';

const required: MagicLinkAuthProps = { senderAddress: 'no-reply@example.com', signInUrl: 'https://app.example.com/sign-in' };

/** Synthesizes without bundling: these tests read the template, not the code. */
function synth(props: Partial<MagicLinkAuthProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MagicLinkAuthStack(app, 'Test', { auth: { ...required, ...props } });
  return { stack, template: Template.fromStack(stack) };
}

const { stack, template } = synth();
const functions = template.findResources('AWS::Lambda::Function');
/** One function per handler (the hosted page's three routes share one), plus the fallback. */
const FUNCTION_COUNT = new Set(ROUTES.map((route) => route.handler)).size + 1;

/** The IAM statements attached to the role of the function whose handler file is `name`. */
function statementsOf(name: string): Record<string, unknown>[] {
  const logicalId = Object.keys(functions).find((id) => id.startsWith(`MagicLinkAuth${name}`) && !id.includes('Logs'))!;
  const roleRef = (functions[logicalId]!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleRef))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

describe('MagicLinkAuth', () => {
  it('routes each public route to its own function and everything else to the fallback', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    expect(Object.values(routes).map((route) => route.Properties.RouteKey).sort()).toEqual(
      [...ROUTES.map((route) => `${route.method} ${route.path}`), '$default'].sort(),
    );
    template.resourceCountIs('AWS::Lambda::Function', FUNCTION_COUNT);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('requestId') }),
    });
  });

  it('throttles each route on its own, sign-in and sessions with the most room, and the stage after its routes', () => {
    const [stageId, stage] = Object.entries(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    expect(Object.keys(settings).sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    const rate = (key: string) => settings[key]!.ThrottlingRateLimit;
    expect(rate('POST /v1/auth/verify')).toBeGreaterThan(rate('POST /v1/auth/magic-link'));
    expect(rate('GET /v1/auth/session')).toBeGreaterThan(rate('POST /v1/auth/magic-link'));
    expect(rate('POST /v1/auth/magic-link')).toBeGreaterThan(10); // the $default fallback's
    for (const route of ROUTES) {
      const defaults = ROUTE_THROTTLE_DEFAULTS[route.operationId];
      expect(settings[`${route.method} ${route.path}`]).toEqual({ ThrottlingRateLimit: defaults.rateLimit, ThrottlingBurstLimit: defaults.burstLimit });
    }
    const routeIds = Object.keys(template.findResources('AWS::ApiGatewayV2::Route')).filter((id) => !id.includes('Default'));
    expect(template.toJSON().Resources[stageId].DependsOn).toEqual(expect.arrayContaining(routeIds.filter((id) => template.toJSON().Resources[id].Properties.RouteKey !== '$default')));
  });

  it('takes per-route throttles and opt-in reserved concurrency from props', () => {
    const custom = synth({ routeThrottles: { verify: { rateLimit: 500, burstLimit: 1000 } }, reservedConcurrency: { verify: 20, 'get-session': 20 } }).template;
    const stage = Object.values(custom.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(stage.Properties.RouteSettings['POST /v1/auth/verify']).toEqual({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 });
    expect(stage.Properties.RouteSettings['POST /v1/auth/magic-link']).toEqual({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    const reserved = Object.entries(custom.findResources('AWS::Lambda::Function'))
      .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions !== undefined)
      .map(([id, fn]) => [id.replace(/^MagicLinkAuth/, '').replace(/[0-9A-F]{8}$/, ''), fn.Properties.ReservedConcurrentExecutions]);
    expect(reserved.sort()).toEqual([['GetSession', 20], ['Verify', 20]]);
    for (const fn of Object.values(functions)) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('runs every function on nodejs22.x, arm64, with source maps and a retained log group', () => {
    expect(Object.keys(functions)).toHaveLength(FUNCTION_COUNT);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Timeout: 10,
        Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('keeps the table: on-demand, TTL on `ttl`, point-in-time recovery, retained and protected', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('can let the table go with the stack when asked', () => {
    synth({ tableRemovalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('creates the SES identity and a configuration set', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'no-reply@example.com' });
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });

  it('uses an existing SES identity when given one', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const own = new Stack(app, 'Own');
    new MagicLinkAuth(own, 'Auth', { ...required, emailIdentity: ses.EmailIdentity.fromEmailIdentityName(own, 'Domain', 'example.com') });
    const ownTemplate = Template.fromStack(own);
    ownTemplate.resourceCountIs('AWS::SES::EmailIdentity', 0);
    expect(JSON.stringify(ownTemplate.findResources('AWS::IAM::Policy'))).toContain(':identity/example.com');
  });

  it('passes the configuration to the functions', () => {
    const custom = synth({
      linkLifetime: Duration.minutes(10),
      sessionLifetime: Duration.days(1),
      ipLimitPerHour: 20,
      emailLimitPerHour: 3,
      docsBaseUrl: 'https://docs.example.com/',
      allowedOrigins: ['https://app.example.com', 'https://admin.example.com'],
    }).template;
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SENDER_ADDRESS: 'no-reply@example.com',
          SIGN_IN_URL: 'https://app.example.com/sign-in',
          ALLOWED_ORIGINS: 'https://app.example.com,https://admin.example.com',
          LINK_LIFETIME_SECONDS: '600',
          SESSION_LIFETIME_SECONDS: '86400',
          IP_LIMIT_PER_HOUR: '20',
          EMAIL_LIMIT_PER_HOUR: '3',
          DOCS_BASE_URL: 'https://docs.example.com',
        }),
      },
    });
  });

  it('defaults signInUrl to the hosted page on its own API, and serves that page from a function with no AWS access', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const own = new Stack(app, 'Hosted');
    const auth = new MagicLinkAuth(own, 'Auth', { senderAddress: 'no-reply@example.com' });
    const hosted = Template.fromStack(own);
    const variables = Object.values(hosted.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties.Environment.Variables);
    const signInUrl = JSON.stringify(own.resolve(variables[0].SIGN_IN_URL));
    expect(signInUrl).toContain(own.resolve(auth.api.apiId).Ref);
    expect(signInUrl).toMatch(/\/sign-in"\]\]\}$/);
    // The default origin derives from a URL known only at deploy time: the functions derive it at start.
    expect(variables[0].ALLOWED_ORIGINS).toBeUndefined();
    const routes = Object.values(hosted.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey);
    expect(routes).toEqual(expect.arrayContaining(['GET /sign-in', 'GET /sign-in/app.js', 'GET /sign-in/app.css']));
  });

  it.each([
    [{ senderAddress: 'nobody' }, 'senderAddress must be a valid email address'],
    [{ signInUrl: 'http://app.example.com/sign-in' }, 'signInUrl must use https'],
    [{ signInUrl: 'https://app.example.com/#/sign-in' }, 'signInUrl must not contain a fragment'],
    [{ allowedOrigins: ['*'] }, 'allowedOrigins must list origins'],
    [{ linkLifetime: Duration.seconds(5) }, 'linkLifetime must be a whole number from 60 to 86400 seconds'],
    [{ emailLimitPerHour: 0 }, 'emailLimitPerHour must be a whole number from 1'],
    [{ ipLimitPerHour: 2.5 }, 'ipLimitPerHour must be a whole number'],
  ])('refuses %o at synth time, naming the prop', (props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  describe('least privilege', () => {
    /** Each table statement as action, key prefixes, the attributes it may name and the ReturnValues it may ask for. */
    const tableAccess = (name: string) =>
      statementsOf(name)
        .filter((statement) => String(statement.Action).startsWith('dynamodb:') && statement.Action !== 'dynamodb:Query')
        .map((statement) => {
          const condition = statement.Condition as Record<string, Record<string, unknown>>;
          return {
            Action: statement.Action,
            Keys: condition['ForAllValues:StringLike']!['dynamodb:LeadingKeys'],
            Attributes: condition['ForAllValues:StringEquals']!['dynamodb:Attributes'],
            ReturnValues: condition.StringEqualsIfExists?.['dynamodb:ReturnValues'],
          };
        });
    const COUNTER = ['pk', 'cnt', 'ttl'];
    const LINK = ['pk', 'email', 'user_hash', 'link_expires_at', 'created_at', 'challenge', 'redirect_to', 'ttl'];
    const SIGN_IN = [...LINK, 'used_at', 'session_hash', 'session_expires_at', 'revoked_at'];

    it('lets the request function count (rl#), create links without any session attribute (signin#) and their codes (code#), and undo both', () => {
      expect(tableAccess('RequestMagicLink')).toEqual([
        { Action: 'dynamodb:UpdateItem', Keys: ['rl#*'], Attributes: COUNTER, ReturnValues: ['NONE'] },
        { Action: 'dynamodb:PutItem', Keys: ['signin#*'], Attributes: LINK, ReturnValues: ['NONE'] },
        { Action: 'dynamodb:PutItem', Keys: ['code#*'], Attributes: ['pk', 'signin', 'redirect_to', 'ttl'], ReturnValues: ['NONE'] },
        { Action: 'dynamodb:DeleteItem', Keys: ['signin#*'], Attributes: ['pk', 'used_at'], ReturnValues: ['NONE'] },
        { Action: 'dynamodb:DeleteItem', Keys: ['code#*'], Attributes: ['pk'], ReturnValues: ['NONE'] },
      ]);
    });

    it('lets verify consume sign-ins, look codes up, and count and check wrong codes, nothing else', () => {
      expect(tableAccess('Verify')).toEqual([
        { Action: 'dynamodb:UpdateItem', Keys: ['signin#*'], Attributes: SIGN_IN, ReturnValues: ['NONE', 'ALL_NEW'] },
        { Action: 'dynamodb:GetItem', Keys: ['code#*'], Attributes: ['pk', 'signin', 'redirect_to', 'ttl'], ReturnValues: undefined },
        { Action: ['dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'], Keys: ['rl#*'], Attributes: COUNTER, ReturnValues: ['NONE'] },
      ]);
    });

    it('lets only the request and verify functions read the code secret', () => {
      const secretReaders = (name: string) => statementsOf(name).filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager:'));
      for (const name of ['RequestMagicLink', 'Verify']) {
        expect(secretReaders(name)).toEqual([
          expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: expect.stringMatching(/^MagicLinkAuthCodeSecret/) } }),
        ]);
      }
      for (const name of ['GetSession', 'SignOut', 'Openapi', 'Fallback']) expect(secretReaders(name)).toEqual([]);
      template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }) });
    });

    it('gives GetSession only dynamodb:GetItem of the session fields of sign-in records', () => {
      expect(tableAccess('GetSession')).toEqual([
        { Action: 'dynamodb:GetItem', Keys: ['signin#*'], Attributes: ['pk', 'email', 'session_hash', 'session_expires_at', 'revoked_at'], ReturnValues: undefined },
      ]);
    });

    it('gives SignOut UpdateItem on sign-in records, and Query of the session fields on the user index alone (to sign out everywhere)', () => {
      expect(tableAccess('SignOut')).toEqual([{ Action: 'dynamodb:UpdateItem', Keys: ['signin#*'], Attributes: SIGN_IN, ReturnValues: ['NONE', 'ALL_NEW'] }]);
      const query = statementsOf('SignOut').filter((statement) => statement.Action === 'dynamodb:Query');
      expect(query).toEqual([
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^MagicLinkAuthTable/), 'Arn'] }, '/index/by-user']] },
          Condition: {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'user_hash', 'session_hash', 'session_expires_at', 'revoked_at'] },
            StringEqualsIfExists: { 'dynamodb:Select': ['SPECIFIC_ATTRIBUTES'] },
          },
        },
      ]);
    });

    it.each(['Fallback', 'Openapi', 'SignInPage'])('gives %s nothing but its own logs', (name) => {
      expect(statementsOf(name).map((statement) => statement.Action)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents']]);
    });

    it('lets each function write only to its own log group, with no managed policies', () => {
      for (const [id, fn] of Object.entries(functions)) {
        const name = id.replace(/^MagicLinkAuth/, '').replace(/[0-9A-F]{8}$/, '');
        const logGroupRef = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
        const logs = statementsOf(name).filter((statement) => JSON.stringify(statement.Action).includes('logs:'));
        expect(logs).toEqual([
          expect.objectContaining({ Resource: { 'Fn::GetAtt': [logGroupRef, 'Arn'] } }),
        ]);
      }
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });

    it('lets only the request function send mail, as the sender, through the configuration set', () => {
      const sesStatements = (name: string) => statementsOf(name).filter((statement) => JSON.stringify(statement.Action).includes('ses:'));
      expect(sesStatements('RequestMagicLink')).toEqual([
        expect.objectContaining({
          Action: 'ses:SendEmail',
          Condition: { StringEquals: { 'ses:FromAddress': 'no-reply@example.com' } },
          Resource: [expect.anything(), expect.anything()],
        }),
      ]);
      for (const name of ['Verify', 'GetSession', 'SignOut', 'Openapi', 'Fallback', 'SignInPage']) expect(sesStatements(name)).toEqual([]);
      expect(JSON.stringify(statementsOf('RequestMagicLink'))).not.toContain('"*"');
    });
  });

  it('outputs the API URL, API id and table name', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('ApiId', {});
    template.hasOutput('TableName', {});
    expect(stack.auth.url).toBeDefined();
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('passes the pack; the construct acknowledges and explains its two exceptions', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new MagicLinkAuthStack(app, 'Nag', { auth: required });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const output: string[] = [];
    const log = jest.spyOn(console, 'error').mockImplementation((...args) => void output.push(args.join(' ')));
    const warn = jest.spyOn(console, 'warn').mockImplementation((...args) => void output.push(args.join(' ')));
    try {
      expect(() => app.synth()).not.toThrow();
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
    expect(output.join('\n')).not.toMatch(/AwsSolutions-/);
  });
});

describe('propsFromContext', () => {
  it('reads cdk.json-style context, keeping construct defaults for unset values', () => {
    const context: Record<string, unknown> = { senderAddress: 'a@example.com', signInUrl: 'https://x.example.com/in', emailLimitPerHour: '3', tableRemovalPolicy: 'destroy' };
    const props = propsFromContext({ tryGetContext: (key) => context[key] });
    expect(props).toMatchObject({ senderAddress: 'a@example.com', emailLimitPerHour: 3, ipLimitPerHour: undefined, tableRemovalPolicy: RemovalPolicy.DESTROY });
    expect(() => propsFromContext({ tryGetContext: () => undefined })).toThrow('set the senderAddress context value');
    expect(() => propsFromContext({ tryGetContext: (key) => ({ ...context, ipLimitPerHour: 'lots' })[key] })).toThrow('ipLimitPerHour must be a whole number');
  });
});

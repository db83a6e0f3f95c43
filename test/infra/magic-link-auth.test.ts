import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { MagicLinkAuth, ROUTE_THROTTLE_DEFAULTS, type IMagicLinkAuth, type MagicLinkAuthProps } from '../../lib/magic-link-auth';
import { ALARM_THRESHOLDS } from '../../lib/monitoring';
import { MagicLinkAuthStack, propsFromContext } from '../../lib/magic-link-auth-stack';
import { ROUTES } from '../../lambdas/contract/routes';
import { targetNodeMajor } from '../../scripts/local/lambda-node';

const required: MagicLinkAuthProps = { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl: 'https://app.example.com/sign-in' };

/** Synthesizes without bundling: these tests read the template, not the code. */
function synth(props: Partial<MagicLinkAuthProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MagicLinkAuthStack(app, 'Test', { auth: { ...required, ...props } });
  return { stack, template: Template.fromStack(stack) };
}

const { stack, template } = synth();
const functions = template.findResources('AWS::Lambda::Function');
/** One function per handler (the hosted page's three routes share one), plus the fallback and the events publisher. */
const FUNCTION_COUNT = new Set(ROUTES.map((route) => route.handler)).size + 2;

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
      .map(([id, fn]) => [id.replace(/^MagicLinkAuth/, '').replace(/Function[0-9A-F]{8}$/, ''), fn.Properties.ReservedConcurrentExecutions]);
    expect(reserved.sort()).toEqual([['GetSession', 20], ['Verify', 20]]);
    for (const fn of Object.values(functions)) expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('runs every function on the Node the bundles target and the bench runs on (nodejs22.x), arm64, without --enable-source-maps (it slows every cold start), with a retained log group', () => {
    expect(Object.keys(functions)).toHaveLength(FUNCTION_COUNT);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: `nodejs${targetNodeMajor()}.x`,
        Architectures: ['arm64'],
        Timeout: 10,
        Environment: { Variables: expect.not.objectContaining({ NODE_OPTIONS: expect.anything() }) },
        LoggingConfig: { LogGroup: expect.anything() },
      });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('sizes every function from functionProps (256 MB, 10 s, arm64 unless set), keeping every logical ID', () => {
    const sizing = (found: ReturnType<Template['findResources']>) =>
      Object.values(found).map(({ Properties: fn }) => [fn.MemorySize, fn.Timeout, fn.Architectures]);
    expect(sizing(functions)).toEqual(Array(FUNCTION_COUNT).fill([256, 10, ['arm64']]));
    const sized = synth({ functionProps: { memorySize: 1024, timeout: Duration.seconds(20), architecture: lambda.Architecture.X86_64 } }).template;
    const sizedFunctions = sized.findResources('AWS::Lambda::Function');
    expect(sizing(sizedFunctions)).toEqual(Array(FUNCTION_COUNT).fill([1024, 20, ['x86_64']]));
    expect(Object.keys(sized.toJSON().Resources).sort()).toEqual(Object.keys(template.toJSON().Resources).sort());
    // One field alone keeps the others' defaults.
    const memoryOnly = synth({ functionProps: { memorySize: 512 } }).template.findResources('AWS::Lambda::Function');
    expect(sizing(memoryOnly)).toEqual(Array(FUNCTION_COUNT).fill([512, 10, ['arm64']]));
  });

  it('keeps the table: on-demand, TTL on `ttl`, point-in-time recovery, retained and protected', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('can let the table go with the stack when asked', () => {
    synth({ tableRemovalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
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
    }).template;
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SENDER_ADDRESS: 'no-reply@example.com',
          SIGN_IN_URL: 'https://app.example.com/sign-in',
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
    const auth = new MagicLinkAuth(own, 'Auth', { senderAddress: 'no-reply@example.com', appName: 'Example App' });
    const hosted = Template.fromStack(own);
    const variables = Object.values(hosted.findResources('AWS::Lambda::Function')).map((fn) => fn.Properties.Environment.Variables);
    const signInUrl = JSON.stringify(own.resolve(variables[0].SIGN_IN_URL));
    expect(signInUrl).toContain(own.resolve(auth.api.apiId).Ref);
    expect(signInUrl).toMatch(/\/sign-in"\]\]\}$/);
    // The hosted page is the API's own origin: nothing cross-origin to allow.
    expect(Object.values(hosted.findResources('AWS::ApiGatewayV2::Api'))[0]!.Properties.CorsConfiguration).toBeUndefined();
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
    const LINK = ['pk', 'email', 'email_hash', 'user_hash', 'link_expires_at', 'created_at', 'challenge', 'redirect_to', 'oauth_request', 'ttl'];
    const SIGN_IN = [...LINK, 'used_at', 'used_by', 'session_hash', 'session_expires_at', 'user_id', 'revoked_at'];
    const CODE = ['pk', 'signin', 'code_hash', 'link_expires_at', 'challenge', 'redirect_to', 'oauth_request', 'ttl'];
    const AUTH_CODE = ['pk', 'client_id', 'redirect_uri', 'challenge', 'nonce', 'scope', 'user_id', 'email', 'signin', 'auth_time', 'used_by', 'code_expires_at', 'session_expires_at', 'ttl'];

    it('lets the request function count (rl#), create links without any session attribute (signin#) and their codes (code#), undo both (the code only while its own), and check that an address has a user (user#)', () => {
      expect(tableAccess('RequestMagicLink')).toEqual([
        { Action: 'dynamodb:UpdateItem', Keys: ['rl#*'], Attributes: COUNTER, ReturnValues: ['NONE'] },
        { Action: 'dynamodb:PutItem', Keys: ['signin#*'], Attributes: LINK, ReturnValues: ['NONE'] },
        { Action: 'dynamodb:PutItem', Keys: ['code#*'], Attributes: CODE, ReturnValues: ['NONE'] },
        { Action: 'dynamodb:DeleteItem', Keys: ['signin#*'], Attributes: ['pk', 'used_at'], ReturnValues: ['NONE'] },
        { Action: 'dynamodb:DeleteItem', Keys: ['code#*'], Attributes: ['pk', 'signin'], ReturnValues: ['NONE'] },
        { Action: 'dynamodb:ConditionCheckItem', Keys: ['user#*'], Attributes: ['pk'], ReturnValues: undefined },
      ]);
    });

    it("lets verify consume sign-ins, look codes up and delete the one it signs in with, get or make the address's user, count and check wrong codes, and create authorization codes, nothing else", () => {
      expect(tableAccess('Verify')).toEqual([
        { Action: 'dynamodb:UpdateItem', Keys: ['signin#*'], Attributes: SIGN_IN, ReturnValues: ['NONE', 'ALL_NEW'] },
        { Action: 'dynamodb:GetItem', Keys: ['code#*'], Attributes: CODE, ReturnValues: undefined },
        { Action: 'dynamodb:UpdateItem', Keys: ['user#*'], Attributes: ['pk', 'user_id', 'email', 'created_at', 'signin'], ReturnValues: ['ALL_NEW'] },
        { Action: 'dynamodb:DeleteItem', Keys: ['code#*'], Attributes: ['pk', 'signin'], ReturnValues: ['NONE'] },
        { Action: ['dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'], Keys: ['rl#*'], Attributes: COUNTER, ReturnValues: ['NONE'] },
        { Action: 'dynamodb:PutItem', Keys: ['authcode#*'], Attributes: AUTH_CODE, ReturnValues: ['NONE'] },
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
        { Action: 'dynamodb:GetItem', Keys: ['signin#*'], Attributes: ['pk', 'email', 'user_id', 'session_hash', 'session_expires_at', 'revoked_at'], ReturnValues: undefined },
      ]);
    });

    it('gives SignOut UpdateItem on sign-in records, and, to sign out everywhere, Query of the session fields on the user index alone and DeleteItem of a code by its key', () => {
      expect(tableAccess('SignOut')).toEqual([
        { Action: 'dynamodb:UpdateItem', Keys: ['signin#*'], Attributes: SIGN_IN, ReturnValues: ['NONE', 'ALL_NEW'] },
        { Action: 'dynamodb:DeleteItem', Keys: ['code#*'], Attributes: ['pk'], ReturnValues: ['NONE'] },
      ]);
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

describe('CORS by API Gateway', () => {
  const corsOf = (own: Template) => Object.values(own.findResources('AWS::ApiGatewayV2::Api'))[0]!.Properties.CorsConfiguration;

  it('allows the origin of signInUrl by default: the methods, the two request headers, the two exposed headers', () => {
    expect(corsOf(template)).toEqual({
      AllowOrigins: ['https://app.example.com'],
      AllowMethods: ['GET', 'POST'],
      AllowHeaders: ['authorization', 'content-type'],
      ExposeHeaders: ['retry-after', 'x-request-id'],
      MaxAge: 600,
    });
    // The functions no longer answer CORS themselves.
    for (const fn of Object.values(functions)) expect(fn.Properties.Environment.Variables.ALLOWED_ORIGINS).toBeUndefined();
  });

  it('takes allowedOrigins as they are, and derives the origin of a signInUrl known only at deploy time', () => {
    expect(corsOf(synth({ allowedOrigins: ['https://app.example.com', 'https://admin.example.com'] }).template).AllowOrigins).toEqual([
      'https://app.example.com',
      'https://admin.example.com',
    ]);
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const own = new Stack(app, 'Ssm');
    const signInUrl = ssm.StringParameter.valueForStringParameter(own, '/auth/sign-in-url');
    new MagicLinkAuth(own, 'Auth', { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl });
    expect(JSON.stringify(corsOf(Template.fromStack(own)).AllowOrigins)).toMatch(/Fn::Join.*Fn::Select.*Fn::Split/);
  });
});

describe('metrics, dashboard and alarms', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
  const alarmOn = (metricName: string) => alarms.find((alarm) => alarm.MetricName === metricName)!;

  it('alarms on the 5xx rate, delivery failures, the SES bounce and complaint rates (well before SES reviews the account), and events dead-lettered or delayed', () => {
    expect(alarms).toHaveLength(6);
    expect(alarmOn('ApproximateNumberOfMessagesVisible')).toMatchObject({ Namespace: 'AWS/SQS', Statistic: 'Maximum', Threshold: 1 });
    expect(JSON.stringify(alarmOn('ApproximateNumberOfMessagesVisible').Dimensions)).toContain('EventsDeadLetterQueue');
    expect(alarmOn('IteratorAge')).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Maximum', Threshold: 300_000 });
    expect(JSON.stringify(alarmOn('IteratorAge').Dimensions)).toContain('PublishEventsFunction');
    expect(alarmOn('5xx')).toMatchObject({ Namespace: 'AWS/ApiGateway', Statistic: 'Average', Threshold: 0.01, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    expect(alarmOn('DeliveryFailed')).toMatchObject({ Namespace: 'MagicLinkAuth', Statistic: 'Sum', Threshold: 3 });
    expect(alarmOn('DeliveryFailed').Dimensions).toEqual(
      expect.arrayContaining([{ Name: 'service', Value: 'magic-link-auth' }, { Name: 'deployment', Value: expect.any(String) }]),
    );
    expect(alarmOn('Reputation.BounceRate')).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.02 });
    expect(alarmOn('Reputation.ComplaintRate')).toMatchObject({ Namespace: 'AWS/SES', Threshold: 0.0005 });
    expect(ALARM_THRESHOLDS.bounceRate).toBeLessThan(0.05 / 2);
    expect(ALARM_THRESHOLDS.complaintRate).toBeLessThan(0.001 / 1.5);
    // Reputation of the construct's own configuration set; no actions without a topic.
    expect(JSON.stringify(alarmOn('Reputation.BounceRate').Dimensions)).toContain('ses:configuration-set');
    for (const alarm of alarms) expect(alarm.AlarmActions).toBeUndefined();
  });

  it('names the deployment the functions write in their metrics, the same the alarms read', () => {
    const variables = Object.values(functions)[0]!.Properties.Environment.Variables;
    expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe('MagicLinkAuth');
    expect(alarmOn('DeliveryFailed').Dimensions).toContainEqual({ Name: 'deployment', Value: variables.METRICS_DEPLOYMENT });
  });

  it('sends alarm and recovery notifications to the topic given', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const own = new Stack(app, 'Topic');
    const topic = new sns.Topic(own, 'Pager');
    new MagicLinkAuth(own, 'Auth', { ...required, alarmTopic: topic });
    const ownAlarms = Object.values(Template.fromStack(own).findResources('AWS::CloudWatch::Alarm'));
    expect(ownAlarms).toHaveLength(6);
    for (const alarm of ownAlarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Pager/) }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Pager/) }]);
    }
  });

  it('draws a dashboard of outcomes, API, SES and functions', () => {
    const body = JSON.stringify(Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]!.Properties.DashboardBody);
    for (const name of ['LinkRequested', 'LinkMailed', 'RefusedCapacity', 'VerifiedByLink', 'VerifiedByCode', 'DeviceMismatch', 'Reputation.BounceRate', 'Bounce', 'Complaint', '5xx', 'Latency']) {
      expect(body).toContain(name);
    }
  });
});

describe('SES feedback and identities', () => {
  it('suppresses addresses that bounce or complain, and publishes send, delivery, bounce and complaint events to CloudWatch', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['send', 'delivery', 'bounce', 'complaint'],
        CloudWatchDestination: { DimensionConfigurations: [Match.objectLike({ DimensionName: 'ses:configuration-set', DimensionValueSource: 'messageTag' })] },
      }),
    });
  });

  it('verifies the sender domain with Easy DKIM when given its hosted zone, writing the three DKIM records', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const own = new Stack(app, 'Zone');
    const zone = route53.PublicHostedZone.fromPublicHostedZoneAttributes(own, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' });
    new MagicLinkAuth(own, 'Auth', { ...required, hostedZone: zone });
    const zoned = Template.fromStack(own);
    zoned.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.com' });
    zoned.resourceCountIs('AWS::Route53::RecordSet', 3);
    expect(JSON.stringify(zoned.findResources('AWS::IAM::Policy'))).toMatch(/:identity\/",\{"Ref":"AuthDomainIdentity/);
    expect(() =>
      new MagicLinkAuth(new Stack(new App(), 'Other'), 'Auth', {
        ...required,
        hostedZone: route53.PublicHostedZone.fromPublicHostedZoneAttributes(own, 'Other', { hostedZoneId: 'Z9', zoneName: 'other.test' }),
      }),
    ).toThrow('hostedZone other.test is not the domain of senderAddress');
  });

  it('sends through an existing configuration set, or none, creating no SES resources then', () => {
    const build = (configurationSet: MagicLinkAuthProps['configurationSet']) => {
      const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
      const own = new Stack(app, 'Existing');
      const props: MagicLinkAuthProps = {
        ...required,
        emailIdentity: ses.EmailIdentity.fromEmailIdentityName(own, 'Identity', 'example.com'),
        configurationSet: configurationSet === 'none' || configurationSet === undefined ? configurationSet : ses.ConfigurationSet.fromConfigurationSetName(own, 'Set', 'team-set'),
      };
      new MagicLinkAuth(own, 'Auth', props);
      return Template.fromStack(own);
    };
    for (const [choice, variable] of [['existing', 'team-set'], ['none', undefined]] as const) {
      const own = build(choice === 'none' ? 'none' : ses.ConfigurationSet.fromConfigurationSetName(new Stack(), 'X', 'x'));
      own.resourceCountIs('AWS::SES::EmailIdentity', 0);
      own.resourceCountIs('AWS::SES::ConfigurationSet', 0);
      own.resourceCountIs('AWS::SES::ConfigurationSetEventDestination', 0);
      const variables = Object.values(own.findResources('AWS::Lambda::Function'))[0]!.Properties.Environment.Variables;
      expect(variables.SES_CONFIGURATION_SET).toBe(variable);
      // Without the construct's own set, the reputation alarms watch the account's rates.
      const bounce = Object.values(own.findResources('AWS::CloudWatch::Alarm')).find((alarm) => alarm.Properties.MetricName === 'Reputation.BounceRate')!;
      expect(bounce.Properties.Dimensions).toBeUndefined();
    }
  });
});

describe('the app for platforms without SES in CloudFormation (LocalStack)', () => {
  it('deploys with an existing identity and no configuration set, creating no SES resource', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MagicLinkAuthStack(app, 'NoSes', { auth: required, emailIdentityName: 'example.com', configurationSetName: 'none' });
    const own = Template.fromStack(stack);
    for (const type of ['AWS::SES::EmailIdentity', 'AWS::SES::ConfigurationSet', 'AWS::SES::ConfigurationSetEventDestination']) own.resourceCountIs(type, 0);
    expect(stack.auth.configurationSet).toBeUndefined();
    const named = new MagicLinkAuthStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'NamedSet', { auth: required, configurationSetName: 'team-set' });
    expect(named.auth.configurationSet?.configurationSetName).toBe('team-set');
    Template.fromStack(named).resourceCountIs('AWS::SES::ConfigurationSet', 0);
  });
});

describe('an existing table, and grants', () => {
  it('keeps its items in a table given as ITableV2, creating none, and scopes IAM to it', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const own = new Stack(app, 'Shared');
    const table = dynamodb.TableV2.fromTableAttributes(own, 'Existing', {
      tableName: 'team-auth-table',
      tableStreamArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/team-auth-table/stream/2026-12-01T00:00:00.000',
    });
    const auth = new MagicLinkAuth(own, 'Auth', { ...required, table });
    const shared = Template.fromStack(own);
    shared.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    shared.resourceCountIs('AWS::DynamoDB::Table', 0);
    expect(auth.table).toBe(table);
    expect(JSON.stringify(shared.findResources('AWS::IAM::Policy'))).toContain(':table/team-auth-table');
    expect(Object.values(shared.findResources('AWS::Lambda::Function'))[0]!.Properties.Environment.Variables.TABLE_NAME).toBe('team-auth-table');
    shared.hasResourceProperties('AWS::Lambda::EventSourceMapping', { EventSourceArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/team-auth-table/stream/2026-12-01T00:00:00.000' });
  });

  it('refuses at synth a table given without its stream, which the lifecycle events come from', () => {
    const own = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'NoStream');
    const table = dynamodb.TableV2.fromTableName(own, 'Existing', 'team-auth-table');
    expect(() => new MagicLinkAuth(own, 'Auth', { ...required, table })).toThrow(/tableStreamArn/);
  });

  it("grantReadSessions lets an app's function read the session fields of sign-in records and their user's id, nothing else", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const own = new Stack(app, 'Grant');
    const auth = new MagicLinkAuth(own, 'Auth', required);
    const role = new iam.Role(own, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    auth.grantReadSessions(role);
    const policy = Object.values(Template.fromStack(own).findResources('AWS::IAM::Policy')).find((candidate) =>
      JSON.stringify(candidate.Properties.Roles).includes('AppRole'),
    )!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: expect.anything(),
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['signin#*'] },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'email', 'user_id', 'session_hash', 'session_expires_at', 'revoked_at'] },
        },
      },
    ]);
  });
});

describe('IMagicLinkAuth', () => {
  it('gives an app that holds the interface alone the URL, the API, the table and the session grant', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const own = new Stack(app, 'Consumer');
    const auth: IMagicLinkAuth = new MagicLinkAuth(own, 'Auth', required);
    const role = new iam.Role(own, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(auth.grantReadSessions(role).success).toBe(true);
    expect(own.resolve(auth.table.tableArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^AuthTable/), 'Arn'] });
    expect(own.resolve(auth.url)).toEqual(own.resolve((auth as MagicLinkAuth).stage.url.replace(/\/$/, '')));
    expect(own.resolve(auth.api.apiId)).toEqual({ Ref: expect.stringMatching(/^AuthApi/) });
  });
});

describe('stable logical IDs', () => {
  it('keeps every resource its logical ID: a refactor that would replace the table (or anything) fails here', () => {
    // Accept a change here only when a replacement is intended (and say so in the release notes).
    const ids = Object.entries(template.toJSON().Resources as Record<string, { Type: string }>)
      .map(([id, resource]) => `${resource.Type} ${id}`)
      .sort();
    expect(ids).toMatchSnapshot();
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

import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import * as path from 'node:path';
import { ENV, isAcceptableUrl } from '../lambdas/config';
import { DEFAULTS, LIMITS } from '../lambdas/domain/defaults';
import { normalizeEmail } from '../lambdas/domain/email';
import { KEY_PREFIX } from '../lambdas/adapters/dynamo-auth-store';
import { ROUTES, type RouteHandlerName } from '../lambdas/http/routes';

export interface MagicLinkAuthProps {
  /**
   * The address sign-in emails come from. SES must be allowed to send as it: verify the address (or its
   * domain) in SES before the first send.
   */
  readonly senderAddress: string;

  /**
   * The page of your application that receives `#token=...` and posts it to `/v1/auth/verify`.
   * Must be https (http is accepted for localhost) and carry no fragment.
   */
  readonly signInUrl: string;

  /**
   * Browser origins allowed to call the API (CORS). Never `*`.
   * @default - the origin of `signInUrl`
   */
  readonly allowedOrigins?: string[];

  /**
   * How long a magic link works.
   * @default Duration.minutes(15)
   */
  readonly linkLifetime?: Duration;

  /**
   * How long a session lasts.
   * @default Duration.days(7)
   */
  readonly sessionLifetime?: Duration;

  /**
   * Magic-link requests allowed per source IP (IPv6: per /64) per hour.
   * @default 50
   */
  readonly ipLimitPerHour?: number;

  /**
   * Magic-link requests allowed per email address per hour.
   * @default 5
   */
  readonly emailLimitPerHour?: number;

  /**
   * Base of the `doc_url` in every error response: `<docsBaseUrl>/reference/errors/<code>`.
   * @default 'https://docs.asterwise.com'
   */
  readonly docsBaseUrl?: string;

  /**
   * What happens to the table (links, sessions, counters) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;

  /**
   * An SES identity you already verified (an address or a domain) that may send as `senderAddress`.
   * @default - a new email-address identity for `senderAddress` (SES mails a verification link to it)
   */
  readonly emailIdentity?: ses.IEmailIdentity;

  /**
   * How long the functions' and the API's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Steady-state requests per second and burst across the whole API (API Gateway stage throttling),
   * a backstop in front of the per-IP and per-address limits.
   * @default { rateLimit: 100, burstLimit: 200 }
   */
  readonly throttle?: apigwv2.ThrottleSettings;
}

/** Everything except a handler's own code: shared by all five functions. */
const HANDLER_DIR = path.join(__dirname, '..', 'lambdas', 'handlers');

type FunctionName = RouteHandlerName | 'fallback';

/** Which items each function may touch, and how: least privilege down to the key prefix. */
const TABLE_ACCESS: Record<FunctionName, { actions: string[]; prefix: string }[]> = {
  'request-magic-link': [
    { actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.rateLimit },
    { actions: ['dynamodb:PutItem'], prefix: KEY_PREFIX.signIn },
  ],
  verify: [{ actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.signIn }],
  'get-session': [{ actions: ['dynamodb:GetItem'], prefix: KEY_PREFIX.signIn }],
  'sign-out': [{ actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.signIn }],
  openapi: [],
  fallback: [],
};

/**
 * A passwordless sign-in service: an HTTP API that mails single-use magic links and turns them into
 * sessions, backed by one DynamoDB table and SES v2.
 */
export class MagicLinkAuth extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly table: dynamodb.Table;
  readonly configurationSet: ses.ConfigurationSet;
  readonly emailIdentity: ses.IEmailIdentity;
  readonly functions: Readonly<Record<FunctionName, NodejsFunction>>;

  /** The API's base URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com`. */
  get url(): string {
    return this.stage.url.replace(/\/$/, '');
  }

  constructor(scope: Construct, id: string, props: MagicLinkAuthProps) {
    super(scope, id);
    const settings = resolveSettings(props);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'ttl',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: (props.tableRemovalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
      removalPolicy: props.tableRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.emailIdentity =
      props.emailIdentity ??
      new ses.EmailIdentity(this, 'SenderIdentity', { identity: ses.Identity.email(settings.senderAddress) });
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
    });

    const environment: Record<string, string> = {
      [ENV.tableName]: this.table.tableName,
      [ENV.senderAddress]: settings.senderAddress,
      [ENV.sesConfigurationSet]: this.configurationSet.configurationSetName,
      [ENV.signInUrl]: settings.signInUrl,
      [ENV.corsAllowedOrigins]: settings.allowedOrigins.join(','),
      [ENV.linkTtlSeconds]: String(settings.linkTtlSeconds),
      [ENV.sessionTtlSeconds]: String(settings.sessionTtlSeconds),
      [ENV.ipLimit]: String(settings.ipLimitPerHour),
      [ENV.emailLimit]: String(settings.emailLimitPerHour),
      [ENV.docsBaseUrl]: settings.docsBaseUrl,
      POWERTOOLS_SERVICE_NAME: 'magic-link-auth',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    const makeFunction = (name: FunctionName) => {
      const logGroup = new logs.LogGroup(this, `${pascal(name)}Logs`, { retention });
      // An own role instead of AWSLambdaBasicExecutionRole: it may write to this function's log group only.
      const role = new iam.Role(this, `${pascal(name)}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `magic-link-auth ${name} function`,
      });
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      );
      const fn = new NodejsFunction(this, pascal(name), {
        role,
        entry: path.join(HANDLER_DIR, `${name}.ts`),
        handler: 'handler',
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: 256,
        timeout: Duration.seconds(10),
        environment,
        logGroup,
        projectRoot: path.join(__dirname, '..'),
        depsLockFilePath: path.join(__dirname, '..', 'package-lock.json'),
        bundling: {
          bundleAwsSDK: true,
          minify: true,
          sourceMap: true,
          sourcesContent: false,
          target: 'node22',
          format: OutputFormat.CJS,
        },
      });
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'nodejs22.x is the runtime this service is built and tested for; moving to a newer one is a deliberate upgrade.',
      });
      for (const access of TABLE_ACCESS[name]) {
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: access.actions,
            resources: [this.table.tableArn],
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${access.prefix}*`] } },
          }),
        );
      }
      return fn;
    };

    const functions = {} as Record<FunctionName, NodejsFunction>;
    for (const name of [...ROUTES.map((route) => route.handler), 'fallback'] as FunctionName[]) {
      functions[name] = makeFunction(name);
    }
    this.functions = functions;

    // Only the function that mails may call SES, only as the sender, only through the configuration set.
    functions['request-magic-link'].addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          identityArn(this, this.emailIdentity),
          Stack.of(this).formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': settings.senderAddress } },
      }),
    );

    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Magic-link sign-in',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Fallback', functions.fallback),
    });
    for (const route of ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(pascal(route.handler), functions[route.handler]),
      });
    }

    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The sign-in routes are public by design: they are how a caller obtains credentials. Sessions are checked by the functions.',
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention });
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            routeKey: AccessLogField.contextRouteKey(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationError: AccessLogField.contextIntegrationErrorMessage(),
          }),
        ),
      },
    });
  }
}

interface Settings {
  senderAddress: string;
  signInUrl: string;
  allowedOrigins: string[];
  linkTtlSeconds: number;
  sessionTtlSeconds: number;
  ipLimitPerHour: number;
  emailLimitPerHour: number;
  docsBaseUrl: string;
}

/** Applies defaults and refuses bad values at synth time, with the prop's name. */
function resolveSettings(props: MagicLinkAuthProps): Settings {
  const fail = (prop: string, problem: string): never => {
    throw new Error(`MagicLinkAuth: ${prop} ${problem}`);
  };
  const sender = normalizeEmail(props.senderAddress);
  if (!sender.ok) fail('senderAddress', `${sender.issue}, got "${props.senderAddress}"`);
  const parseUrl = (prop: string, value: string) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return fail(prop, `must be an absolute URL, got "${value}"`);
    }
    if (!isAcceptableUrl(url)) fail(prop, 'must use https (http is accepted only for localhost)');
    if (value.includes('#')) fail(prop, 'must not contain a fragment (#)');
    return url;
  };
  const signInUrl = parseUrl('signInUrl', props.signInUrl);
  const allowedOrigins = (props.allowedOrigins ?? [signInUrl.origin]).map((origin) => {
    if (origin === '*') fail('allowedOrigins', 'must list origins, not "*"');
    const url = parseUrl('allowedOrigins', origin);
    if (url.pathname !== '/' || url.search) fail('allowedOrigins', `must be origins without a path, got "${origin}"`);
    return url.origin;
  });
  const seconds = (prop: string, value: Duration | undefined, fallback: number, range: { min: number; max: number }) => {
    const result = value === undefined ? fallback : value.toSeconds();
    if (!Number.isInteger(result) || result < range.min || result > range.max) {
      fail(prop, `must be between ${range.min} and ${range.max} seconds, got ${result}`);
    }
    return result;
  };
  const count = (prop: string, value: number | undefined, fallback: number) => {
    const result = value ?? fallback;
    if (!Number.isInteger(result) || result < LIMITS.perHourLimit.min || result > LIMITS.perHourLimit.max) {
      fail(prop, `must be a whole number from ${LIMITS.perHourLimit.min} to ${LIMITS.perHourLimit.max}, got ${result}`);
    }
    return result;
  };
  const docsBaseUrl = parseUrl('docsBaseUrl', props.docsBaseUrl ?? DEFAULTS.docsBaseUrl).href.replace(/\/+$/, '');
  return {
    senderAddress: sender.ok ? sender.email : '',
    signInUrl: signInUrl.href,
    allowedOrigins,
    linkTtlSeconds: seconds('linkLifetime', props.linkLifetime, DEFAULTS.linkTtlSeconds, LIMITS.linkTtlSeconds),
    sessionTtlSeconds: seconds('sessionLifetime', props.sessionLifetime, DEFAULTS.sessionTtlSeconds, LIMITS.sessionTtlSeconds),
    ipLimitPerHour: count('ipLimitPerHour', props.ipLimitPerHour, DEFAULTS.ipLimitPerHour),
    emailLimitPerHour: count('emailLimitPerHour', props.emailLimitPerHour, DEFAULTS.emailLimitPerHour),
    docsBaseUrl,
  };
}

function identityArn(scope: Construct, identity: ses.IEmailIdentity): string {
  return Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: identity.emailIdentityName });
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _dash, letter: string) => letter.toUpperCase());
}

import { Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import * as path from 'node:path';
import { ROUTES, type Route, type RouteHandlerName } from '../lambdas/contract/routes';
import { RESOURCE_ENV } from '../lambdas/settings';
import { KEY_PREFIX, RECORD_ATTRIBUTES, TABLE_KEYS, USER_INDEX } from '../lambdas/table-layout';
import { removalPolicy, resolveSettings } from './settings';
import type { MagicLinkAuthSettings } from './settings-props.generated';

/** The construct's props: the service's settings (generated from `lambdas/settings.ts`) and its AWS wiring. */
export interface MagicLinkAuthProps extends MagicLinkAuthSettings {
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
   * API Gateway throttling of requests no route matches (the `$default` fallback: 404s and 405s), so a
   * flood of them cannot use up the room the real routes have.
   * @default { rateLimit: 10, burstLimit: 20 }
   */
  readonly throttle?: apigwv2.ThrottleSettings;

  /**
   * API Gateway throttling per route (requests per second, burst), by operation id, merged over the
   * defaults: a backstop in front of the per-IP and per-address limits. Sign-in and session checks
   * get the most room, so a flood on one route cannot starve the others.
   * @default ROUTE_THROTTLE_DEFAULTS: requestMagicLink 20/40, verify 100/200, getSession 200/400,
   * signOut 50/100, the hosted page's three routes 50/100 each, getOpenApiDocument 10/20
   */
  readonly routeThrottles?: Partial<Record<Route['operationId'], apigwv2.ThrottleSettings>>;

  /**
   * Reserved concurrency per function, by handler name: guarantees a function that many concurrent
   * executions and caps it there. Off by default: a new AWS account may have a concurrency quota as
   * low as 10, and reserving more than it leaves unreserved (at least 10 must stay unreserved) fails the
   * deploy. Turn it on once the account's quota is raised, to keep verify and session available when
   * another function in the account, or a flood on magic-link, takes the account's concurrency.
   * @default - none reserved
   */
  readonly reservedConcurrency?: Partial<Record<FunctionName, number>>;
}

/** Everything except a handler's own code: shared by all five functions. */
const HANDLER_DIR = path.join(__dirname, '..', 'lambdas', 'handlers');

export type FunctionName = RouteHandlerName | 'fallback';

/** Requests per second and burst each route gets from API Gateway, unless `routeThrottles` says otherwise. */
export const ROUTE_THROTTLE_DEFAULTS: Readonly<Record<Route['operationId'], apigwv2.ThrottleSettings>> = {
  requestMagicLink: { rateLimit: 20, burstLimit: 40 },
  verify: { rateLimit: 100, burstLimit: 200 },
  getSession: { rateLimit: 200, burstLimit: 400 },
  signOut: { rateLimit: 50, burstLimit: 100 },
  getSignInPage: { rateLimit: 50, burstLimit: 100 },
  getSignInScript: { rateLimit: 50, burstLimit: 100 },
  getSignInStyles: { rateLimit: 50, burstLimit: 100 },
  getOpenApiDocument: { rateLimit: 10, burstLimit: 20 },
};

/**
 * One grant of table access: these actions, on items whose key starts with `prefix`, naming (writing,
 * reading, or testing in a condition) only `attributes`, and getting back only what `returnValues` allows.
 */
interface TableAccess {
  readonly actions: string[];
  readonly prefix: string;
  readonly attributes: readonly string[];
  /** The `ReturnValues` a write may ask for (a request without the parameter is NONE). */
  readonly returnValues?: readonly string[];
}

const SIGN_IN_RECORD = [...RECORD_ATTRIBUTES.link, ...RECORD_ATTRIBUTES.session];
const SESSION_READ = [TABLE_KEYS.partitionKey, 'email', 'session_hash', 'session_expires_at', 'revoked_at'];

/**
 * Which items each function may touch, and how: least privilege down to the key prefix and the
 * attribute. Verify and sign-out get a whole sign-in record back (ALL_NEW, or ALL_OLD when a condition
 * fails), so their list is the record's every attribute: what it denies them is any other name.
 */
const TABLE_ACCESS: Record<FunctionName, TableAccess[]> = {
  'request-magic-link': [
    { actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.rateLimit, attributes: RECORD_ATTRIBUTES.counter, returnValues: ['NONE'] },
    // A link is created without any session attribute: this function cannot mint a session.
    { actions: ['dynamodb:PutItem'], prefix: KEY_PREFIX.signIn, attributes: RECORD_ATTRIBUTES.link, returnValues: ['NONE'] },
    { actions: ['dynamodb:PutItem'], prefix: KEY_PREFIX.code, attributes: RECORD_ATTRIBUTES.code, returnValues: ['NONE'] },
    // A request whose mail failed is undone: its link (only while unused) and code deleted.
    { actions: ['dynamodb:DeleteItem'], prefix: KEY_PREFIX.signIn, attributes: [TABLE_KEYS.partitionKey, 'used_at'], returnValues: ['NONE'] },
    { actions: ['dynamodb:DeleteItem'], prefix: KEY_PREFIX.code, attributes: [TABLE_KEYS.partitionKey], returnValues: ['NONE'] },
  ],
  verify: [
    { actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.signIn, attributes: SIGN_IN_RECORD, returnValues: ['NONE', 'ALL_NEW'] },
    { actions: ['dynamodb:GetItem'], prefix: KEY_PREFIX.code, attributes: RECORD_ATTRIBUTES.code },
    // Wrong codes are counted (UpdateItem); a code sign-in checks the count in its transaction (ConditionCheckItem).
    { actions: ['dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'], prefix: KEY_PREFIX.rateLimit, attributes: RECORD_ATTRIBUTES.counter, returnValues: ['NONE'] },
  ],
  'get-session': [{ actions: ['dynamodb:GetItem'], prefix: KEY_PREFIX.signIn, attributes: SESSION_READ }],
  'sign-out': [{ actions: ['dynamodb:UpdateItem'], prefix: KEY_PREFIX.signIn, attributes: SIGN_IN_RECORD, returnValues: ['NONE', 'ALL_NEW'] }],
  'sign-in-page': [],
  openapi: [],
  fallback: [],
};

/** Signing out everywhere reads the user index: its key, the session fields it projects, and the table key. */
const USER_INDEX_ATTRIBUTES = [TABLE_KEYS.partitionKey, USER_INDEX.partitionKey, ...USER_INDEX.projected];

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
  /** Keys the one-time codes' hashes; readable by the request and verify functions only. */
  readonly codeSecret: secretsmanager.ISecret;
  readonly functions: Readonly<Record<FunctionName, NodejsFunction>>;

  /** The API's base URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com`. */
  get url(): string {
    return this.stage.url.replace(/\/$/, '');
  }

  constructor(scope: Construct, id: string, props: MagicLinkAuthProps) {
    super(scope, id);
    // The hosted page's URL is known once the API exists (below): a Token until then.
    const hostedSignInUrl = Lazy.string({ produce: () => `${this.api.apiEndpoint}/sign-in` });
    const { values: settings, environment: settingsEnvironment } = resolveSettings(props, { hostedSignInUrl });
    const tableRemovalPolicy = removalPolicy(settings.tableRemovalPolicy);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_KEYS.timeToLive,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: tableRemovalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: tableRemovalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: USER_INDEX.name,
      partitionKey: { name: USER_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...USER_INDEX.projected],
    });

    this.emailIdentity =
      props.emailIdentity ??
      new ses.EmailIdentity(this, 'SenderIdentity', { identity: ses.Identity.email(settings.senderAddress) });
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
    });

    // Keys the one-time codes' hashes: a 6-digit code hashed without a secret falls to 10^6 guesses,
    // so a copy of the table must not be enough. Only the functions that handle codes may read it.
    this.codeSecret = new secretsmanager.Secret(this, 'CodeSecret', {
      description: 'magic-link-auth: keys the hashes of the one-time sign-in codes',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.codeSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The secret keys hashes of codes that live 15 minutes by default; rotating it would only invalidate the codes in flight, and a new deployment of the secret has the same effect when wanted.',
    });

    const environment: Record<string, string> = {
      [RESOURCE_ENV.codeSecretArn]: this.codeSecret.secretArn,
      ...settingsEnvironment,
      [RESOURCE_ENV.tableName]: this.table.tableName,
      [RESOURCE_ENV.sesConfigurationSet]: this.configurationSet.configurationSetName,
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
        ...(props.reservedConcurrency?.[name] === undefined ? {} : { reservedConcurrentExecutions: props.reservedConcurrency[name] }),
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
            conditions: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${access.prefix}*`] },
              'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...access.attributes] },
              ...(access.returnValues ? { StringEqualsIfExists: { 'dynamodb:ReturnValues': [...access.returnValues] } } : {}),
            },
          }),
        );
      }
      if (name === 'sign-out') {
        // Signing out everywhere finds an address's sessions in the user index (keys are address hashes,
        // so no prefix applies): Query on that index only, nothing else of the table.
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['dynamodb:Query'],
            resources: [`${this.table.tableArn}/index/${USER_INDEX.name}`],
            conditions: {
              'ForAllValues:StringEquals': { 'dynamodb:Attributes': USER_INDEX_ATTRIBUTES },
              StringEqualsIfExists: { 'dynamodb:Select': ['SPECIFIC_ATTRIBUTES'] },
            },
          }),
        );
      }
      return fn;
    };

    const functions = {} as Record<FunctionName, NodejsFunction>;
    for (const name of new Set<FunctionName>([...ROUTES.map((route) => route.handler), 'fallback'])) {
      functions[name] = makeFunction(name);
    }
    this.functions = functions;
    for (const name of ['request-magic-link', 'verify'] as const) this.codeSecret.grantRead(functions[name]);

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
    const integrations: Partial<Record<FunctionName, HttpLambdaIntegration>> = {};
    const routes: apigwv2.HttpRoute[] = [];
    for (const route of ROUTES) {
      // One integration per function, shared by its routes (the hosted page serves three paths).
      integrations[route.handler] ??= new HttpLambdaIntegration(pascal(route.handler), functions[route.handler]);
      routes.push(...this.api.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration: integrations[route.handler]! }));
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
      throttle: props.throttle ?? { rateLimit: 10, burstLimit: 20 },
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
    // Each route's own throttle (the stage's default above covers only what no route matches). The
    // stage must come after the routes it names, or CloudFormation cannot find them.
    const stage = this.stage.node.defaultChild as apigwv2.CfnStage;
    stage.routeSettings = Object.fromEntries(
      ROUTES.map((route) => {
        const throttle = { ...ROUTE_THROTTLE_DEFAULTS[route.operationId], ...props.routeThrottles?.[route.operationId] };
        // RouteSettings is passed through as it is: CloudFormation's own property names.
        return [`${route.method} ${route.path}`, { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit }];
      }),
    );
    for (const route of routes) stage.node.addDependency(route);
  }
}

function identityArn(scope: Construct, identity: ses.IEmailIdentity): string {
  return Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: identity.emailIdentityName });
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, _dash, letter: string) => letter.toUpperCase());
}

import { Duration, Lazy, Names, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { CORS_EXPOSED_HEADERS, CORS_REQUEST_HEADERS, ROUTES, pathOf, type Route } from '../lambdas/contract/routes';
import { RESOURCE_ENV, SETTINGS, type Checked } from '../lambdas/settings';
import { EVENT_ITEM_PREFIXES, TABLE_KEYS, USER_INDEX } from '../lambdas/table-layout';
import { EVENT_SOURCE, EVENT_TYPES, type EventType } from '../lambdas/contract/event-types';
import { METRICS_DEPLOYMENT_ENV, METRICS_NAMESPACE } from '../lambdas/contract/metrics';
import { EVENTS_FUNCTION, FUNCTION_NAMES, createFunction, pascal, type FunctionName, type MagicLinkAuthFunctionProps } from './functions';
import { Monitoring, SERVICE_NAME, type AlarmName } from './monitoring';
import { removalPolicy, resolveSettings } from './settings';
import type { MagicLinkAuthSettings } from './settings-props.generated';
import { SESSION_READ_ACCESS, TABLE_ACCESS, tableStatement } from './table-access';
import { checkOidcClients } from '../lambdas/domain/oidc';
import { LOCALES, type Locale } from '../lambdas/contract/locales';
import { checkMailTemplates, type MailTemplate } from '../lambdas/domain/mail-templates';

export type { FunctionName, MagicLinkAuthFunctionProps };

/** The construct's props: the service's settings (generated from `lambdas/settings.ts`) and its AWS wiring. */
export interface MagicLinkAuthProps extends MagicLinkAuthSettings {
  /**
   * An SES identity you already verified (an address or a domain) that may send as `senderAddress`.
   * Nothing is created in SES for the sender then.
   * @default - a domain identity when `hostedZone` is given, else an address identity for `senderAddress`
   * (SES mails a verification link to it)
   */
  readonly emailIdentity?: ses.IEmailIdentity;

  /**
   * The Route 53 public zone of the sender's domain: the construct verifies the whole domain in SES
   * with Easy DKIM and writes its three DKIM records into this zone, so mail is signed as the domain
   * (better delivery than an address identity) and no verification mail needs clicking.
   * @default - no domain identity (see `emailIdentity`)
   */
  readonly hostedZone?: route53.IPublicHostedZone;

  /**
   * The SES configuration set the mail goes through. Give one you manage (its suppression and event
   * destinations are then yours to configure), or `'none'` to send without one: for platforms whose
   * CloudFormation lacks SES configuration sets (some emulators). Without the construct's own set,
   * the bounce and complaint alarms watch the account-wide SES reputation instead.
   * @default - a new set that suppresses addresses that bounce or complain, publishes reputation
   * metrics, and sends send, delivery, bounce and complaint events to CloudWatch
   */
  readonly configurationSet?: ses.IConfigurationSet | 'none';

  /**
   * An existing DynamoDB table to keep the service's items in, instead of a new one. It must have the
   * layout of `lambdas/table-layout.ts`: string partition key `pk`, TTL on `ttl`, and a global
   * secondary index `by-user` on `user_hash` projecting `session_hash`, `session_expires_at` and
   * `revoked_at`. The service writes only under its key prefixes (`rl#`, `signin#`, `code#`).
   * @default - a new on-demand table with point-in-time recovery
   */
  readonly table?: dynamodb.ITableV2;

  /**
   * Where the alarms send their state changes (and recoveries).
   * @default - alarms without actions: they show in the console and the dashboard only
   */
  readonly alarmTopic?: sns.ITopic;

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
   * refreshAccessToken 100/200, signOut 50/100, the hosted page's three routes 50/100 each,
   * authorize 20/40, oauthToken 50/100, userInfo 50/100,
   * getOpenApiDocument, getOpenIdConfiguration and getJwks 10/20 each
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

  /**
   * Memory, timeout and architecture of every function, each field over its default. The cold-start
   * budgets of `npm run bench` and the figures in docs/capacity.md are for the defaults.
   * @default - 256 MB, a 10 s timeout, arm64
   */
  readonly functionProps?: MagicLinkAuthFunctionProps;

  /**
   * Which generation of KMS signing key signs the access tokens. The construct keeps the keys of the
   * previous, this and the next generation, and the JWKS publishes all three: raising it by one
   * rotates (tokens of the old key keep verifying until they expire, the new key was published a
   * generation ahead, so no verifier's cache meets an unknown `kid`), makes the next key and schedules
   * the deletion of the one before the previous.
   * @default 1
   */
  readonly signingKeyGeneration?: number;

  /**
   * Your function that decides who may sign in, asked after `allowedEmailDomains` admits an address:
   * synchronously (RequestResponse) when a link is requested, before anything is written or mailed, and
   * when a link or code is used. It gets `{"version": 1, "trigger": "request" | "verify", "email",
   * "domain", "source_ip"?, "method"?: "link" | "code"}` and answers `{"allow": true | false}`; an error,
   * another answer or none within `beforeSignInTimeout` is ruled by `beforeSignInOnError`. Only the
   * request and verify functions may invoke it (`lambda:InvokeFunction` on it alone).
   * @default - no function: `allowedEmailDomains` alone decides
   */
  readonly beforeSignIn?: lambda.IFunction;

  /**
   * The EventBridge bus the lifecycle events go to (`user.created`, `user.signed_in`,
   * `session.revoked`, `magic_link.requested`; see `onEvent`).
   * @default - the account's default bus
   */
  readonly eventBus?: events.IEventBus;

  /**
   * The apps that may sign people in through this service as an OpenID Connect provider (authorization
   * code flow with PKCE, at `oidcEndpoints`). A confidential client's secret is generated in Secrets
   * Manager (`oidcClientSecret`); only the token function may read it.
   * @default - none: the /oauth2 endpoints answer invalid_client / an error page
   */
  readonly oidcClients?: readonly OidcClient[];

  /**
   * Your own sign-in mail, by locale: a locale's `subject`, `text` or `html` replaces the shipped one
   * (the parts left out stay shipped). Placeholders: `{{link}}`, `{{code}}`, `{{expires}}` (the
   * lifetime in that language), `{{appName}}` and `{{supportUrl}}` (needs `brand.support`), each
   * HTML-escaped in `html`; `text` and `html` must each contain `{{link}}` and `{{code}}`. Synth
   * refuses a template that breaks a rule, naming the locale and the problem. The templates reach the
   * request function as its `MAIL_TEMPLATES` environment variable: together with its other variables
   * they must fit in Lambda's 4 KB of environment (synth says when they do not).
   * @default - the shipped mail in every locale
   */
  readonly mailTemplates?: { readonly [L in Locale]?: MailTemplate };
}

/** An app registered with the service's OpenID Connect provider. */
export interface OidcClient {
  /** [A-Za-z0-9._-], 3 to 64 characters. */
  readonly clientId: string;
  /** Shown on the sign-in page ("Sign in to <name>"). */
  readonly name: string;
  /** Exact redirect URIs (https, or http on a loopback host), compared after URL normalization; no wildcards. */
  readonly redirectUris: readonly string[];
  /** 'public': PKCE S256, no secret. 'confidential': a generated secret in Secrets Manager, client_secret_basic or client_secret_post (and PKCE when sent). */
  readonly type: 'public' | 'confidential';
}

/** The provider's endpoints, full URLs under the issuer. */
export interface OidcEndpoints {
  readonly authorization: string;
  readonly token: string;
  readonly userInfo: string;
  readonly jwks: string;
}

/** A rule for some of the lifecycle events (`MagicLinkAuth.onEvent`). */
export interface LifecycleEventRuleOptions {
  /**
   * The event types the rule matches.
   * @default - every type
   */
  readonly types?: readonly EventType[];
  /**
   * Where the matched events go.
   * @default - none yet: add targets to the rule returned
   */
  readonly target?: events.IRuleTarget;
  /**
   * @default - a name CloudFormation generates
   */
  readonly ruleName?: string;
  /**
   * @default - none
   */
  readonly description?: string;
}

/** The functions that ask the sign-in policy: the request (before mailing) and verify (before a session). */
const SIGN_IN_POLICY_FUNCTIONS: readonly FunctionName[] = ['request-magic-link', 'verify'];

/** Requests per second and burst each route gets from API Gateway, unless `routeThrottles` says otherwise. */
export const ROUTE_THROTTLE_DEFAULTS: Readonly<Record<Route['operationId'], apigwv2.ThrottleSettings>> = {
  requestMagicLink: { rateLimit: 20, burstLimit: 40 },
  // One challenge per link request under pressure, and a retry: the request route's rate.
  getChallenge: { rateLimit: 20, burstLimit: 40 },
  verify: { rateLimit: 100, burstLimit: 200 },
  getSession: { rateLimit: 200, burstLimit: 400 },
  refreshAccessToken: { rateLimit: 100, burstLimit: 200 },
  signOut: { rateLimit: 50, burstLimit: 100 },
  getSignInPage: { rateLimit: 50, burstLimit: 100 },
  getSignInScript: { rateLimit: 50, burstLimit: 100 },
  getSignInStyles: { rateLimit: 50, burstLimit: 100 },
  getSignInLanguage: { rateLimit: 50, burstLimit: 100 },
  // The OpenID Connect endpoints: a sign-in page view, a code exchange or refresh per sign-in, a UserInfo read.
  authorize: { rateLimit: 20, burstLimit: 40 },
  oauthToken: { rateLimit: 50, burstLimit: 100 },
  userInfo: { rateLimit: 50, burstLimit: 100 },
  getOpenApiDocument: { rateLimit: 10, burstLimit: 20 },
  // Verifiers cache both documents (an hour, API Gateway's authorizer up to two): little traffic.
  getOpenIdConfiguration: { rateLimit: 10, burstLimit: 20 },
  getJwks: { rateLimit: 10, burstLimit: 20 },
};

/**
 * Whose access tokens a route accepts: all another stack, app or account needs to check them offline.
 * A `MagicLinkAuth` is one; `MagicLinkAuth.fromIssuer()` names one deployed elsewhere.
 */
export interface IAccessTokenIssuer {
  /** The access tokens' `iss`: where `/.well-known/openid-configuration` is. */
  readonly issuer: string;
  /** The access tokens' `aud`. */
  readonly audience: string;
  /** The public keys the access tokens verify against (`<issuer>/.well-known/jwks.json`). */
  readonly jwksUrl: string;
  /**
   * A new API Gateway JWT authorizer for one of your HTTP APIs, set to this service's issuer and
   * audience: a route behind it gets only requests with a valid, unexpired access token, checked by
   * API Gateway without invoking anything. One per API (an authorizer belongs to the API it is bound to).
   */
  jwtAuthorizer(id?: string): HttpJwtAuthorizer;
}

/** A sign-in service deployed elsewhere, as its stack's outputs name it. */
export interface AccessTokenIssuerAttributes {
  /** The service's `issuer` (its stack's `Issuer` output). */
  readonly issuer: string;
  /**
   * The service's `audience` (its stack's `Audience` output).
   * @default 'magic-link-auth'
   */
  readonly audience?: string;
}

/** What an app builds on, of a sign-in service: its API, its table, the grant to read sessions, and its access tokens. */
export interface IMagicLinkAuth extends IConstruct, IAccessTokenIssuer {
  /** The API's base URL, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com`. */
  readonly url: string;
  readonly api: apigwv2.IHttpApi;
  /** Where links, sessions and counters live. */
  readonly table: dynamodb.ITableV2;
  /**
   * Lets `grantee` read sessions directly from the table (GetItem of a sign-in record's session
   * fields), e.g. a function of your app that checks a session without calling the API. Nothing else:
   * no links, counters or codes, and no writes.
   */
  grantReadSessions(grantee: iam.IGrantable): iam.Grant;
  /** Where the lifecycle events go. */
  readonly eventBus: events.IEventBus;
  /**
   * A rule on the events bus for this service's lifecycle events (of `types`, default all), to `target`.
   * It matches this deployment's events only (their resource is its table).
   */
  onEvent(id: string, options?: LifecycleEventRuleOptions): events.Rule;
}

/** The issuer's parts every implementation shares: the keys' URL and the authorizer follow from issuer and audience. */
class AccessTokenIssuer implements IAccessTokenIssuer {
  readonly jwksUrl: string;

  constructor(
    readonly issuer: string,
    readonly audience: string,
  ) {
    this.jwksUrl = `${issuer}${pathOf('getJwks')}`;
  }

  jwtAuthorizer(id = 'MagicLinkAuthJwt'): HttpJwtAuthorizer {
    return new HttpJwtAuthorizer(id, this.issuer, { jwtAudience: [this.audience] });
  }
}

/**
 * A passwordless sign-in service: an HTTP API that mails single-use magic links and turns them into
 * sessions, backed by one DynamoDB table and SES v2.
 */
export class MagicLinkAuth extends Construct implements IMagicLinkAuth {
  /**
   * A sign-in service deployed in another stack, app or account, by its issuer: enough to put your
   * routes behind its access tokens (`jwtAuthorizer()`) or to verify them in a backend (`jwksUrl`).
   */
  static fromIssuer(attributes: AccessTokenIssuerAttributes): IAccessTokenIssuer {
    // The same checks as the service's own settings: an issuer it could not have is refused at synth.
    const checked = <T>(name: 'issuer' | 'audience', kind: { check(value: unknown): Checked<T> }, value: unknown): T => {
      if (Token.isUnresolved(value)) return value as T;
      const result = kind.check(value);
      if (!result.ok) throw new Error(`MagicLinkAuth.fromIssuer: ${name} ${result.problem}`);
      return result.value;
    };
    return new AccessTokenIssuer(
      checked('issuer', SETTINGS.issuer.kind, attributes.issuer),
      checked('audience', SETTINGS.audience.kind, attributes.audience ?? SETTINGS.audience.default),
    );
  }

  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** Where links, sessions and counters live: the construct's own, or the one given as `table`. */
  readonly table: dynamodb.ITableV2;
  /** The set the mail goes through (none when `configurationSet` is `'none'`). */
  readonly configurationSet?: ses.IConfigurationSet;
  readonly emailIdentity: ses.IEmailIdentity;
  /** Keys the one-time codes' hashes; readable by the request and verify functions only. */
  readonly codeSecret: secretsmanager.ISecret;
  /** The KMS key the access tokens are signed with now (`signingKeyGeneration`). */
  readonly signingKey: kms.Key;
  /** The keys the JWKS publishes: the previous generation's (from the second on), the current and the next. */
  readonly publishedKeys: readonly kms.Key[];
  readonly functions: Readonly<Record<FunctionName, lambda.Function>>;
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly eventBus: events.IEventBus;
  /**
   * Table changes the events publisher can never publish, and batches it could not publish within
   * 12 hours (their stream position): the `eventsDeadLettered` alarm watches it.
   */
  readonly eventsDeadLetterQueue: sqs.Queue;
  private readonly tokens: AccessTokenIssuer;
  /** The OpenID Connect provider's endpoints, for a client's configuration (discovery lists them too). */
  readonly oidcEndpoints: OidcEndpoints;
  private readonly oidcSecrets: ReadonlyMap<string, secretsmanager.Secret>;
  /** Sign-in at a glance: requests, outcomes, mail, errors and latency. */
  readonly dashboard: cloudwatch.Dashboard;
  /** Server errors, delivery failures, and the SES bounce and complaint rates; see `ALARM_THRESHOLDS`. */
  readonly alarms: Readonly<Record<AlarmName, cloudwatch.Alarm>>;

  get url(): string {
    return this.stage.url.replace(/\/$/, '');
  }

  constructor(scope: Construct, id: string, props: MagicLinkAuthProps) {
    super(scope, id);
    // The hosted page's URL is known once the API exists (below): a Token until then.
    const apiUrl = Lazy.string({ produce: () => this.api.apiEndpoint });
    const hostedSignInUrl = Lazy.string({ produce: () => `${this.api.apiEndpoint}/sign-in` });
    const { values: settings, environment: settingsEnvironment } = resolveSettings(props, { hostedSignInUrl, apiUrl });
    this.tokens = new AccessTokenIssuer(settings.issuer, settings.audience);
    this.issuer = this.tokens.issuer;
    this.audience = this.tokens.audience;
    this.jwksUrl = this.tokens.jwksUrl;

    this.table = props.table ?? this.createTable(removalPolicy(settings.tableRemovalPolicy));
    if (this.table.tableStreamArn === undefined) {
      throw new Error('MagicLinkAuth: the lifecycle events come from the table\'s stream; give `table` with its tableStreamArn (a stream with NEW_AND_OLD_IMAGES), e.g. TableV2.fromTableAttributes');
    }
    this.eventBus = props.eventBus ?? events.EventBus.fromEventBusName(this, 'DefaultEventBus', 'default');
    this.eventsDeadLetterQueue = this.createEventsDeadLetterQueue();
    this.emailIdentity = props.emailIdentity ?? this.createIdentity(settings.senderAddress, props.hostedZone);
    this.configurationSet =
      props.configurationSet === 'none' ? undefined : (props.configurationSet ?? this.createConfigurationSet());
    this.codeSecret = this.createCodeSecret();
    const oidcClients = checkedOidcClients(props.oidcClients);
    const mailTemplates = checkedMailTemplates(props.mailTemplates, settings.brand.support !== undefined);
    this.oidcSecrets = this.createOidcClientSecrets(oidcClients);
    this.oidcEndpoints = {
      authorization: `${settings.issuer}${pathOf('authorize')}`,
      token: `${settings.issuer}${pathOf('oauthToken')}`,
      userInfo: `${settings.issuer}${pathOf('userInfo')}`,
      jwks: this.jwksUrl,
    };
    const keys = this.createSigningKeys(props.signingKeyGeneration ?? 1);
    this.signingKey = keys.current;
    this.publishedKeys = keys.published;

    // Tells this deployment's metrics from another's in the same account and region.
    const deployment = Names.uniqueId(this);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.functions = this.createFunctions(props, this.functionEnvironment(settingsEnvironment, deployment, oidcClients), retention, mailTemplates);
    this.grantSend(this.functions['request-magic-link'], settings.senderAddress);
    this.publishEvents(this.functions[EVENTS_FUNCTION]);

    const { api, routes } = this.createApi(settings.allowedOrigins);
    this.api = api;
    this.stage = this.createStage(props, routes, retention);

    const monitoring = this.createMonitoring(props, deployment);
    this.dashboard = monitoring.dashboard;
    this.alarms = monitoring.alarms;
  }

  /** The secret of a confidential client (its value is the client secret itself); throws for any other client id. */
  oidcClientSecret(clientId: string): secretsmanager.ISecret {
    const secret = this.oidcSecrets.get(clientId);
    if (secret === undefined) throw new Error(`MagicLinkAuth.oidcClientSecret: "${clientId}" is not a confidential client of oidcClients`);
    return secret;
  }

  grantReadSessions(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: [...SESSION_READ_ACCESS.actions],
      resourceArns: [this.table.tableArn],
      conditions: tableStatement(this.table, SESSION_READ_ACCESS).conditions,
    });
  }

  jwtAuthorizer(id?: string): HttpJwtAuthorizer {
    return this.tokens.jwtAuthorizer(id);
  }

  onEvent(id: string, options: LifecycleEventRuleOptions = {}): events.Rule {
    return new events.Rule(this, id, {
      eventBus: this.eventBus,
      eventPattern: { source: [EVENT_SOURCE], detailType: [...(options.types ?? EVENT_TYPES)], resources: [this.table.tableArn] },
      ...(options.target ? { targets: [options.target] } : {}),
      ...(options.ruleName ? { ruleName: options.ruleName } : {}),
      ...(options.description ? { description: options.description } : {}),
    });
  }

  /** Where the events publisher puts what it can never publish: kept 14 days, encrypted, TLS only. */
  private createEventsDeadLetterQueue(): sqs.Queue {
    const queue = new sqs.Queue(this, 'EventsDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This queue is the events publisher\'s dead-letter queue (its event source mapping\'s on-failure destination).' });
    return queue;
  }

  /** The publisher's own environment: where events and dead letters go, and the logs' service name. Nothing else. */
  private eventsEnvironment(shared: Record<string, string>): Record<string, string> {
    return {
      [RESOURCE_ENV.eventBusName]: this.eventBus.eventBusName,
      [RESOURCE_ENV.eventsDeadLetterQueueUrl]: this.eventsDeadLetterQueue.queueUrl,
      POWERTOOLS_SERVICE_NAME: shared.POWERTOOLS_SERVICE_NAME!,
      POWERTOOLS_LOG_LEVEL: shared.POWERTOOLS_LOG_LEVEL!,
    };
  }

  /**
   * The table's stream, sign-ins and users only, to the publisher, in order. A batch that fails is
   * retried (halved to find a bad record) for up to 12 hours, then its stream position goes to the
   * dead-letter queue, which leaves 12 of the stream's 24 hours to read it back.
   */
  private publishEvents(publisher: lambda.Function): void {
    publisher.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        bisectBatchOnError: true,
        maxRecordAge: Duration.hours(12),
        onFailure: new SqsDlq(this.eventsDeadLetterQueue),
        filters: EVENT_ITEM_PREFIXES.map((prefix) => lambda.FilterCriteria.filter({ dynamodb: { Keys: { [TABLE_KEYS.partitionKey]: { S: lambda.FilterRule.beginsWith(prefix) } } } })),
      }),
    );
    this.eventBus.grantPutEventsTo(publisher);
    this.eventsDeadLetterQueue.grantSendMessages(publisher);
  }

  /**
   * Keys the one-time codes' hashes: a 6-digit code hashed without a secret falls to 10^6 guesses, so
   * a copy of the table must not be enough. Only the functions that handle codes may read it.
   */
  private createCodeSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'CodeSecret', {
      description: 'magic-link-auth: keys the hashes of the one-time sign-in codes',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The secret keys hashes of codes that live 15 minutes by default; rotating it would only invalidate the codes in flight, and a new deployment of the secret has the same effect when wanted.',
    });
    return secret;
  }

  /**
   * One generated secret per confidential client, its value the client secret itself (letters and
   * digits, 64 long), under a logical ID from the client id, so adding a client leaves the others' alone.
   */
  private createOidcClientSecrets(clients: readonly OidcClient[]): Map<string, secretsmanager.Secret> {
    const secrets = new Map<string, secretsmanager.Secret>();
    for (const client of clients.filter((candidate) => candidate.type === 'confidential')) {
      const secret = new secretsmanager.Secret(this, `OidcClientSecret${client.clientId}`, {
        description: `magic-link-auth: the OpenID Connect client secret of ${client.clientId}`,
        generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
        removalPolicy: RemovalPolicy.DESTROY,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'A client secret is shared with the client\'s owner, who rotates it with the client (a new value, then the client updated); Secrets Manager cannot update the client.',
      });
      secrets.set(client.clientId, secret);
    }
    return secrets;
  }

  /**
   * One KMS key per generation (RSA_2048, sign and verify), each under its own logical ID, so raising
   * the generation by one adds the next key and deletes the one before the previous. The private keys
   * never leave KMS.
   */
  private createSigningKeys(generation: number): { current: kms.Key; published: kms.Key[] } {
    if (!Number.isInteger(generation) || generation < 1) throw new Error(`MagicLinkAuth: signingKeyGeneration must be a whole number from 1, got ${generation}`);
    const published = [generation - 1, generation, generation + 1]
      .filter((g) => g >= 1)
      .map((g) => {
        const key = new kms.Key(this, `SigningKey${g}`, {
          description: `magic-link-auth: signs access tokens (generation ${g})`,
          keySpec: kms.KeySpec.RSA_2048,
          keyUsage: kms.KeyUsage.SIGN_VERIFY,
          // Deleting a key is always scheduled by KMS: the shortest window, once it has left the JWKS.
          removalPolicy: RemovalPolicy.DESTROY,
          pendingWindow: Duration.days(7),
        });
        Validations.of(key).acknowledge({
          id: 'AwsSolutions-KMS5',
          reason: 'KMS rotates only symmetric keys automatically; this RSA signing key is rotated by generation (signingKeyGeneration), with the previous and next keys published.',
        });
        return key;
      });
    return { current: published[generation === 1 ? 0 : 1]!, published };
  }

  /** The functions' environment: the settings, and what wires them to this stack's resources and metrics. */
  private functionEnvironment(settings: Record<string, string>, deployment: string, oidcClients: readonly OidcClient[]): Record<string, string> {
    return {
      ...(oidcClients.length === 0 ? {} : { [RESOURCE_ENV.oidcClients]: JSON.stringify(oidcClients) }),
      [RESOURCE_ENV.codeSecretArn]: this.codeSecret.secretArn,
      [RESOURCE_ENV.signingKeyArn]: this.signingKey.keyArn,
      [RESOURCE_ENV.publicKeyArns]: this.publishedKeys.map((key) => key.keyArn).join(','),
      ...settings,
      [RESOURCE_ENV.tableName]: this.table.tableName,
      ...(this.configurationSet ? { [RESOURCE_ENV.sesConfigurationSet]: this.configurationSet.configurationSetName } : {}),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      [METRICS_DEPLOYMENT_ENV]: deployment,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      // No --enable-source-maps: it costs every cold start (npm run bench shows how much per import);
      // the maps ship in the package (dist/maps/) for mapping a logged stack frame offline.
    };
  }

  /** The token function's map of confidential clients to their secrets' ARNs (none: nothing). */
  private oidcSecretEnvironment(): Record<string, string> {
    if (this.oidcSecrets.size === 0) return {};
    return { [RESOURCE_ENV.oidcClientSecretArns]: Stack.of(this).toJsonString(Object.fromEntries([...this.oidcSecrets].map(([clientId, secret]) => [clientId, secret.secretArn]))) };
  }

  /** Every function, each granted its own part of the table (`TABLE_ACCESS`) and, for codes, the secret. */
  private createFunctions(
    props: MagicLinkAuthProps,
    environment: Record<string, string>,
    logRetention: logs.RetentionDays,
    mailTemplates: string | undefined,
  ): Record<FunctionName, lambda.Function> {
    const functions = {} as Record<FunctionName, lambda.Function>;
    for (const name of FUNCTION_NAMES) {
      const hooked = props.beforeSignIn !== undefined && SIGN_IN_POLICY_FUNCTIONS.includes(name);
      const env = hooked ? { ...environment, [RESOURCE_ENV.beforeSignInFunctionArn]: props.beforeSignIn!.functionArn } : environment;
      const fnEnvironment =
        name === EVENTS_FUNCTION
          ? this.eventsEnvironment(environment)
          : name === 'oauth-token'
            ? { ...env, ...this.oidcSecretEnvironment() }
            : name === 'request-magic-link' && mailTemplates !== undefined
              ? withinEnvironmentLimit({ ...env, [RESOURCE_ENV.mailTemplates]: mailTemplates })
              : env;
      const fn = createFunction(this, name, { environment: fnEnvironment, logRetention, sizing: props.functionProps, reservedConcurrency: props.reservedConcurrency?.[name] });
      // On the role, not the function's resource policy: an imported function (another stack's, or an
      // ARN from context) takes no resource policy from here, and this grant names it alone.
      if (hooked) fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.beforeSignIn!.functionArn] }));
      for (const access of TABLE_ACCESS[name]) fn.addToRolePolicy(tableStatement(this.table, access));
      functions[name] = fn;
    }
    for (const name of ['request-magic-link', 'verify'] as const) this.codeSecret.grantRead(functions[name]);
    // The client secrets: the token function alone reads them.
    for (const secret of this.oidcSecrets.values()) secret.grantRead(functions['oauth-token']);
    // Only the functions that issue access tokens may sign, and only with the current key.
    for (const name of ['verify', 'token', 'oauth-token'] as const) this.signingKey.grant(functions[name], 'kms:Sign');
    // The JWKS function reads the public halves of every published key, nothing else.
    for (const key of this.publishedKeys) key.grant(functions.openid, 'kms:GetPublicKey');
    return functions;
  }

  /** Only the function that mails may call SES, only as the sender, only through the configuration set. */
  private grantSend(fn: lambda.Function, senderAddress: string): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          identityArn(this, this.emailIdentity),
          ...(this.configurationSet
            ? [Stack.of(this).formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName })]
            : []),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': senderAddress } },
      }),
    );
  }

  /** The HTTP API: a route per operation to its function, everything else to the fallback. */
  private createApi(allowedOrigins: readonly string[] | undefined): { api: apigwv2.HttpApi; routes: apigwv2.HttpRoute[] } {
    const api = new apigwv2.HttpApi(this, 'Api', {
      description: 'Magic-link sign-in',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Fallback', this.functions.fallback),
      corsPreflight: corsOf(allowedOrigins),
    });
    const integrations: Partial<Record<FunctionName, HttpLambdaIntegration>> = {};
    const routes: apigwv2.HttpRoute[] = [];
    for (const route of ROUTES) {
      // One integration per function, shared by its routes (the hosted page serves three paths).
      integrations[route.handler] ??= new HttpLambdaIntegration(pascal(route.handler), this.functions[route.handler]);
      routes.push(...api.addRoutes({ path: route.path, methods: [apigwv2.HttpMethod[route.method]], integration: integrations[route.handler]! }));
    }
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'The sign-in routes are public by design: they are how a caller obtains credentials. Sessions are checked by the functions.',
    });
    return { api, routes };
  }

  /** The API's one stage: a throttle per route, a tighter one for what no route matches, and access logs. */
  private createStage(props: MagicLinkAuthProps, routes: readonly apigwv2.HttpRoute[], retention: logs.RetentionDays): apigwv2.HttpStage {
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention });
    const stage = new apigwv2.HttpStage(this, 'Stage', {
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
    const cfnStage = stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      ROUTES.map((route) => {
        const throttle = { ...ROUTE_THROTTLE_DEFAULTS[route.operationId], ...props.routeThrottles?.[route.operationId] };
        // RouteSettings is passed through as it is: CloudFormation's own property names.
        return [`${route.method} ${route.path}`, { ThrottlingRateLimit: throttle.rateLimit, ThrottlingBurstLimit: throttle.burstLimit }];
      }),
    );
    for (const route of routes) cfnStage.node.addDependency(route);
    return stage;
  }

  /** The dashboard and alarms; SES reputation from the construct's own configuration set when it made one. */
  private createMonitoring(props: MagicLinkAuthProps, deployment: string): Monitoring {
    return new Monitoring(this, 'Monitoring', {
      api: this.api,
      functions: this.functions,
      deployment,
      events: { publisher: this.functions[EVENTS_FUNCTION], deadLetterQueue: this.eventsDeadLetterQueue },
      ...(this.configurationSet && props.configurationSet === undefined ? { ownConfigurationSet: this.configurationSet } : {}),
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
    });
  }

  private createTable(removal: RemovalPolicy): dynamodb.TableV2 {
    return new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TABLE_KEYS.timeToLive,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: removal === RemovalPolicy.RETAIN,
      removalPolicy: removal,
      // The lifecycle events' source: each change with the item before and after it.
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      globalSecondaryIndexes: [
        {
          indexName: USER_INDEX.name,
          partitionKey: { name: USER_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...USER_INDEX.projected],
        },
      ],
    });
  }

  private createIdentity(senderAddress: string, zone: route53.IPublicHostedZone | undefined): ses.EmailIdentity {
    if (zone === undefined) return new ses.EmailIdentity(this, 'SenderIdentity', { identity: ses.Identity.email(senderAddress) });
    // Easy DKIM on the zone's domain; the identity writes the DKIM CNAME records into the zone.
    if (!Token.isUnresolved(senderAddress) && !Token.isUnresolved(zone.zoneName) && senderAddress.split('@')[1] !== zone.zoneName.replace(/\.$/, '')) {
      throw new Error(`MagicLinkAuth: hostedZone ${zone.zoneName} is not the domain of senderAddress`);
    }
    return new ses.EmailIdentity(this, 'DomainIdentity', { identity: ses.Identity.publicHostedZone(zone) });
  }

  private createConfigurationSet(): ses.ConfigurationSet {
    const set = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // An address that bounced or complained is not mailed again: repeated bounces are what gets an
      // SES account reviewed and paused, which would stop sign-in for everyone.
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    set.addEventDestination('ToCloudWatch', {
      destination: ses.EventDestination.cloudWatchDimensions([
        { name: 'ses:configuration-set', source: ses.CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: 'none' },
      ]),
      events: [ses.EmailSendingEvent.SEND, ses.EmailSendingEvent.DELIVERY, ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
    return set;
  }
}

/**
 * API Gateway's own CORS: it answers preflights itself and adds the allow headers to every response,
 * for the allowed origins only. None are allowed when the settings leave none (the hosted page is the
 * API's own origin).
 */
function corsOf(origins: readonly string[] | undefined): apigwv2.CorsPreflightOptions | undefined {
  if (origins === undefined) return undefined;
  return {
    allowOrigins: [...origins],
    allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST],
    allowHeaders: [...CORS_REQUEST_HEADERS],
    exposeHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: Duration.minutes(10),
  };
}

/** The registry, checked as the functions will check it, so a client they would refuse fails the synth instead. */
function checkedOidcClients(clients: readonly OidcClient[] | undefined): OidcClient[] {
  const checked = checkOidcClients(clients ?? []);
  if (!checked.ok) throw new Error(`MagicLinkAuth: oidcClients: ${checked.problem}`);
  return checked.clients;
}

/** The team's templates, checked as the function will render them; as JSON for the request function, or undefined when none. */
function checkedMailTemplates(templates: MagicLinkAuthProps['mailTemplates'], hasSupport: boolean): string | undefined {
  if (templates === undefined || Object.keys(templates).length === 0) return undefined;
  const problem = checkMailTemplates(templates, { locales: LOCALES, hasSupport });
  if (problem !== undefined) throw new Error(`MagicLinkAuth: ${problem}`);
  return JSON.stringify(templates);
}

/** Lambda's limit on a function's environment: every variable's name and value together. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** What a value known only at deploy time (an ARN, a name) is counted as: an ARN's length, generously. */
const UNRESOLVED_VALUE_BYTES = 160;

/** The request function's environment with the templates, refused at synth when Lambda would refuse it at deploy. */
function withinEnvironmentLimit(environment: Record<string, string>): Record<string, string> {
  const size = (text: string) => (Token.isUnresolved(text) ? UNRESOLVED_VALUE_BYTES : Buffer.byteLength(text));
  const total = Object.entries(environment).reduce((sum, [name, value]) => sum + size(name) + size(value), 0);
  if (total > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
    const templates = size(environment[RESOURCE_ENV.mailTemplates]!);
    throw new Error(
      `MagicLinkAuth: mailTemplates take ${templates} bytes of the request function's environment, which would then hold about ${total} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} in all. Shorten the templates (the HTML especially: move styles to fewer, shorter attributes)`,
    );
  }
  return environment;
}

function identityArn(scope: Construct, identity: ses.IEmailIdentity): string {
  return Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: identity.emailIdentityName });
}

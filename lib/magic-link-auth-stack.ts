import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { MagicLinkAuth, type MagicLinkAuthProps } from './magic-link-auth';
import { settingsFromContext } from './settings';

export interface MagicLinkAuthStackProps extends StackProps {
  readonly auth: MagicLinkAuthProps;
  /**
   * The name of an SES identity that already exists (an address or a domain) to send as, instead of
   * creating one for `senderAddress`. The app reads it from `-c emailIdentityName=...`.
   * @default - a new identity for the sender address
   */
  readonly emailIdentityName?: string;
  /**
   * The name of an SES configuration set that already exists to send through, or `none` to send
   * without one: for platforms whose CloudFormation lacks SES configuration sets (some LocalStack
   * tiers and versions). The app reads it from `-c configurationSetName=...`.
   * @default - a new configuration set (suppression, reputation metrics, events to CloudWatch)
   */
  readonly configurationSetName?: string;
  /**
   * The ARN of a function that already exists to ask who may sign in (the construct's `beforeSignIn`).
   * The app reads it from `-c beforeSignInFunctionArn=...`.
   * @default - none: `allowedEmailDomains` alone decides
   */
  readonly beforeSignInFunctionArn?: string;
  /**
   * The name of an EventBridge bus that already exists for the lifecycle events (the construct's
   * `eventBus`). The app reads it from `-c eventBusName=...`.
   * @default - the account's default bus
   */
  readonly eventBusName?: string;
  /**
   * Also a queue that every lifecycle event is delivered to, through a rule (`onEvent`), and its URL as
   * the `EventQueueUrl` output: to watch the events while trying the service (`npm start` prints
   * them). The app reads it from `-c eventQueue=true`.
   * @default false
   */
  readonly eventQueue?: boolean;
}

/** The deployable app: the construct plus the outputs a client needs. */
export class MagicLinkAuthStack extends Stack {
  readonly auth: MagicLinkAuth;

  constructor(scope: Construct, id: string, props: MagicLinkAuthStackProps) {
    super(scope, id, props);
    const emailIdentity = props.emailIdentityName ? ses.EmailIdentity.fromEmailIdentityName(this, 'EmailIdentity', props.emailIdentityName) : undefined;
    const configurationSet =
      props.configurationSetName === undefined
        ? undefined
        : props.configurationSetName === 'none'
          ? ('none' as const)
          : ses.ConfigurationSet.fromConfigurationSetName(this, 'ConfigurationSet', props.configurationSetName);
    const beforeSignIn = props.beforeSignInFunctionArn ? lambda.Function.fromFunctionArn(this, 'BeforeSignIn', props.beforeSignInFunctionArn) : undefined;
    this.auth = new MagicLinkAuth(this, 'MagicLinkAuth', {
      ...props.auth,
      ...(beforeSignIn ? { beforeSignIn } : {}),
      ...(props.eventBusName ? { eventBus: events.EventBus.fromEventBusName(this, 'EventBus', props.eventBusName) } : {}),
      ...(emailIdentity ? { emailIdentity } : {}),
      ...(configurationSet ? { configurationSet } : {}),
    });
    new CfnOutput(this, 'ApiUrl', { value: this.auth.url, description: 'Base URL of the sign-in API' });
    new CfnOutput(this, 'ApiId', { value: this.auth.api.apiId });
    new CfnOutput(this, 'TableName', { value: this.auth.table.tableName });
    // What another stack, app or backend needs to check the access tokens (MagicLinkAuth.fromIssuer).
    new CfnOutput(this, 'Issuer', { value: this.auth.issuer, description: 'The access tokens\' iss; discovery at <Issuer>/.well-known/openid-configuration' });
    new CfnOutput(this, 'EventsDeadLetterQueueUrl', { value: this.auth.eventsDeadLetterQueue.queueUrl, description: 'Table changes that could not be published as events' });
    if (props.eventQueue) {
      const queue = new sqs.Queue(this, 'EventQueue', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(1) });
      this.auth.onEvent('AllEvents', { target: new targets.SqsQueue(queue), description: 'Every lifecycle event, to the EventQueue' });
      new CfnOutput(this, 'EventQueueUrl', { value: queue.queueUrl, description: 'A queue every lifecycle event is delivered to' });
    }
    new CfnOutput(this, 'Audience', { value: this.auth.audience, description: 'The access tokens\' aud' });
    // Where each confidential client's secret is (its ARN, never its value), for the client's owner.
    for (const client of (props.auth.oidcClients ?? []).filter((candidate) => candidate.type === 'confidential')) {
      new CfnOutput(this, `OidcClientSecretArn${client.clientId.replace(/[^A-Za-z0-9]/g, '')}`, {
        value: this.auth.oidcClientSecret(client.clientId).secretArn,
        description: `The Secrets Manager secret holding the client secret of ${client.clientId}`,
      });
    }
  }
}

/**
 * Reads the stack's settings from CDK context (`cdk.json`, or `-c key=value` on the command line),
 * each under its name in `lambdas/settings.ts` (durations in seconds: `linkLifetimeSeconds`).
 * Unset values keep the construct's defaults; `appName` defaults to `DEFAULT_APP_NAME` here.
 */
export function propsFromContext(node: { tryGetContext(key: string): unknown }): MagicLinkAuthProps {
  const given = (key: string): unknown => node.tryGetContext(key);
  return settingsFromContext({ tryGetContext: (key) => (key === 'appName' ? given(key) || DEFAULT_APP_NAME : given(key)) });
}

/** The app's name in the mail and on the page when `-c appName=...` names none (the construct itself requires one). */
export const DEFAULT_APP_NAME = 'Magic Link Auth';

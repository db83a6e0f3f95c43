import { Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS, METRICS_DEPLOYMENT_DIMENSION, METRICS_NAMESPACE, type MetricKey } from '../lambdas/contract/metrics';

/** The service name Powertools puts in every metric's `service` dimension (the functions' POWERTOOLS_SERVICE_NAME). */
export const SERVICE_NAME = 'magic-link-auth';

/**
 * When each alarm fires. SES reviews an account at a 5% bounce rate and a 0.1% complaint rate, and may
 * pause its sending (then nobody can sign in): the alarms fire at well under half of each.
 */
export const ALARM_THRESHOLDS = {
  /** Share of API responses that are 5xx (Average of API Gateway's `5xx`), in 2 of 3 five-minute periods. */
  serverErrors: 0.01,
  /** Mails SES refused or failed to take, in five minutes. */
  deliveryFailures: 3,
  /** SES's reputation bounce rate (a fraction). */
  bounceRate: 0.02,
  /** SES's reputation complaint rate (a fraction). */
  complaintRate: 0.0005,
  /** Table changes the events publisher could never publish, waiting in its dead-letter queue. */
  eventsDeadLettered: 1,
  /** Age in milliseconds of the oldest table change not yet published (the publisher's IteratorAge), over five minutes. */
  eventsDelayed: 5 * 60 * 1000,
} as const;

export type AlarmName = keyof typeof ALARM_THRESHOLDS;

export interface MonitoringProps {
  readonly api: apigwv2.IHttpApi;
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** The value of the `deployment` dimension the functions write. */
  readonly deployment: string;
  /** The construct's own configuration set: its reputation metrics and events. Without one, the account's. */
  readonly ownConfigurationSet?: ses.IConfigurationSet;
  readonly alarmTopic?: sns.ITopic;
  /** The function that publishes the lifecycle events, and where it puts what it cannot publish. */
  readonly events: { readonly publisher: lambda.IFunction; readonly deadLetterQueue: sqs.IQueue };
}

/** The dashboard and alarms of one deployment. */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: Readonly<Record<AlarmName, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const own = (key: MetricKey) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRICS[key].name,
        dimensionsMap: { service: SERVICE_NAME, [METRICS_DEPLOYMENT_DIMENSION]: props.deployment },
        statistic: cloudwatch.Stats.SUM,
        period,
      });
    // No labels on what an alarm watches: a label turns the alarm into a metric-math one, which some
    // emulators' CloudFormation refuses (docs/local-emulator.md).
    const api = (metricName: string, statistic: string, label?: string) =>
      new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiId: props.api.apiId }, statistic, period, ...(label ? { label } : {}) });
    // Reputation metrics: per configuration set when it is the construct's own (reputation metrics on), else the account's.
    const setDimension = props.ownConfigurationSet ? { 'ses:configuration-set': props.ownConfigurationSet.configurationSetName } : undefined;
    const reputation = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        ...(setDimension ? { dimensionsMap: setDimension } : {}),
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      });

    const alarm = (name: AlarmName, metric: cloudwatch.IMetric, description: string, options: Partial<cloudwatch.CreateAlarmOptions> = {}) => {
      const created = new cloudwatch.Alarm(this, `${name[0]!.toUpperCase()}${name.slice(1)}`, {
        metric,
        alarmDescription: `magic-link-auth: ${description}`,
        threshold: ALARM_THRESHOLDS[name],
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      if (props.alarmTopic) {
        created.addAlarmAction(new actions.SnsAction(props.alarmTopic));
        created.addOkAction(new actions.SnsAction(props.alarmTopic));
      }
      return created;
    };
    this.alarms = {
      serverErrors: alarm('serverErrors', api('5xx', cloudwatch.Stats.AVERAGE), 'at least 1% of API responses are server errors (a 500 is a bug; a 503 a dependency down)', {
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
      }),
      deliveryFailures: alarm('deliveryFailures', own('deliveryFailed'), 'SES is refusing or failing to take sign-in mail: users get 502 and no link'),
      bounceRate: alarm('bounceRate', reputation('Reputation.BounceRate'), 'SES bounce rate at 2% (SES reviews the account at 5%, and may pause sending)'),
      complaintRate: alarm('complaintRate', reputation('Reputation.ComplaintRate'), 'SES complaint rate at 0.05% (SES reviews the account at 0.1%)'),
      eventsDeadLettered: alarm(
        'eventsDeadLettered',
        props.events.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: cloudwatch.Stats.MAXIMUM }),
        'a table change could not be published as an event (or waited too long) and is in the events dead-letter queue',
      ),
      eventsDelayed: alarm(
        'eventsDelayed',
        props.events.publisher.metric('IteratorAge', { period, statistic: cloudwatch.Stats.MAXIMUM }),
        'lifecycle events are more than five minutes behind the table: EventBridge is refusing them (they are retried)',
      ),
    };

    const graph = (title: string, metrics: cloudwatch.IMetric[], width = 12) => new cloudwatch.GraphWidget({ title, left: metrics, width, height: 6 });
    const perFunction = (metricName: 'errors' | 'throttles' | 'duration') =>
      Object.entries(props.functions).map(([name, fn]) =>
        (metricName === 'duration' ? fn.metricDuration({ statistic: 'p99', period }) : metricName === 'errors' ? fn.metricErrors({ period }) : fn.metricThrottles({ period })).with({ label: name }),
      );
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24, height: 3 })],
        [
          graph('Magic links', [own('linkRequested'), own('linkMailed'), own('refusedIpLimit'), own('refusedEmailLimit'), own('refusedCapacity'), own('challengeRequired'), own('mailHeld'), own('deliveryFailed')]),
          graph('Sign-ins', [own('verifiedByLink'), own('verifiedByCode'), own('alreadyUsed'), own('expired'), own('notFound'), own('deviceMismatch'), own('codeInvalid'), own('codeAttemptsExceeded'), own('codeIpLimitExceeded')]),
        ],
        [
          graph('API requests and errors', [api('Count', cloudwatch.Stats.SUM, 'requests'), api('4xx', cloudwatch.Stats.SUM, '4xx'), api('5xx', cloudwatch.Stats.SUM, '5xx')]),
          graph('API latency', [api('Latency', cloudwatch.Stats.p(50), 'p50'), api('Latency', cloudwatch.Stats.p(99), 'p99')]),
        ],
        [
          graph('SES reputation', [reputation('Reputation.BounceRate'), reputation('Reputation.ComplaintRate')]),
          ...(setDimension
            ? [graph('SES events', ['Send', 'Delivery', 'Bounce', 'Complaint'].map((metricName) => new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, dimensionsMap: setDimension, statistic: 'Sum', period })))]
            : []),
        ],
        [graph('Function errors', perFunction('errors'), 8), graph('Function throttles', perFunction('throttles'), 8), graph('Function duration p99', perFunction('duration'), 8)],
      ],
    });
  }
}

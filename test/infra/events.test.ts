import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { MagicLinkAuth, type MagicLinkAuthProps } from '../../lib/magic-link-auth';
import { EVENT_TYPES } from '../../lambdas/contract/events';

const required: MagicLinkAuthProps = { senderAddress: 'no-reply@example.com', appName: 'Example App', signInUrl: 'https://app.example.com/sign-in' };

function synth(props: Partial<MagicLinkAuthProps> = {}, extra?: (stack: Stack, auth: MagicLinkAuth) => void) {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Events');
  const auth = new MagicLinkAuth(stack, 'Auth', { ...required, ...props });
  extra?.(stack, auth);
  return { stack, auth, template: Template.fromStack(stack) };
}

const { stack, auth, template } = synth();
const publisherId = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) => id.startsWith('AuthPublishEvents'))!;
const publisher = template.findResources('AWS::Lambda::Function')[publisherId]!;
const publisherStatements = () => {
  const roleRef = publisher.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleRef))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
};

describe('lifecycle events', () => {
  it('streams each change of the table with the item before and after it', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } });
  });

  it('feeds sign-ins and users only to the publisher, from the oldest record, retrying with halving for 12 hours, then to the dead-letter queue', () => {
    const [mapping] = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mapping!.Properties).toMatchObject({
      FunctionName: { Ref: publisherId },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRecordAgeInSeconds: 12 * 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^AuthEventsDeadLetterQueue/), 'Arn'] } } },
    });
    expect(mapping!.Properties.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern))).toEqual([
      { dynamodb: { Keys: { pk: { S: [{ prefix: 'user#' }] } } } },
      { dynamodb: { Keys: { pk: { S: [{ prefix: 'signin#' }] } } } },
    ]);
  });

  it('gives the publisher the bus and the dead-letter queue, and nothing of the table but its stream: no items, no secret, no key', () => {
    expect(Object.keys(publisher.Properties.Environment.Variables).sort()).toEqual(['EVENTS_DEAD_LETTER_QUEUE_URL', 'EVENT_BUS_NAME', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME']);
    expect(publisher.Properties.Environment.Variables.EVENT_BUS_NAME).toBe('default');
    const actions = publisherStatements().flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['events:PutEvents', 'sqs:SendMessage', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']));
    expect(actions.filter((action: string) => /^(dynamodb:(GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan)|kms:|secretsmanager:|ses:)/.test(action))).toEqual([]);
    const putEvents = publisherStatements().find((statement) => statement.Action === 'events:PutEvents');
    expect(JSON.stringify(putEvents.Resource)).toContain('event-bus/default');
  });

  it('keeps dead letters 14 days, encrypted, over TLS only', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 86400, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(stack.resolve(auth.eventsDeadLetterQueue.queueUrl)).toEqual({ Ref: expect.stringMatching(/^AuthEventsDeadLetterQueue/) });
  });

  it('onEvent adds a rule for this deployment\'s events (its table is their resource) of the types asked, default all', () => {
    const { template: withRules } = synth({}, (own, service) => {
      const queue = new sqs.Queue(own, 'Welcome');
      service.onEvent('NewUsers', { types: ['user.created'], target: new targets.SqsQueue(queue) });
      service.onEvent('Everything');
    });
    const rules = Object.values(withRules.findResources('AWS::Events::Rule')).map((rule) => rule.Properties);
    expect(rules).toHaveLength(2);
    expect(rules[0]).toMatchObject({
      EventPattern: { source: ['magic-link-auth'], 'detail-type': ['user.created'], resources: [{ 'Fn::GetAtt': [expect.stringMatching(/^AuthTable/), 'Arn'] }] },
      Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/^Welcome/), 'Arn'] } })],
    });
    expect(rules[1]!.EventPattern['detail-type']).toEqual(EVENT_TYPES);
    expect(rules[1]!.EventBusName).toBe('default');
  });

  it('puts events on the bus it is given, and its rules there', () => {
    const { template: given } = (() => {
      const ownStack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Bus');
      const bus = new events.EventBus(ownStack, 'TeamBus');
      const service = new MagicLinkAuth(ownStack, 'Auth', { ...required, eventBus: bus });
      service.onEvent('All');
      return { template: Template.fromStack(ownStack) };
    })();
    const [fn] = Object.entries(given.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('AuthPublishEvents'));
    expect(fn![1].Properties.Environment.Variables.EVENT_BUS_NAME).toEqual({ Ref: expect.stringMatching(/^TeamBus/) });
    given.hasResourceProperties('AWS::Events::Rule', { EventBusName: { Ref: Match.stringLikeRegexp('^TeamBus') } });
  });
});

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher';
import { SqsDeadLetters, type DeadLetter } from '../adapters/sqs-dead-letters';
import { eventsOf, type TableChange } from '../adapters/table-events';
import type { EventDetail } from '../contract/events';
import { logger } from '../http/logger';
import { RESOURCE_ENV } from '../settings';

/** Read once per container; the construct always sets both. */
function required(name: string): string {
  const value = process.env[name]?.trim();
  if (!value) throw new Error(`Invalid configuration: ${name} is required but not set`);
  return value;
}

let delivery: { publisher: EventBridgePublisher; deadLetters: SqsDeadLetters } | undefined;
const deliveryOf = () =>
  (delivery ??= {
    publisher: new EventBridgePublisher(required(RESOURCE_ENV.eventBusName)),
    deadLetters: new SqsDeadLetters(required(RESOURCE_ENV.eventsDeadLetterQueueUrl)),
  });

const image = (value: NonNullable<DynamoDBRecord['dynamodb']>['NewImage']) => (value === undefined ? undefined : unmarshall(value as Record<string, AttributeValue>));

/** The table a stream record comes from: its stream's ARN without `/stream/<label>`. */
const tableArnOf = (record: DynamoDBRecord) => record.eventSourceARN?.split('/stream/')[0] ?? 'unknown';

/**
 * The table's stream (sign-ins and users only, filtered by the event source mapping) to lifecycle
 * events on EventBridge, off the request path. A record that can never make a valid event goes to the
 * dead-letter queue; any other failure throws, and the stream delivers the batch again (in order) until
 * EventBridge takes it: nothing is dropped, and an event may arrive more than once (same `detail.id`).
 * Addresses are in the records and in two events' details, never in a log line.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const { publisher, deadLetters } = deliveryOf();
  const events: EventDetail[] = [];
  const poisoned: DeadLetter[] = [];
  let resource = 'unknown';
  for (const record of event.Records) {
    resource = tableArnOf(record);
    const change: TableChange = { name: record.eventName ?? 'MODIFY', old: image(record.dynamodb?.OldImage), new: image(record.dynamodb?.NewImage) };
    const derived = eventsOf(change);
    if (derived.ok) {
      events.push(...derived.events);
    } else {
      const keys = record.dynamodb?.Keys ? unmarshall(record.dynamodb.Keys as Record<string, AttributeValue>) : {};
      poisoned.push({ pk: String(keys.pk ?? ''), change: change.name, eventId: record.eventID, sequenceNumber: record.dynamodb?.SequenceNumber, problem: derived.problem });
    }
  }
  if (poisoned.length > 0) {
    await deadLetters.send(poisoned);
    logger.error('table changes that can never be published went to the dead-letter queue', { dead_lettered: poisoned.length, problems: poisoned.map((letter) => letter.problem) });
  }
  await publisher.publish(events, resource);
  logger.info('published lifecycle events', { records: event.Records.length, published: events.length, types: events.map((detail) => detail.type) });
}

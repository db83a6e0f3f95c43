import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../lambdas/handlers/publish-events';

const eventBridge = mockClient(EventBridgeClient);
const sqs = mockClient(SQSClient);
const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/auth';
const USER_ID = 'usr_01KBQ6F8R3T5V7X9Z1B3D5F7H9';
const NOW = 1_796_000_000;

beforeAll(() => {
  process.env.EVENT_BUS_NAME = 'team-bus';
  process.env.EVENTS_DEAD_LETTER_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/dead-letters';
});
beforeEach(() => {
  eventBridge.reset();
  sqs.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })) }));
  sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
});

let sequence = 0;
function record(name: 'INSERT' | 'MODIFY' | 'REMOVE', images: { old?: Record<string, unknown>; new?: Record<string, unknown> }): DynamoDBRecord {
  sequence += 1;
  const pk = String((images.new ?? images.old)!.pk);
  return {
    eventID: `record-${sequence}`,
    eventName: name,
    eventSourceARN: `${TABLE_ARN}/stream/2026-12-01T00:00:00.000`,
    dynamodb: {
      Keys: marshall({ pk }) as never,
      SequenceNumber: String(sequence),
      ...(images.old ? { OldImage: marshall(images.old, { removeUndefinedValues: true }) as never } : {}),
      ...(images.new ? { NewImage: marshall(images.new, { removeUndefinedValues: true }) as never } : {}),
    },
  };
}

const link = (i: number) => ({ pk: `signin#${String(i).padStart(43, 'x')}`, email: `p${i}@example.com`, email_hash: 'a'.repeat(64), user_hash: 'u', link_expires_at: NOW + 900, created_at: NOW });
const stream = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
const putEntries = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

describe('the events publisher', () => {
  it('puts each event on the bus, in the order of the changes, marked with its source, type and the table', async () => {
    const consumed = { ...link(1), used_at: NOW + 5, used_by: 'link', session_hash: 'h', session_expires_at: NOW + 3600 };
    await handler(
      stream(
        record('INSERT', { new: link(1) }),
        record('INSERT', { new: { pk: 'user#u', user_id: USER_ID, email: 'p1@example.com', created_at: NOW + 5, signin: link(1).pk.slice(7) } }),
        record('MODIFY', { old: consumed, new: { ...consumed, user_id: USER_ID } }),
      ),
    );
    const entries = putEntries();
    expect(entries.map((entry) => entry.DetailType)).toEqual(['magic_link.requested', 'user.created', 'user.signed_in']);
    for (const entry of entries) {
      expect(entry).toMatchObject({ EventBusName: 'team-bus', Source: 'magic-link-auth', Resources: [TABLE_ARN] });
      expect(JSON.parse(entry.Detail!).type).toBe(entry.DetailType);
    }
  });

  it('puts at most 10 events per call', async () => {
    await handler(stream(...Array.from({ length: 23 }, (_, i) => record('INSERT', { new: link(i) }))));
    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries!.length)).toEqual([10, 10, 3]);
  });

  it('throws when the bus refuses any event, so the stream delivers the batch again', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    await expect(handler(stream(record('INSERT', { new: link(1) })))).rejects.toThrow('EventBridge refused 1 of 1 events (ThrottlingException)');
    eventBridge.on(PutEventsCommand).rejects(new Error('connect ECONNREFUSED'));
    await expect(handler(stream(record('INSERT', { new: link(1) })))).rejects.toThrow('ECONNREFUSED');
  });

  it('sends a record that can never be published to the dead-letter queue, by key and problem only, and still publishes the rest', async () => {
    const broken = { pk: 'user#broken', email: 'secret-person@example.com', created_at: NOW };
    await handler(stream(record('INSERT', { new: link(1) }), record('INSERT', { new: broken })));
    expect(putEntries().map((entry) => entry.DetailType)).toEqual(['magic_link.requested']);
    const [letter] = sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.QueueUrl).toBe(process.env.EVENTS_DEAD_LETTER_QUEUE_URL);
    expect(JSON.parse(letter!.MessageBody!)).toEqual({ pk: 'user#broken', change: 'INSERT', eventId: expect.stringMatching(/^record-/), sequenceNumber: expect.any(String), problem: expect.stringContaining('user_id') });
    expect(letter!.MessageBody).not.toContain('secret-person');
  });

  it('fails the batch when the dead-letter queue refuses, so nothing is dropped', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'KMS.AccessDenied', SenderFault: true }] });
    await expect(handler(stream(record('INSERT', { new: { pk: 'user#broken', created_at: NOW } })))).rejects.toThrow('dead-letter queue refused 1');
  });
});

import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';

/** What the dead-letter queue keeps of a table change that can never be published: enough to find it, nothing personal. */
export interface DeadLetter {
  /** The item's key (hashes only: no address, no token). */
  readonly pk: string;
  readonly change: string;
  /** The stream record's id and sequence number, to find it in the stream while the stream keeps it (24 hours). */
  readonly eventId: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly problem: string;
}

const MESSAGES_PER_CALL = 10;

/** Sends poison records to the events' dead-letter queue; any message refused fails the call (the batch is retried). */
export class SqsDeadLetters {
  private readonly client: SQSClient;

  constructor(
    private readonly queueUrl: string,
    client?: SQSClient,
  ) {
    this.client = client ?? new SQSClient({});
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    for (let start = 0; start < letters.length; start += MESSAGES_PER_CALL) {
      const batch = letters.slice(start, start + MESSAGES_PER_CALL);
      const { Failed = [] } = await this.client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: batch.map((letter, i) => ({ Id: String(i), MessageBody: JSON.stringify(letter) })) }),
      );
      if (Failed.length > 0) throw new Error(`the dead-letter queue refused ${Failed.length} messages (${Failed.map((failure) => failure.Code).join(', ')})`);
    }
  }
}

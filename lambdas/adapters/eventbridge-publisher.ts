import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type EventDetail } from '../contract/events';

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;

/**
 * Puts lifecycle events on an EventBridge bus, in order, 10 per call. Any entry refused (a bus that
 * is missing or throttling, a permission) fails the whole call, so the stream delivers the batch again:
 * entries already put are put again with the same `detail.id`, which is what at-least-once means.
 */
export class EventBridgePublisher {
  private readonly client: EventBridgeClient;

  constructor(
    private readonly busName: string,
    client?: EventBridgeClient,
  ) {
    this.client = client ?? new EventBridgeClient({});
  }

  /** `resource`: the table the events come from, which tells two deployments' events apart. */
  async publish(events: readonly EventDetail[], resource: string): Promise<void> {
    const entries: PutEventsRequestEntry[] = events.map((detail) => ({
      EventBusName: this.busName,
      Source: EVENT_SOURCE,
      DetailType: detail.type,
      Detail: JSON.stringify(detail),
      Resources: [resource],
      Time: new Date(detail.time),
    }));
    for (let start = 0; start < entries.length; start += ENTRIES_PER_CALL) {
      const { FailedEntryCount, Entries = [] } = await this.client.send(new PutEventsCommand({ Entries: entries.slice(start, start + ENTRIES_PER_CALL) }));
      if (FailedEntryCount) {
        const codes = [...new Set(Entries.map((entry) => entry.ErrorCode).filter(Boolean))].join(', ');
        throw new Error(`EventBridge refused ${FailedEntryCount} of ${Math.min(ENTRIES_PER_CALL, entries.length - start)} events (${codes})`);
      }
    }
  }
}

import type { EventDetail } from '../../lambdas/contract/events';

/** A lifecycle event as an EventBridge rule delivers it to an SQS queue: the event, its `detail` parsed. */
export interface DeliveredEvent {
  readonly source: string;
  readonly detailType: string;
  readonly resources: string[];
  readonly detail: EventDetail;
}

/** Reads a queue message's body (EventBridge puts `detail` as an object; an emulator may leave it a string). */
export function deliveredEvent(body: string): DeliveredEvent {
  const event = JSON.parse(body) as { source: string; 'detail-type': string; resources?: string[]; detail: unknown };
  const detail = (typeof event.detail === 'string' ? JSON.parse(event.detail) : event.detail) as EventDetail;
  return { source: event.source, detailType: event['detail-type'], resources: event.resources ?? [], detail };
}

/**
 * Parsing of the events consumers receive: an SQS message body holding the EventBridge event that a
 * rule sent to the queue. Unknown fields are ignored (the schemas strip them), so a consumer keeps
 * working when an event gains fields.
 */
import * as z from 'zod/mini';
import {
  eventBridgeEnvelopeSchema,
  eventDetailSchemas,
  isDetailType,
  type PaymentsEvent,
} from '../schemas/events.js';
import { InvalidEventError } from './errors.js';
import { EVENT_SOURCE } from './source.js';

/** The event in an EventBridge envelope (already JSON-parsed). @throws InvalidEventError */
export function parseEventBridgeEvent(value: unknown): PaymentsEvent {
  const envelope = z.safeParse(eventBridgeEnvelopeSchema, value);
  if (!envelope.success) throw new InvalidEventError('not an EventBridge event', issuesOf(envelope.error));
  const { source, 'detail-type': detailType, detail } = envelope.data;
  if (source !== EVENT_SOURCE) throw new InvalidEventError(`unexpected source ${source}`);
  if (!isDetailType(detailType)) throw new InvalidEventError(`unknown detail-type ${detailType}`);
  const parsed = z.safeParse(eventDetailSchemas[detailType], detail);
  if (!parsed.success) {
    throw new InvalidEventError(`invalid ${detailType} detail`, issuesOf(parsed.error));
  }
  return { detailType, detail: parsed.data } as PaymentsEvent;
}

/** The event in an SQS message body. @throws InvalidEventError */
export function parseEventMessage(body: string): PaymentsEvent {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidEventError('message body is not JSON');
  }
  return parseEventBridgeEvent(value);
}

function issuesOf(error: z.core.$ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * Reading any of our events whole: the envelope one way (envelope.ts), then the detail with the full
 * schema of its detail-type. Consumers that need only a part read it with `detailOf` and their own
 * schema instead: the full schemas are a large part of a bundle.
 */
import { eventDetailSchemas, isDetailType, type PaymentsEvent } from '../schemas/events.js';
import { detailOf, envelopeOf } from './envelope.js';
import { InvalidEventError } from './errors.js';
import { EVENT_SOURCE } from './source.js';

/** The event in an SQS message body, its detail read with the full schema of its type. @throws InvalidEventError */
export function parseEventMessage(body: string): PaymentsEvent {
  const envelope = envelopeOf(body);
  const { detailType } = envelope;
  if (envelope.source === EVENT_SOURCE && !isDetailType(detailType)) {
    throw new InvalidEventError(`unknown detail-type ${detailType}`);
  }
  const detail = detailOf(envelope, eventDetailSchemas[detailType as keyof typeof eventDetailSchemas]);
  return { detailType, detail } as PaymentsEvent;
}

/**
 * The one reading of the envelope every queue consumer receives: an SQS message body holding the
 * EventBridge event a rule sent to the queue. The envelope is checked by hand, without zod, so that a
 * consumer with no room for zod in its bundle (reconcile-run) reads it the same way as the others (zod
 * is tree-shaken from a bundle that never calls `detailOf`); each consumer then reads the detail it
 * needs with `detailOf` and its own schema. Unknown fields are ignored (the schemas strip them), so a
 * consumer keeps working when an event gains fields.
 */
import * as z from 'zod/mini';
import { InvalidEventError } from './errors.js';
import { EVENT_SOURCE } from './source.js';

export interface EventEnvelope {
  /** `payments` for our events, `aws.events` for a schedule's. */
  readonly source: string;
  readonly detailType: string;
  readonly time: string | undefined;
  readonly detail: unknown;
}

/** The EventBridge event in an SQS message body. @throws InvalidEventError */
export function envelopeOf(body: string): EventEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new InvalidEventError('message body is not JSON');
  }
  const event = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { source, 'detail-type': detailType, time, detail } = event;
  if (typeof detailType !== 'string') {
    throw new InvalidEventError('not an EventBridge event', [{ path: 'detail-type', message: 'required' }]);
  }
  return {
    source: typeof source === 'string' ? source : '',
    detailType,
    time: typeof time === 'string' ? time : undefined,
    detail,
  };
}

/**
 * The detail of one of our events, read with `schema` (a consumer may read only the part it needs).
 * @throws InvalidEventError for another source or a detail the schema refuses.
 */
export function detailOf<S extends z.ZodMiniType>(envelope: EventEnvelope, schema: S): z.infer<S> {
  if (envelope.source !== EVENT_SOURCE) throw new InvalidEventError(`unexpected source ${envelope.source}`);
  const parsed = z.safeParse(schema, envelope.detail);
  if (!parsed.success) {
    throw new InvalidEventError(`invalid ${envelope.detailType} detail`, issuesOf(parsed.error));
  }
  return parsed.data;
}

function issuesOf(error: z.core.$ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

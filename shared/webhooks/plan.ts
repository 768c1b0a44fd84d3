/**
 * Which endpoints an event goes to on this try. One SQS message per event fans out to every endpoint of
 * the event's merchant that is enabled, subscribed to its type and existed when it happened; on a retry,
 * endpoints that already answered 2xx for this event are left out.
 */
import type { WebhookEventType } from '../schemas/webhooks.js';

export interface PlannedEndpoint {
  readonly id: string;
  readonly events: readonly WebhookEventType[];
  readonly status: 'enabled' | 'disabled';
  readonly createdAt: string;
}

export interface DeliveryPlan<E extends PlannedEndpoint> {
  /** Subscribed endpoints (what a retry must still check for success markers). */
  readonly subscribed: E[];
  /** The subscribed endpoints that have not yet answered 2xx: this try's deliveries. */
  readonly pending: E[];
}

/**
 * @param occurredAt the event's time: an endpoint created after it does not receive it (no replay of
 *   history to new endpoints, which a retry of an older event would otherwise do).
 * @param delivered ids of the endpoints that already answered 2xx for this event.
 */
export function planDeliveries<E extends PlannedEndpoint>(
  endpoints: readonly E[],
  type: WebhookEventType,
  occurredAt: string,
  delivered: ReadonlySet<string> = new Set(),
): DeliveryPlan<E> {
  const occurred = Date.parse(occurredAt);
  const subscribed = endpoints.filter(
    (e) => e.status === 'enabled' && e.events.includes(type) && !(Date.parse(e.createdAt) > occurred),
  );
  return { subscribed, pending: subscribed.filter((e) => !delivered.has(e.id)) };
}

/** Errors of merchant webhook delivery. Codes are stable: logs and tests match on them. */

/** At least one subscribed endpoint did not answer 2xx: the event's message is to be retried. */
export class WebhookDeliveryFailedError extends Error {
  override readonly name = 'WebhookDeliveryFailedError';
  readonly code = 'webhook_delivery_failed';
  constructor(
    readonly eventId: string,
    readonly failedEndpointIds: readonly string[],
    readonly retryInSeconds: number,
  ) {
    super(
      `event ${eventId}: ${failedEndpointIds.length} endpoint(s) failed; next try in ${retryInSeconds} s`,
    );
  }
}

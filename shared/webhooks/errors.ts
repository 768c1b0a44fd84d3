/** Errors of merchant webhook delivery. Codes are stable: logs and tests match on them. */

import { CodedError } from '../domain/errors.js';

/** At least one subscribed endpoint did not answer 2xx: the event's message is to be retried. */
export class WebhookDeliveryFailedError extends CodedError<'webhook_delivery_failed'> {
  override readonly name = 'WebhookDeliveryFailedError';
  constructor(
    readonly eventId: string,
    readonly failedEndpointIds: readonly string[],
    readonly retryInSeconds: number,
  ) {
    super(
      'webhook_delivery_failed',
      `event ${eventId}: ${failedEndpointIds.length} endpoint(s) failed; next try in ${retryInSeconds} s`,
    );
  }
}

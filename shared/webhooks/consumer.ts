/**
 * Delivery of one bus event (one SQS message) to every endpoint of its merchant that subscribes to it.
 *
 * - The merchant's endpoints come from the event's `merchantId`: an endpoint never sees another
 *   merchant's events.
 * - On a retry, endpoints that already answered 2xx for this event (markers, see the delivery store)
 *   are skipped, so it re-sends only to the others. Markers are written only when a try had a failure,
 *   since only then does a retry follow: a healthy delivery costs one write (its attempt), not two.
 *   Delivery stays at-least-once (a crash after a 2xx, or the same event
 *   published twice, sends it again with the same `id`), as merchants are told.
 * - Every attempt is recorded. If any endpoint failed, the message is made invisible for the backoff of
 *   its receive count (ChangeMessageVisibility) and the record is reported failed; the queue's
 *   maxReceiveCount then dead-letters it after the last try.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { AttemptRecord } from '../store/dynamodb/webhook-deliveries.js';
import type { WebhookEndpointItem } from '../store/dynamodb/webhook-endpoints.js';
import { retryDelaySeconds } from './backoff.js';
import { type AttemptResult, type DeliverOptions, type DeliveryTarget, deliver } from './deliver.js';
import { WebhookDeliveryFailedError } from './errors.js';
import { webhookPayloadOf } from './event-types.js';
import { parseWebhookSource, type WebhookSourceEvent } from './parse.js';
import { planDeliveries } from './plan.js';
import { type UrlPolicy, urlRefusal } from './url-policy.js';

export interface WebhookConsumerDeps {
  readonly endpoints: { listForMerchant(merchantId: string): Promise<WebhookEndpointItem[]> };
  readonly deliveries: {
    delivered(eventId: string, endpointIds: readonly string[]): Promise<Set<string>>;
    record(attempt: AttemptRecord, options?: { readonly marker?: boolean }): Promise<void>;
  };
  readonly sqs: Pick<SQSClient, 'send'>;
  readonly queueUrl: string;
  readonly maxReceiveCount: number;
  readonly urlPolicy: UrlPolicy;
  readonly deliver?: (
    target: DeliveryTarget,
    rawBody: string,
    options?: DeliverOptions,
  ) => Promise<AttemptResult>;
  readonly now?: () => Date;
  readonly log?: (message: string, data: Record<string, unknown>) => void;
}

export interface RecordOutcome {
  readonly eventId?: string;
  readonly sent: number;
  readonly skipped: number;
}

/**
 * Handles one SQS record.
 * @throws WebhookDeliveryFailedError when an endpoint failed (after deferring the message's next try);
 *   InvalidEventError for a body that is not one of our events (retried, then dead-lettered for ops).
 */
export async function deliverRecord(
  record: SQSRecord,
  deps: WebhookConsumerDeps,
  /** The record's event, when the caller read it already (the batch wrapper does). */
  read: WebhookSourceEvent | undefined = parseWebhookSource(record.body),
): Promise<RecordOutcome> {
  const event = read;
  if (!event) return { sent: 0, skipped: 0 };
  const payload = webhookPayloadOf(event);
  const endpoints = await deps.endpoints.listForMerchant(event.merchantId);
  const subscribed = planDeliveries(endpoints, payload.type, payload.createdAt).subscribed;
  if (subscribed.length === 0) return { eventId: payload.id, sent: 0, skipped: 0 };
  const receiveCount = Math.max(1, Number(record.attributes?.ApproximateReceiveCount ?? 1) || 1);
  // One read (cheap) even on a first receive: the same event published twice skips what is remembered.
  const delivered = await deps.deliveries.delivered(
    payload.id,
    subscribed.map((e) => e.id),
  );
  const { pending } = planDeliveries(subscribed, payload.type, payload.createdAt, delivered);

  const rawBody = JSON.stringify(payload);
  const send = deps.deliver ?? deliver;
  const attempts = await Promise.all(
    pending.map(async (endpoint): Promise<AttemptRecord> => {
      const refusal = urlRefusal(endpoint.url, deps.urlPolicy);
      const at = deps.now?.() ?? new Date();
      const result: AttemptResult = refusal
        ? { ok: false, responseStatus: null, error: `url refused: ${refusal}`, durationMs: 0 }
        : await send(endpoint, rawBody, { urlPolicy: deps.urlPolicy });
      return {
        endpointId: endpoint.id,
        attemptId: `${record.messageId}-${receiveCount}`,
        eventId: payload.id,
        type: payload.type,
        attempt: receiveCount,
        ok: result.ok,
        responseStatus: result.responseStatus,
        error: result.error,
        durationMs: result.durationMs,
        at,
      };
    }),
  );
  const failed = attempts.filter((a) => !a.ok).map((a) => a.endpointId);
  // A retry follows only if something failed: only then must the successes be remembered.
  await Promise.all(attempts.map((a) => deps.deliveries.record(a, { marker: a.ok && failed.length > 0 })));
  if (failed.length === 0) {
    return { eventId: payload.id, sent: pending.length, skipped: subscribed.length - pending.length };
  }

  const retryIn = retryDelaySeconds(receiveCount, deps.maxReceiveCount);
  await deferRetry(record, retryIn, deps);
  throw new WebhookDeliveryFailedError(payload.id, failed, retryIn);
}

/**
 * Sets the message's visibility to the backoff delay. A failure here is logged, not thrown: the
 * message then comes back after the queue's own visibility timeout, a retry all the same.
 */
async function deferRetry(record: SQSRecord, seconds: number, deps: WebhookConsumerDeps): Promise<void> {
  try {
    await deps.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: deps.queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  } catch (error) {
    deps.log?.('ChangeMessageVisibility failed; the queue visibility timeout applies', {
      messageId: record.messageId,
      error: (error as Error).message,
    });
  }
}

/**
 * The event catalogue: for every detail-type on the `payments` bus, the service that produces it, how it
 * reaches the bus, its schema (the one in shared/schemas/events.ts, not a copy) and each consuming
 * service with what it reads of the detail (a consumer-side schema, written next to the consumer).
 *
 * Services talk only through the API and the bus (issue 14), so this is each service's event contract.
 * test/unit/events/contracts.test.ts runs the producers' real code and parses what they put on the bus
 * with every consumer's schema and parser; test/infra/event-contracts.test.ts holds the catalogue to the
 * template's rules. docs/services.md is generated from it (`npm run docs:services`).
 *
 * Used by tests and the docs script only: no function bundle imports it (it pulls in every schema).
 */
import type * as z from 'zod/mini';
import { outcomeDetailSchema } from '../channels/outcome-reads.js';
import { runStartedReadsSchema } from '../reconciliation/run-message.js';
import { riskDetailSchema } from '../risk/payment-created-reads.js';
import { type DetailType, eventDetailSchemas } from '../schemas/events.js';
import type { Service } from '../services.js';
import { webhookPaymentDetailSchema, webhookRefundDetailSchema } from '../webhooks/parse.js';

export { SERVICES, type Service, stackIdOf } from '../services.js';

/**
 * How an event reaches the bus: `outbox`, derived from a committed change of the producer's items by
 * the table stream's publisher (shared/events/derive.ts: the change and its event are one commit), or
 * `settlement state machine`, put by its PublishSettlementCompleted state with the detail its PayOut
 * task built (shared/settlement/settle.ts `settlementCompletedDetail`).
 */
export type PublishedBy = 'outbox' | 'settlement state machine';

export interface EventConsumer {
  readonly service: Service;
  /** The handler, relative to `functions/` without extension, that the consumer's rule feeds. */
  readonly handler: string;
  /** What the consumer reads of the detail: the fields it relies on, unknown ones ignored. */
  readonly reads: z.ZodMiniType;
  /** Why it consumes the event, in a few words (docs/services.md). */
  readonly purpose: string;
}

export interface CatalogueEntry {
  readonly producer: Service;
  readonly publishedBy: PublishedBy;
  /** The detail's schema (shared/schemas/events.ts). */
  readonly schema: z.ZodMiniType;
  /** Internal events are not part of the public contract (contract: Events). */
  readonly internal: boolean;
  readonly consumers: readonly EventConsumer[];
}

const risk: EventConsumer = {
  service: 'risk',
  handler: 'events/risk',
  reads: riskDetailSchema,
  purpose: 'assesses the payment (risk during)',
};
const channelHealth: EventConsumer = {
  service: 'channels',
  handler: 'events/channel-health',
  reads: outcomeDetailSchema,
  purpose: "counts the channel's outcomes (health, success-rate routing)",
};
const webhooks = (reads: z.ZodMiniType): EventConsumer => ({
  service: 'webhooks',
  handler: 'events/merchant-webhooks',
  reads,
  purpose: "signs and delivers it to the merchant's endpoints",
});
const paymentWebhooks = webhooks(webhookPaymentDetailSchema);
const refundWebhooks = webhooks(webhookRefundDetailSchema);
const runs: EventConsumer = {
  service: 'reconciliation',
  handler: 'events/reconcile-run',
  reads: runStartedReadsSchema,
  purpose: 'executes the run',
};

const entry = (
  detailType: DetailType,
  producer: Service,
  consumers: readonly EventConsumer[],
  options: { publishedBy?: PublishedBy; internal?: boolean } = {},
): CatalogueEntry => ({
  producer,
  publishedBy: options.publishedBy ?? 'outbox',
  schema: eventDetailSchemas[detailType],
  internal: options.internal ?? false,
  consumers,
});

/**
 * Every detail-type, by detail-type. The producer is the service whose decision the event announces
 * (risk's assessment, a channel's breaker), whichever item carries it today; a detail-type without
 * consumers is published for the archive (replays, a future consumer) and, for the contract's list,
 * for subscribers outside the product.
 */
export const EVENT_CATALOGUE = {
  PaymentCreated: entry('PaymentCreated', 'core', [risk, paymentWebhooks]),
  PaymentSucceeded: entry('PaymentSucceeded', 'core', [channelHealth, paymentWebhooks]),
  PaymentFailed: entry('PaymentFailed', 'core', [channelHealth, paymentWebhooks]),
  PaymentCanceled: entry('PaymentCanceled', 'core', [paymentWebhooks]),
  RefundCreated: entry('RefundCreated', 'core', [refundWebhooks]),
  RefundSucceeded: entry('RefundSucceeded', 'core', [refundWebhooks]),
  RefundFailed: entry('RefundFailed', 'core', [refundWebhooks]),
  RiskAssessed: entry('RiskAssessed', 'risk', []),
  DiscrepancyFound: entry('DiscrepancyFound', 'reconciliation', []),
  ReconciliationRunStarted: entry('ReconciliationRunStarted', 'reconciliation', [runs], { internal: true }),
  SettlementCompleted: entry('SettlementCompleted', 'settlement', [], {
    publishedBy: 'settlement state machine',
  }),
  ChannelBreakerOpened: entry('ChannelBreakerOpened', 'channels', []),
  ChannelBreakerClosed: entry('ChannelBreakerClosed', 'channels', []),
  MerchantOnboarded: entry('MerchantOnboarded', 'gateway', []),
  MerchantRejected: entry('MerchantRejected', 'gateway', []),
  MerchantSuspended: entry('MerchantSuspended', 'gateway', []),
  MerchantReinstated: entry('MerchantReinstated', 'gateway', []),
} as const satisfies Record<DetailType, CatalogueEntry>;

export const CATALOGUED_DETAIL_TYPES = Object.keys(EVENT_CATALOGUE) as DetailType[];

/** The detail-types a service publishes, in catalogue order. */
export function publishedBy(service: Service): DetailType[] {
  return CATALOGUED_DETAIL_TYPES.filter((t) => EVENT_CATALOGUE[t].producer === service);
}

/** The detail-types a consumer handler is fed, in catalogue order. */
export function consumedBy(handler: string): DetailType[] {
  return CATALOGUED_DETAIL_TYPES.filter((t) =>
    EVENT_CATALOGUE[t].consumers.some((c) => c.handler === handler),
  );
}

/** Every consumer of the catalogue, one per handler. */
export function consumerHandlers(): { service: Service; handler: string }[] {
  const seen = new Map<string, Service>();
  for (const t of CATALOGUED_DETAIL_TYPES) {
    for (const c of EVENT_CATALOGUE[t].consumers) seen.set(c.handler, c.service);
  }
  return [...seen].map(([handler, service]) => ({ service, handler }));
}

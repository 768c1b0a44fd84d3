import type { Duration } from 'aws-cdk-lib';
import { GSI2, GSI3, GSI4 } from '../../shared/store/keys.js';
import type { ServiceStack } from '../stacks/service-stack.js';
import { EVENT_MEMORY_MB, PaymentsFunction, STREAM_TIMEOUT } from './payments-function.js';

/**
 * Read-only internal functions (DESIGN.md 7, "services own their data"): what another service needs to
 * read of a service's items is answered by the owner's function, so the reader holds no grant on them.
 * Each is a PaymentsFunction at EVENT_MEMORY_MB (its time goes to DynamoDB round trips, which more CPU
 * does not shorten), granted as its owner (grantData), watched, and published with exposeFunction under
 * its name; a reader's stack grants it with useFunction(owner, name, …).
 */
export const INTERNAL_READS = {
  /** gateway: merchant ids of a status, paged (shared/internal/merchant-registry.ts). */
  merchantRegistry: 'merchant-registry',
  /** risk: payments of a page of merchants held for a reason (shared/internal/hold-counts.ts). */
  holdCounts: 'hold-counts',
  /** risk: a page of a merchant's payments held out of settlement (shared/internal/held-payments.ts). */
  heldPayments: 'held-payments',
  /** risk: a page of the review queue's keys (shared/internal/review-queue.ts). */
  reviewQueue: 'review-queue',
  /** reconciliation: open discrepancies of channel-days (shared/internal/open-discrepancies.ts). */
  openDiscrepancies: 'open-discrepancies',
  /** channels: outcome counts by clock hour (shared/internal/channel-health-summary.ts). */
  channelHealthSummary: 'channel-health-summary',
  /** core: a page of a merchant's settlement line items (shared/internal/settlement-lines.ts). */
  settlementLines: 'settlement-lines',
  /** core: a page of a channel-day's applied outcomes (shared/internal/channel-day-outcomes.ts). */
  channelDayOutcomes: 'channel-day-outcomes',
  /** channels: the fee schedules of channels (shared/internal/channel-fees.ts). */
  channelFees: 'channel-fees',
  /** core: a merchant's payment's customer identifiers, for a fraud report (shared/internal/payment-customer.ts). */
  paymentCustomer: 'payment-customer',
  /** core: a page of a payment's events, for the ops timeline (shared/internal/payment-events.ts). */
  paymentEvents: 'payment-events',
  /** risk: a merchant's stored risk profile and fraud reports, for the before-checks (merchant-risk-profile.ts). */
  merchantRiskProfile: 'merchant-risk-profile',
  /** channels: a merchant's routing configuration, for routing at create (routing-config.ts). */
  routingConfig: 'routing-config',
  /** channels: channels' records and outcome windows, for routing at create (channel-facts.ts). */
  channelFacts: 'channel-facts',
  /** core: where a batch of payments and refunds stands (shared/internal/object-states.ts). */
  objectStates: 'object-states',
} as const;

interface InternalReadProps {
  readonly name: string;
  readonly entry: string;
  readonly description: string;
  /** @default API_TIMEOUT (10 s); a batch job's page of thousands of items takes STREAM_TIMEOUT */
  readonly timeout?: Duration;
}

function internalRead(stack: ServiceStack, id: string, props: InternalReadProps): PaymentsFunction {
  const fn = new PaymentsFunction(stack, id, {
    entry: props.entry,
    description: props.description,
    memorySize: EVENT_MEMORY_MB,
    ...(props.timeout ? { timeout: props.timeout } : {}),
    environment: { TABLE_NAME: stack.table.tableName },
  });
  stack.monitoring.watchFunction(fn);
  stack.exposeFunction(props.name, fn);
  return fn;
}

/** The gateway's merchant registry: Query on the registry and the ops lists of merchants. */
export function exposeMerchantRegistry(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'MerchantRegistryFunction', {
    name: INTERNAL_READS.merchantRegistry,
    entry: 'internal/merchant-registry',
    description: 'Merchant ids of a status, a page at a time, for other services',
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:Query'], ['MERCHANTS', 'MERLIST#*']);
  return fn;
}

/** Risk's count of held payments: Query on the holds. */
export function exposeHoldCounts(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'HoldCountsFunction', {
    name: INTERNAL_READS.holdCounts,
    entry: 'internal/hold-counts',
    description: 'Payments of a page of merchants held for a reason, for other services',
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:Query'], ['HOLD#*']);
  return fn;
}

/** Risk's held payments for settlement: Query on the holds. */
export function exposeHeldPayments(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'HeldPaymentsFunction', {
    name: INTERNAL_READS.heldPayments,
    entry: 'internal/held-payments',
    description: "Internal (settlement): a page of a merchant's held payments",
    timeout: STREAM_TIMEOUT,
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:Query'], ['HOLD#*']);
  return fn;
}

/** Risk's review queue: Query on GSI4, risk's partitions of it (REVIEW#…). */
export function exposeReviewQueue(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'ReviewQueueFunction', {
    name: INTERNAL_READS.reviewQueue,
    entry: 'internal/review-queue',
    description: 'A page of the review queue (payments held for review), for other services',
  });
  stack.table.grantIndexActions(fn, GSI4, 'dynamodb:Query');
  return fn;
}

/** Reconciliation's count of open discrepancies: Query on the discrepancies. */
export function exposeOpenDiscrepancies(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'OpenDiscrepanciesFunction', {
    name: INTERNAL_READS.openDiscrepancies,
    entry: 'internal/open-discrepancies',
    description: 'Open discrepancies of channel-days, for other services',
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:Query'], ['DSC#*']);
  return fn;
}

/** The channels' outcome counts by hour: BatchGetItem on the counts. */
export function exposeChannelHealthSummary(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'ChannelHealthSummaryFunction', {
    name: INTERNAL_READS.channelHealthSummary,
    entry: 'internal/channel-health-summary',
    description: "Channels' outcome counts by clock hour, for other services",
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:BatchGetItem'], ['HLT#*']);
  return fn;
}

/** Core's settlement line items for settlement: Query on GSI2, core's partitions of it (SETL#…). */
export function exposeSettlementLines(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'SettlementLinesFunction', {
    name: INTERNAL_READS.settlementLines,
    entry: 'internal/settlement-lines',
    description: "Internal (settlement): a page of a merchant's line items",
    timeout: STREAM_TIMEOUT,
  });
  stack.table.grantIndexActions(fn, GSI2, 'dynamodb:Query');
  return fn;
}

/** Core's applied outcomes for reconciliation: Query on GSI3, core's partitions of it (RECON#…). */
export function exposeChannelDayOutcomes(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'ChannelDayOutcomesFunction', {
    name: INTERNAL_READS.channelDayOutcomes,
    entry: 'internal/channel-day-outcomes',
    description: "Internal (reconciliation): a page of a channel-day's applied outcomes",
    timeout: STREAM_TIMEOUT,
  });
  stack.table.grantIndexActions(fn, GSI3, 'dynamodb:Query');
  return fn;
}

/**
 * Core's payments and refunds as the channels' dispatcher and checks need them: BatchGetItem on core's
 * objects (OBJ#…), once per stream or queue batch.
 */
export function exposeObjectStates(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'ObjectStatesFunction', {
    name: INTERNAL_READS.objectStates,
    entry: 'internal/object-states',
    description: 'Internal (channels): where a batch of payments and refunds stands',
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:BatchGetItem'], ['OBJ#*']);
  return fn;
}

/** The channels' fee schedules for settlement: BatchGetItem on their settings. */
export function exposeChannelFees(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'ChannelFeesFunction', {
    name: INTERNAL_READS.channelFees,
    entry: 'internal/channel-fees',
    description: "Internal (settlement): the channels' fee schedules",
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:BatchGetItem'], ['CHANNEL#*']);
  return fn;
}

/** Core's payment customer for risk's fraud reports: GetItem on the payment's slot (OBJ#…). */
export function exposePaymentCustomer(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'PaymentCustomerFunction', {
    name: INTERNAL_READS.paymentCustomer,
    entry: 'internal/payment-customer',
    description: "Internal (risk): a merchant's payment's customer identifiers, for a fraud report",
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:GetItem'], ['OBJ#*']);
  return fn;
}

/** Core's payment events for risk's ops timeline: Query on the payment's partition (OBJ#…). */
export function exposePaymentEvents(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'PaymentEventsFunction', {
    name: INTERNAL_READS.paymentEvents,
    entry: 'internal/payment-events',
    description: "Internal (risk): a page of a payment's events, for the ops timeline",
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:Query'], ['OBJ#*']);
  return fn;
}

/**
 * Risk's merchant risk profile for create-payment's before-checks: Query on `RISK#<merchant>` (the profile
 * and its fraud-report days). Invoked on a miss of create's per-container cache, never per payment.
 */
export function exposeMerchantRiskProfile(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'MerchantRiskProfileFunction', {
    name: INTERNAL_READS.merchantRiskProfile,
    entry: 'internal/merchant-risk-profile',
    description: "Internal (core): a merchant's risk profile and fraud reports, for the before-checks",
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:Query'], ['RISK#*']);
  return fn;
}

/** The channels' routing configurations for routing at create: GetItem on `ROUTING#<merchant>`. */
export function exposeRoutingConfig(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'RoutingConfigFunction', {
    name: INTERNAL_READS.routingConfig,
    entry: 'internal/routing-config',
    description: "Internal (core): a merchant's routing configuration, for routing at create",
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:GetItem'], ['ROUTING#*']);
  return fn;
}

/**
 * The channels' facts for routing at create: BatchGetItem on the channels' settings and breakers
 * (`CHANNEL#…`) and on the outcome counts (`HLT#…`).
 */
export function exposeChannelFacts(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'ChannelFactsFunction', {
    name: INTERNAL_READS.channelFacts,
    entry: 'internal/channel-facts',
    description: "Internal (core): channels' settings, breakers and outcome windows, for routing",
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:BatchGetItem'], ['CHANNEL#*', 'HLT#*']);
  return fn;
}

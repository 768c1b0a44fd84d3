import { GSI4 } from '../../shared/store/keys.js';
import type { ServiceStack } from '../stacks/service-stack.js';
import { EVENT_MEMORY_MB, PaymentsFunction } from './payments-function.js';

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
  /** risk: a page of the review queue's keys (shared/internal/review-queue.ts). */
  reviewQueue: 'review-queue',
  /** reconciliation: open discrepancies of channel-days (shared/internal/open-discrepancies.ts). */
  openDiscrepancies: 'open-discrepancies',
  /** channels: outcome counts by clock hour (shared/internal/channel-health-summary.ts). */
  channelHealthSummary: 'channel-health-summary',
} as const;

interface InternalReadProps {
  readonly name: string;
  readonly entry: string;
  readonly description: string;
}

function internalRead(stack: ServiceStack, id: string, props: InternalReadProps): PaymentsFunction {
  const fn = new PaymentsFunction(stack, id, {
    entry: props.entry,
    description: props.description,
    memorySize: EVENT_MEMORY_MB,
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

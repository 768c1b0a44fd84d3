import { Duration } from 'aws-cdk-lib';
import { FLOW_LEASE_FUNCTION } from '../../shared/internal/flow-lease.js';
import type { ServiceStack } from '../stacks/service-stack.js';
import { API_MEMORY_MB, PaymentsFunction } from './payments-function.js';

/** Partition-key prefix (shared/store/keys.ts) of the merchants' token bucket shards. */
export const FLOW_BUCKETS = 'FLOW#*';

/**
 * The gateway's `flow-lease` function (functions/internal/flow-lease.ts): the one writer of the token
 * buckets for the merchant routes of every other service (UpdateItem `FLOW#…` only), which invoke its
 * `live` alias once per lease (PaymentsApi.addKeyedRoute). A client may be waiting on the lease (a cold
 * container's first request, a merchant out of tokens) and the caller gives up after
 * FLOW_STORE_TIMEOUT_MS (1 s, then it admits: fail open), cold start included: so it runs at the API
 * functions' size, whose CPU shortens the cold start, and its timeout is short, since an answer later
 * than the caller's deadline is never read.
 */
export function exposeFlowLease(stack: ServiceStack): PaymentsFunction {
  const fn = new PaymentsFunction(stack, 'FlowLeaseFunction', {
    entry: 'internal/flow-lease',
    description: "Internal (merchant routes): one lease from a merchant's token bucket",
    memorySize: API_MEMORY_MB,
    timeout: Duration.seconds(3),
    environment: { TABLE_NAME: stack.table.tableName },
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:UpdateItem'], [FLOW_BUCKETS]);
  stack.monitoring.watchFunction(fn);
  stack.exposeFunction(FLOW_LEASE_FUNCTION, fn);
  return fn;
}

/**
 * Flow control's store in the functions of the services that do not own the buckets (every merchant
 * route outside the gateway): a lease is asked of the gateway's `flow-lease` function
 * (shared/internal/flow-lease.ts), which applies the plan to its bucket shard, rather than written here
 * (DESIGN.md 7: the `FLOW#` items are the gateway's). The merchant's limits are still read directly:
 * the keyed routes read the gateway's merchant items anyway (the key lookup's read exception,
 * infra/services/data-ownership.ts), and the read is cached per container.
 *
 * The invocation has the store's deadline (FLOW_STORE_TIMEOUT_MS): once it passes the call is aborted
 * and the take throws, as a store that does not answer does; so do a function error, a refused call and
 * an answer outside the contract. The limiter treats each as its store failing: it admits the request
 * (fail open) and says so.
 */
import type { FlowLeaseRequest } from '../internal/flow-lease.js';
import { type InvokeOptions, invokeFunction } from '../services/invoke.js';
import { FLOW_STORE_TIMEOUT_MS, withDeadline } from '../store/dynamodb/flow-buckets.js';
import type { FlowStore, ShardWrite } from './limiter.js';

/** How the store invokes (invokeFunction; tests pass their own). */
export type Invoke = (
  functionArn: string,
  payload: FlowLeaseRequest,
  options: InvokeOptions,
) => Promise<unknown>;

/**
 * The store of a merchant route outside the gateway: `limits` where the limits are read (a
 * DynamoFlowStore: its per-container cache of them), `functionArn` the gateway's `flow-lease` (its `live`
 * alias). Closures rather than a class: this runs in every merchant route, whose bundles are near their
 * budget (a class's `this.` fields do not minify).
 */
export function invokedFlowStore(
  limits: Pick<FlowStore, 'limitsOf'>,
  functionArn: string,
  timeoutMs: number = FLOW_STORE_TIMEOUT_MS,
  invoke: Invoke = invokeFunction,
): FlowStore {
  return {
    limitsOf: (merchantId) => limits.limitsOf(merchantId),
    async takeFromShard(merchantId, shard, plan) {
      const answer = await withDeadline(timeoutMs, (signal) =>
        invoke(functionArn, { merchantId, shard, plan }, { signal }),
      );
      const write = shardWriteOf(answer);
      if (!write) throw new Error(`flow-lease answered outside its contract: ${JSON.stringify(answer)}`);
      return write;
    },
  };
}

/**
 * The answer as a ShardWrite if it is one (flowLeaseAnswerSchema's shape, checked by hand: the schema
 * would not fit in the merchant routes' bundles). A refusal's absent `fullAt` (a shard that holds none)
 * is left out of the JSON: said again here.
 */
function shardWriteOf(answer: unknown): ShardWrite | undefined {
  const { ok, fullAt } = (answer ?? {}) as { ok?: unknown; fullAt?: unknown };
  const micros = Number.isSafeInteger(fullAt) && (fullAt as number) >= 0;
  if (ok === true && micros) return { ok, fullAt: fullAt as number };
  if (ok === false && (micros || fullAt === undefined)) return { ok, fullAt: fullAt as number | undefined };
  return undefined;
}

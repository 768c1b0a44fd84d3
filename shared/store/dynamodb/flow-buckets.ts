/**
 * DynamoDB adapter of per-merchant flow control (keys.ts: `MER#<merchant>` / `LIMITS` and the bucket
 * shards `FLOW#<merchant>#<shard>` / `FLOW`), on the hot path of every merchant request: no zod here,
 * the limits are checked by hand (they were validated whole when ops stored them).
 *
 * A lease is one UpdateItem that applies the limiter's plan (token-bucket.ts `applyLease`): an idle shard
 * restarts at `now + increment` if it is still idle; a busy one is incremented if it still holds the
 * tokens (`fullAt BETWEEN :now AND :latest`). Increments commute, so containers taking from one shard at
 * once all succeed while tokens last: no read first, no version to lose a race on. Success returns the
 * new `fullAt` (UPDATED_NEW), a refusal the current one (ALL_OLD), both free. Every call has a deadline:
 * the limiter fails open rather than hold a request on a store that does not answer.
 */
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  DEFAULT_FLOW_LIMITS,
  type FlowLimits,
  type LeasePlan,
  MAX_BURST,
  MAX_REQUESTS_PER_SECOND,
} from '../../domain/flow/token-bucket.js';
import type { FlowStore, ShardWrite } from '../../flow/limiter.js';
import { cachePerContainer } from '../container-cache.js';
import { CorruptItemError } from '../errors.js';
import { keys } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/**
 * How long a container uses the limits it read: a PUT applies everywhere within this plus a lease (2 s,
 * the delay the contract gives routing configurations). A read a second per merchant and container.
 */
export const LIMITS_CACHE_MS = 1_000;
/** The longest a request waits on the limiter's store before it is admitted anyway. */
export const FLOW_STORE_TIMEOUT_MS = 1_000;
/** Shards expire (TTL) a day after they are full again; an absent shard is a full one, as it would be. */
const SHARD_TTL_SECONDS = 86_400;

/** The store's answer to one call, or a `TimeoutError` once `ms` passed (the call is aborted then). */
export async function withDeadline<T>(ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = Object.assign(new Error(`no answer within ${ms} ms`), { name: 'TimeoutError' });
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a stored value is a limit of the contract's shape (a positive integer within its maximum). */
export function isLimit(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= max;
}

/**
 * The merchant's stored limits, or `null` (eventually consistent: the cache is staler than that). With
 * `timeoutMs` (the limiter), a store that does not answer in time is an error; without (ops), the SDK's
 * own retries and timeouts apply.
 */
export async function readFlowLimits(
  table: TableContext,
  merchantId: string,
  timeoutMs?: number,
): Promise<FlowLimits | null> {
  const get = (abortSignal?: AbortSignal) =>
    table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: marshall(keys.flowLimits(merchantId)),
        ProjectionExpression: 'requestsPerSecond, burst',
        ...capacityParam(table),
      }),
      abortSignal ? { abortSignal } : {},
    );
  const out = timeoutMs === undefined ? await get() : await withDeadline(timeoutMs, get);
  reportCapacity(table, 'flowLimits.get', out.ConsumedCapacity);
  if (!out.Item) return null;
  const { requestsPerSecond, burst } = unmarshall(out.Item);
  if (!isLimit(requestsPerSecond, MAX_REQUESTS_PER_SECOND) || !isLimit(burst, MAX_BURST))
    throw new CorruptItemError(`flow limits of ${merchantId}`);
  return { requestsPerSecond, burst };
}

/** The `fullAt` of a returned item, or `undefined` when it has none. @throws CorruptItemError */
function fullAtOf(
  attributes: Parameters<typeof unmarshall>[0] | undefined,
  merchantId: string,
): number | undefined {
  if (!attributes) return undefined;
  const { fullAt } = unmarshall(attributes);
  if (fullAt === undefined) return undefined;
  if (typeof fullAt !== 'number' || !Number.isSafeInteger(fullAt))
    throw new CorruptItemError(`flow bucket of ${merchantId}`);
  return fullAt;
}

/** The limiter's store: limits through a per-container cache, shards by conditional write. */
export class DynamoFlowStore implements FlowStore {
  private readonly cachedLimits: (merchantId: string) => Promise<FlowLimits>;

  constructor(
    private readonly table: TableContext,
    private readonly timeoutMs: number = FLOW_STORE_TIMEOUT_MS,
  ) {
    this.cachedLimits = cachePerContainer(
      async (merchantId) => (await readFlowLimits(table, merchantId, timeoutMs)) ?? DEFAULT_FLOW_LIMITS,
      { ttlMs: LIMITS_CACHE_MS },
    );
  }

  limitsOf(merchantId: string): Promise<FlowLimits> {
    return this.cachedLimits(merchantId);
  }

  async takeFromShard(merchantId: string, shard: number, plan: LeasePlan): Promise<ShardWrite> {
    const values = {
      ':now': plan.now,
      ':increment': plan.increment,
      ':expiresAt': Math.ceil((plan.latest + plan.increment) / 1_000_000) + SHARD_TTL_SECONDS,
      // DynamoDB refuses values the expressions do not use: each branch sends only its own.
      ...(plan.idle ? { ':entity': 'flowBucket', ':merchantId': merchantId } : { ':latest': plan.latest }),
    };
    try {
      const out = await withDeadline(this.timeoutMs, (abortSignal) =>
        this.table.client.send(
          new UpdateItemCommand({
            TableName: this.table.tableName,
            Key: marshall(keys.flowBucket(merchantId, shard)),
            UpdateExpression: plan.idle
              ? 'SET fullAt = :now + :increment, expiresAt = :expiresAt, entity = :entity, merchantId = :merchantId'
              : 'SET fullAt = fullAt + :increment, expiresAt = :expiresAt',
            ConditionExpression: plan.idle
              ? 'attribute_not_exists(fullAt) OR fullAt < :now'
              : 'fullAt BETWEEN :now AND :latest',
            ExpressionAttributeValues: marshall(values),
            ReturnValues: 'UPDATED_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ...capacityParam(this.table),
          }),
          { abortSignal },
        ),
      );
      reportCapacity(this.table, 'flowBucket.update', out.ConsumedCapacity);
      const fullAt = fullAtOf(out.Attributes, merchantId);
      if (fullAt === undefined) throw new CorruptItemError(`flow bucket of ${merchantId}: no fullAt`);
      return { ok: true, fullAt };
    } catch (error) {
      // Matched by name: the SDK's exception classes stay out of the API bundles.
      if ((error as { name?: unknown })?.name !== 'ConditionalCheckFailedException') throw error;
      return {
        ok: false,
        fullAt: fullAtOf((error as { Item?: Parameters<typeof unmarshall>[0] }).Item, merchantId),
      };
    }
  }
}

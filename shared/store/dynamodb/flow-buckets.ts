/**
 * DynamoDB adapter of per-merchant flow control (keys.ts: `MER#<merchant>` / `LIMITS` and the bucket
 * shards `FLOW#<merchant>#<shard>` / `FLOW`), on the hot path of every merchant request: no zod here,
 * the limits are checked by hand (they were validated whole when ops stored them).
 *
 * A shard is written with one conditional PutItem guarded by the version this container last saw
 * (`attribute_not_exists(PK)` for a shard it never saw); a refused write returns the shard as it is
 * (`ReturnValuesOnConditionCheckFailure: ALL_OLD`), so a race costs no extra read. Every call has a
 * deadline: the limiter fails open rather than hold a request on a store that does not answer.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type BucketState,
  DEFAULT_FLOW_LIMITS,
  type FlowLimits,
  MAX_BURST,
  MAX_REQUESTS_PER_SECOND,
} from '../../domain/flow/token-bucket.js';
import type { FlowStore, LeaseWrite, StoredBucket } from '../../flow/limiter.js';
import { cachePerContainer } from '../container-cache.js';
import { CorruptItemError } from '../errors.js';
import { keys } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** How long a container uses the limits it read: a PUT applies everywhere within this (plus a lease). */
export const LIMITS_CACHE_MS = 2_000;
/** The longest a request waits on the limiter's store before it is admitted anyway. */
export const FLOW_STORE_TIMEOUT_MS = 1_000;
/** Idle shards expire (TTL) a day after their last lease; an absent shard is a full bucket, as it would be. */
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

/** The merchant's stored limits, or `null` (eventually consistent: the cache is staler than that). */
export async function readFlowLimits(
  table: TableContext,
  merchantId: string,
  timeoutMs: number = FLOW_STORE_TIMEOUT_MS,
): Promise<FlowLimits | null> {
  const out = await withDeadline(timeoutMs, (abortSignal) =>
    table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: marshall(keys.flowLimits(merchantId)),
        ProjectionExpression: 'requestsPerSecond, burst',
        ...capacityParam(table),
      }),
      { abortSignal },
    ),
  );
  reportCapacity(table, 'flowLimits.get', out.ConsumedCapacity);
  if (!out.Item) return null;
  const { requestsPerSecond, burst } = unmarshall(out.Item);
  if (!isLimit(requestsPerSecond, MAX_REQUESTS_PER_SECOND) || !isLimit(burst, MAX_BURST))
    throw new CorruptItemError(`flow limits of ${merchantId}`);
  return { requestsPerSecond, burst };
}

function storedBucket(item: Record<string, unknown>): StoredBucket {
  const { milliTokens, at, version } = item;
  if (![milliTokens, at, version].every((n) => typeof n === 'number' && Number.isSafeInteger(n)))
    throw new CorruptItemError(`flow bucket ${String(item.PK)}`);
  return { milliTokens: milliTokens as number, at: at as number, version: version as number };
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

  async writeShard(
    merchantId: string,
    shard: number,
    expected: StoredBucket | undefined,
    next: BucketState,
  ): Promise<LeaseWrite> {
    const version = (expected?.version ?? 0) + 1;
    const item = {
      ...keys.flowBucket(merchantId, shard),
      entity: 'flowBucket',
      milliTokens: next.milliTokens,
      at: next.at,
      version,
      expiresAt: Math.floor(next.at / 1000) + SHARD_TTL_SECONDS,
    };
    try {
      const out = await withDeadline(this.timeoutMs, (abortSignal) =>
        this.table.client.send(
          new PutItemCommand({
            TableName: this.table.tableName,
            Item: marshall(item),
            ...(expected
              ? {
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: marshall({ ':expected': expected.version }),
                }
              : { ConditionExpression: 'attribute_not_exists(PK)' }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ...capacityParam(this.table),
          }),
          { abortSignal },
        ),
      );
      reportCapacity(this.table, 'flowBucket.put', out.ConsumedCapacity);
      return { ok: true, stored: { ...next, version } };
    } catch (error) {
      // Matched by name: the SDK's exception classes stay out of the API bundles.
      if ((error as { name?: unknown })?.name !== 'ConditionalCheckFailedException') throw error;
      const old = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
      return { ok: false, current: old ? storedBucket(unmarshall(old)) : undefined };
    }
  }
}

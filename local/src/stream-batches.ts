/**
 * Delivering one shard's records to a function the way a Lambda event source mapping does: in order,
 * in batches of at most `batchSize`; a failure blocks the shard and is retried (from the first failed
 * item with `ReportBatchItemFailures`; halved first with `BisectBatchOnFunctionError`, which does not
 * count as a retry); after `MaximumRetryAttempts` the failed records are handed to `onDiscard` (the
 * OnFailure destination) and the shard moves on. -1 retries means "until the records expire": forever here.
 */
import type { LambdaStreamRecord } from './stream-event.js';

export interface BatchPolicy {
  readonly batchSize: number;
  readonly reportBatchItemFailures: boolean;
  readonly maximumRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
}

export type BatchInvoke = (
  records: readonly LambdaStreamRecord[],
) => Promise<{ ok: true; payload: unknown } | { ok: false; error: unknown }>;

export interface DeliveryHooks {
  onDiscard(records: readonly LambdaStreamRecord[], attempts: number, reason: string): void;
  /** Every record up to `record` is processed (delivered or discarded): the shard may be checkpointed there. */
  onProgress?(record: LambdaStreamRecord): void;
  sleep(ms: number): Promise<void>;
  stopped(): boolean;
}

/**
 * The index of the first failed record of an invocation, or -1 when the batch succeeded. A payload that
 * names an item not in the batch (or an empty identifier) fails the whole batch, as Lambda does.
 */
export function firstFailure(
  records: readonly LambdaStreamRecord[],
  result: { ok: boolean; payload?: unknown },
  reportBatchItemFailures: boolean,
): number {
  if (!result.ok) return 0;
  if (!reportBatchItemFailures) return -1;
  const payload = result.payload;
  if (payload === null || typeof payload !== 'object') return -1;
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === null || failures === undefined) return -1;
  if (!Array.isArray(failures)) return 0;
  if (failures.length === 0) return -1;
  let first = records.length;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index =
      typeof id === 'string' && id ? records.findIndex((r) => r.dynamodb.SequenceNumber === id) : -1;
    if (index < 0) return 0;
    first = Math.min(first, index);
  }
  return first;
}

function backoffMs(attempt: number): number {
  return Math.min(100 * 2 ** (attempt - 1), 2000);
}

/** Delivers `records` (already filtered) in order; resolves when all are delivered or discarded. */
export async function deliverRecords(
  records: readonly LambdaStreamRecord[],
  policy: BatchPolicy,
  invoke: BatchInvoke,
  hooks: DeliveryHooks,
): Promise<void> {
  let pending = records.slice();
  let attempts = 0;
  let limit = policy.batchSize;
  while (pending.length > 0 && !hooks.stopped()) {
    const batch = pending.slice(0, limit);
    const result = await invoke(batch);
    const failedAt = firstFailure(batch, result, policy.reportBatchItemFailures);
    if (failedAt < 0) {
      hooks.onProgress?.(batch[batch.length - 1] as LambdaStreamRecord);
      pending = pending.slice(batch.length);
      attempts = 0;
      limit = policy.batchSize;
      continue;
    }
    // Records before the first failure are done; the shard resumes from the failure.
    if (failedAt > 0) hooks.onProgress?.(batch[failedAt - 1] as LambdaStreamRecord);
    pending = pending.slice(failedAt);
    const failedCount = batch.length - failedAt;
    if (!result.ok && policy.bisectBatchOnFunctionError && failedCount > 1) {
      limit = Math.ceil(failedCount / 2);
      continue;
    }
    attempts += 1;
    if (policy.maximumRetryAttempts >= 0 && attempts > policy.maximumRetryAttempts) {
      const reason = result.ok ? 'partial batch failure' : 'function error';
      hooks.onDiscard(pending.slice(0, failedCount), attempts, reason);
      hooks.onProgress?.(pending[failedCount - 1] as LambdaStreamRecord);
      pending = pending.slice(failedCount);
      attempts = 0;
      limit = policy.batchSize;
      continue;
    }
    await hooks.sleep(backoffMs(attempts));
  }
}

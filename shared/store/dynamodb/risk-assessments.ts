/**
 * Velocity counters and customer history for the asynchronous score (see risk-keys.ts), one item per
 * merchant and customer, email or IP (domain/risk/folded-counters.ts).
 *
 * A payment is counted with one read and one write per item, without a transaction: a BatchGetItem of
 * the (at most three) items, then per item a PutItem of the item with the payment applied — stale buckets
 * and years rolled over in the same write — guarded by the version that was read. A refused guard hands
 * back the item as it is now (`ReturnValuesOnConditionCheckFailure`), and the payment is applied to that;
 * so an eventually consistent read is enough, and racing deliveries of one payment or of several payments
 * of one customer each land once. Every item keeps the digests of its last `DEDUPE_CAP` payments: one that
 * lists the payment is not written again, so a redelivery, or a retry after a crash halfway, counts only
 * the items not yet counted. The signals are taken from the items as written (or, when nothing was to be
 * written, as read consistently), so every delivery sees its payment counted once.
 * Before 2026-12-07 this took an item per bucket and per year: four guarded writes and a consistent read
 * of eight items per payment with customer id, email and IP, where this takes three writes and one
 * eventually consistent read of three items.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  applyPayment,
  type CountedChange,
  type CounterState,
  DEDUPE_CAP,
  DIGEST_LENGTH,
  historyBefore,
  velocityCount,
} from '../../domain/risk/folded-counters.js';
import { normalizeEmail } from '../../domain/risk/near-miss.js';
import type { RiskSignals } from '../../domain/risk/score.js';
import { bucketExpiry, bucketOf } from '../../domain/risk/velocity.js';
import { ConcurrentModificationError } from '../errors.js';
import { CUSTOMER_HISTORY_TTL_SECONDS, riskKeys, type VelocityDimension, valueHash } from '../risk-keys.js';
import { fromItem, MAX_ITEM_BYTES, toItem } from './risk-counter-items.js';
import { backoffDelay, capacityParam, type Item, reportCapacity, sleep, type TableContext } from './table.js';

export { DEDUPE_CAP, MAX_ITEM_BYTES };

/** What of the payment the counters need. */
export interface CountedPayment {
  readonly id: string;
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly createdAt: string;
  readonly customer?: { readonly id?: string; readonly email?: string; readonly ip?: string } | null;
}

export interface CountResult {
  /** True when this call counted the payment in some item, false when earlier deliveries had. */
  readonly counted: boolean;
  /** Counts in the sliding window (this payment included), the customer's history before it. */
  readonly signals: RiskSignals;
}

const READ_ATTEMPTS = 5;
/**
 * Guarded writes of one item before the message fails (and is redelivered). Only racing payments of one
 * customer, email or IP refuse a guard, and each refusal means another of them landed, so N racing
 * payments (a consumer batch of 10 of one customer, several consumers on a shared IP) take at most N
 * attempts; the retries back off with jitter so the racers spread out.
 */
const WRITE_ATTEMPTS = 30;

/** The dimension values a payment is counted under; emails normalized so `+tag` variants count together. */
export function dimensionsOf(payment: Omit<CountedPayment, 'id'>): Array<[VelocityDimension, string]> {
  const c = payment.customer;
  const dims: Array<[VelocityDimension, string]> = [];
  if (c?.id) dims.push(['c', c.id]);
  if (c?.email) dims.push(['e', normalizeEmail(c.email)]);
  if (c?.ip) dims.push(['i', c.ip.toLowerCase()]);
  return dims;
}

/** The item a payment's dimension is counted in. */
export function riskCounterKey(merchantId: string, dim: VelocityDimension, value: string) {
  return dim === 'c' ? riskKeys.customer(merchantId, value) : riskKeys.velocity(merchantId, dim, value);
}

interface Target {
  readonly dim: VelocityDimension;
  readonly key: { PK: string; SK: string };
  readonly change: CountedChange;
  readonly expiresAt: (state: CounterState) => number;
}

export class DynamoRiskAssessmentStore {
  constructor(private readonly table: TableContext) {}

  /** Counts the payment once per item and returns its signals (see the file comment). */
  async countOnce(payment: CountedPayment, windowMinutes: number, now: Date): Promise<CountResult> {
    const createdAt = new Date(payment.createdAt);
    const bucket = bucketOf(createdAt, windowMinutes);
    const year = createdAt.getUTCFullYear();
    const digest = valueHash(payment.id).slice(0, DIGEST_LENGTH);
    const history = { year, currency: payment.currency, amount: payment.amount };
    const idle = Math.floor(now.getTime() / 1000) + CUSTOMER_HISTORY_TTL_SECONDS;
    const targets: Target[] = dimensionsOf(payment).map(([dim, value]) => ({
      dim,
      key: riskCounterKey(payment.merchantId, dim, value),
      change: {
        digest,
        window: windowMinutes,
        bucket: bucket.index,
        ...(dim === 'c' ? { history } : {}),
      },
      // A customer's item keeps its history; an email's or IP's lives as long as its newest window.
      expiresAt: (s) =>
        dim === 'c' ? idle : bucketExpiry(s.velocity?.at ?? bucket.index, s.window ?? windowMinutes),
    }));
    if (targets.length === 0) return { counted: false, signals: {} };

    const read = await this.batchGet(targets.map((t) => t.key));
    const settled = await Promise.all(targets.map((t) => this.settle(t, read.get(t.key.PK))));

    const signals: { -readonly [K in keyof RiskSignals]: RiskSignals[K] } = {};
    targets.forEach((t, i) => {
      const state = settled[i]?.state as CounterState;
      const count = velocityCount(state, windowMinutes, bucket);
      if (t.dim === 'c') {
        signals.customerCount = count;
        signals.history = historyBefore(state, history);
      }
      if (t.dim === 'e') signals.emailCount = count;
      if (t.dim === 'i') signals.ipCount = count;
    });
    return { counted: settled.some((s) => s.counted), signals };
  }

  /**
   * Applies the payment to one item: written once, guarded by the version it was applied to; when the
   * item already lists the payment, its current state (read consistently) is the answer.
   */
  private async settle(
    target: Target,
    raw: Record<string, unknown> | undefined,
  ): Promise<{ state: CounterState; counted: boolean }> {
    let current = fromItem(raw);
    let consistent = false;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      if (attempt > 1) await sleep(backoffDelay(Math.min(attempt, 4), 5, 100));
      const next = applyPayment(current, target.change);
      if (!next) {
        if (consistent) return { state: current, counted: false };
        current = fromItem(await this.getConsistent(target.key));
        consistent = true;
        continue;
      }
      const refused = await this.put(target.key, current.version, next, target.expiresAt(next));
      if (!refused) return { state: next, counted: true };
      current = fromItem(refused.item);
      consistent = true;
    }
    throw new ConcurrentModificationError(new Error(`risk counter ${target.key.PK}: guard kept failing`));
  }

  /** PutItem guarded by the version read; the item as it is when the guard refused it. */
  private async put(
    key: { PK: string; SK: string },
    readVersion: number,
    state: CounterState,
    expiresAt: number,
  ): Promise<{ item?: Record<string, unknown> } | undefined> {
    // Throttling and transient errors are the SDK's to retry; a failure left after that fails the message.
    try {
      const out = await this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: marshall(toItem(key, state, expiresAt), { removeUndefinedValues: true }),
          // An item without a version (none, or one of another layout) is replaced.
          ConditionExpression: readVersion === 0 ? 'attribute_not_exists(v)' : 'v = :v',
          ...(readVersion === 0 ? {} : { ExpressionAttributeValues: marshall({ ':v': readVersion }) }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'risk.count', out.ConsumedCapacity);
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return error.Item ? { item: unmarshall(error.Item) } : {};
    }
  }

  private async getConsistent(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    const out = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: marshall(key),
        ConsistentRead: true,
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'risk.readSignals', out.ConsumedCapacity);
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  /** The items by PK, eventually consistent: every write is guarded by the version read. */
  private async batchGet(
    keys: Array<{ PK: string; SK: string }>,
  ): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let pending: Item[] = keys.map((k) => marshall(k));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= READ_ATTEMPTS) throw new Error('BatchGetItem left keys unprocessed after retries');
      if (attempt > 0) await sleep(backoffDelay(attempt));
      const out = await this.table.client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.table.tableName]: { Keys: pending } },
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'risk.readSignals', out.ConsumedCapacity);
      for (const raw of out.Responses?.[this.table.tableName] ?? []) {
        const item = unmarshall(raw);
        found.set(String(item.PK), item);
      }
      pending = out.UnprocessedKeys?.[this.table.tableName]?.Keys ?? [];
    }
    return found;
  }
}

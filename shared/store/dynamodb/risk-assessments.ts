/**
 * Velocity counters and customer history for the asynchronous score (see risk-keys.ts).
 *
 * Counting is exactly-once per payment without a transaction: every counter item carries a small set of
 * the payment digests it has counted (`ids`), and each `ADD` is guarded by `NOT contains(ids, :p)`. A
 * redelivered or racing event fails that condition item by item, so a crash halfway through leaves the
 * counted items counted and the next delivery counts only the rest. One plain write unit per item, where
 * a transaction with a dedupe marker costs two per item plus the marker's two (10 → 4 units for a
 * payment with customer id, email and IP). Past `DEDUPE_CAP` ids an item stops growing its set and
 * counts with a plain `ADD` (a velocity that high is far past any threshold; a redelivery there may
 * count twice), so no item outgrows one write unit however busy an IP or a customer is.
 * Signals are read after counting (consistent BatchGetItem), so they include this payment exactly once
 * whether this delivery counted it or an earlier one did.
 */
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { normalizeEmail } from '../../domain/risk/near-miss.js';
import type { RiskSignals } from '../../domain/risk/score.js';
import { bucketExpiry, bucketOf, slidingCount } from '../../domain/risk/velocity.js';
import { CUSTOMER_HISTORY_TTL_SECONDS, riskKeys, type VelocityDimension, valueHash } from '../risk-keys.js';
import { backoffDelay, capacityParam, type Item, reportCapacity, sleep, type TableContext } from './table.js';

/** What of the payment the counters need. */
export interface CountedPayment {
  readonly id: string;
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly createdAt: string;
  readonly customer?: { readonly id?: string; readonly email?: string; readonly ip?: string } | null;
}

const ATTEMPTS = 5;
/** Payment digests an item keeps for dedupe: 40 × 10 characters keeps it well under 1 KB. */
export const DEDUPE_CAP = 40;
/** Digest length: 50 bits, so two payments of one customer or IP never share one. */
const DIGEST_LENGTH = 10;

/** The dimension values a payment is counted under; emails normalized so `+tag` variants count together. */
export function dimensionsOf(payment: Omit<CountedPayment, 'id'>): Array<[VelocityDimension, string]> {
  const c = payment.customer;
  const dims: Array<[VelocityDimension, string]> = [];
  if (c?.id) dims.push(['c', c.id]);
  if (c?.email) dims.push(['e', normalizeEmail(c.email)]);
  if (c?.ip) dims.push(['i', c.ip.toLowerCase()]);
  return dims;
}

interface CounterUpdate {
  readonly key: { PK: string; SK: string };
  /** `ADD` clauses besides `n` and `ids`, e.g. `#cs :amt`. */
  readonly add?: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
  readonly expiresAt: number;
}

export class DynamoRiskAssessmentStore {
  constructor(private readonly table: TableContext) {}

  /**
   * Adds the payment to its velocity buckets and its customer's history, once per payment.
   * @returns `true` when this call counted it anywhere, `false` when earlier deliveries already had
   *   (or the payment has nothing to count by).
   */
  async countOnce(payment: CountedPayment, windowMinutes: number, now: Date): Promise<boolean> {
    const { index } = bucketOf(new Date(payment.createdAt), windowMinutes);
    const updates: CounterUpdate[] = dimensionsOf(payment).map(([dim, value]) => ({
      key: riskKeys.velocity(payment.merchantId, dim, windowMinutes, index, value),
      expiresAt: bucketExpiry(index, windowMinutes),
    }));
    const customerId = payment.customer?.id;
    if (customerId) {
      updates.push({
        key: riskKeys.customerHistory(payment.merchantId, customerId, yearOf(payment.createdAt)),
        add: '#cn :one, #cs :amt',
        names: { '#cn': `n_${payment.currency}`, '#cs': `s_${payment.currency}` },
        values: { ':amt': payment.amount },
        expiresAt: Math.floor(now.getTime() / 1000) + CUSTOMER_HISTORY_TTL_SECONDS,
      });
    }
    const digest = valueHash(payment.id).slice(0, DIGEST_LENGTH);
    const counted = await Promise.all(updates.map((u) => this.addOnce(u, digest)));
    return counted.some(Boolean);
  }

  /** One counter: `ADD n 1` (and `add`) unless `ids` already holds `digest`. */
  private async addOnce(update: CounterUpdate, digest: string): Promise<boolean> {
    const extra = update.add ? `, ${update.add}` : '';
    const values = { ':one': 1, ':exp': update.expiresAt, ...update.values };
    const guarded = {
      UpdateExpression: `ADD n :one, ids :d${extra} SET expiresAt = :exp`,
      ConditionExpression: '(attribute_not_exists(n) OR n < :cap) AND NOT contains(ids, :p)',
      ExpressionAttributeValues: marshall({
        ...values,
        ':d': new Set([digest]),
        ':p': digest,
        ':cap': DEDUPE_CAP,
      }),
    };
    const first = await this.update(update, guarded);
    if (first.counted) return true;
    if (first.old?.ids instanceof Set && first.old.ids.has(digest)) return false;
    // Refused because the set is full: count without it (see the file comment).
    const plain = await this.update(update, {
      UpdateExpression: `ADD n :one${extra} SET expiresAt = :exp`,
      ConditionExpression: 'n >= :cap',
      ExpressionAttributeValues: marshall({ ...values, ':cap': DEDUPE_CAP }),
    });
    if (plain.counted) return true;
    throw new Error(`risk counter ${update.key.PK}: neither guarded nor plain count applied`);
  }

  private async update(
    update: CounterUpdate,
    expression: { UpdateExpression: string; ConditionExpression: string; ExpressionAttributeValues: Item },
  ): Promise<{ counted: boolean; old?: Record<string, unknown> }> {
    // Throttling and transient errors are the SDK's to retry; a failure left after that fails the message.
    try {
      const out = await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: marshall(update.key),
          ...expression,
          ...(update.names ? { ExpressionAttributeNames: update.names } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'risk.count', out.ConsumedCapacity);
      return { counted: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { counted: false, ...(error.Item ? { old: unmarshall(error.Item) } : {}) };
    }
  }

  /**
   * The velocity and history signals of a counted payment: counts in the sliding window (this payment
   * included) and the customer's history before this payment.
   */
  async readSignals(payment: CountedPayment, windowMinutes: number): Promise<RiskSignals> {
    const dims = dimensionsOf(payment);
    const { index, elapsed } = bucketOf(new Date(payment.createdAt), windowMinutes);
    const wanted = new Map<string, { PK: string; SK: string }>();
    for (const [dim, value] of dims) {
      wanted.set(`${dim}0`, riskKeys.velocity(payment.merchantId, dim, windowMinutes, index, value));
      wanted.set(`${dim}1`, riskKeys.velocity(payment.merchantId, dim, windowMinutes, index - 1, value));
    }
    const customerId = payment.customer?.id;
    if (customerId) {
      const year = yearOf(payment.createdAt);
      wanted.set('h', riskKeys.customerHistory(payment.merchantId, customerId, year));
      wanted.set('h1', riskKeys.customerHistory(payment.merchantId, customerId, year - 1));
    }
    const found = await this.batchGet([...wanted.values()]);
    const n = (name: string) => {
      const key = wanted.get(name);
      return key ? Number(found.get(key.PK)?.n ?? 0) : 0;
    };
    const signals: { -readonly [K in keyof RiskSignals]: RiskSignals[K] } = {};
    for (const [dim] of dims) {
      // The current bucket holds this payment; at least 1 even if a read raced the count.
      const count = Math.max(1, slidingCount(n(`${dim}0`), n(`${dim}1`), elapsed));
      if (dim === 'c') signals.customerCount = count;
      if (dim === 'e') signals.emailCount = count;
      if (dim === 'i') signals.ipCount = count;
    }
    if (customerId) {
      // This year's and last year's items; this payment is counted once in this year's: take it out.
      const years = ['h', 'h1'].map((name) => found.get(wanted.get(name)?.PK ?? '') ?? {});
      const sum = (attribute: string) => years.reduce((s, h) => s + Number(h[attribute] ?? 0), 0);
      signals.history = {
        count: Math.max(0, sum('n') - 1),
        sameCurrencyCount: Math.max(0, sum(`n_${payment.currency}`) - 1),
        sameCurrencySum: Math.max(0, sum(`s_${payment.currency}`) - payment.amount),
      };
    }
    return signals;
  }

  private async batchGet(
    keys: Array<{ PK: string; SK: string }>,
  ): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    let pending: Item[] = keys.map((k) => marshall(k));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= ATTEMPTS) throw new Error('BatchGetItem left keys unprocessed after retries');
      if (attempt > 0) await sleep(backoffDelay(attempt));
      const out = await this.table.client.send(
        new BatchGetItemCommand({
          RequestItems: { [this.table.tableName]: { Keys: pending, ConsistentRead: true } },
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

/** The UTC year of an ISO timestamp: customer history is kept per year (risk-keys.ts). */
function yearOf(iso: string): number {
  return new Date(iso).getUTCFullYear();
}

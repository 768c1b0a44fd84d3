/**
 * Velocity counters and customer history for the asynchronous score (see risk-keys.ts).
 *
 * Counting is exactly-once per event: ONE TransactWriteItems puts the event's dedupe marker
 * (`attribute_not_exists`) and adds the payment to every counter, so a redelivered event fails the
 * marker's condition and changes no counter, and a crash leaves either everything counted or nothing.
 * Signals are read after counting (consistent BatchGetItem), so they include this payment exactly once
 * whether this delivery counted it or an earlier one did.
 */
import {
  BatchGetItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { normalizeEmail } from '../../domain/risk/near-miss.js';
import type { RiskSignals } from '../../domain/risk/score.js';
import { bucketExpiry, bucketOf, slidingCount } from '../../domain/risk/velocity.js';
import { ConcurrentModificationError } from '../errors.js';
import {
  CUSTOMER_HISTORY_TTL_SECONDS,
  EVENT_MARKER_TTL_SECONDS,
  riskKeys,
  type VelocityDimension,
} from '../risk-keys.js';
import { backoffDelay, capacityParam, type Item, reportCapacity, sleep, type TableContext } from './table.js';

/** What of the payment the counters need. */
export interface CountedPayment {
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly createdAt: string;
  readonly customer?: { readonly id?: string; readonly email?: string; readonly ip?: string } | null;
}

const ATTEMPTS = 5;

/** The dimension values a payment is counted under; emails normalized so `+tag` variants count together. */
export function dimensionsOf(payment: CountedPayment): Array<[VelocityDimension, string]> {
  const c = payment.customer;
  const dims: Array<[VelocityDimension, string]> = [];
  if (c?.id) dims.push(['c', c.id]);
  if (c?.email) dims.push(['e', normalizeEmail(c.email)]);
  if (c?.ip) dims.push(['i', c.ip.toLowerCase()]);
  return dims;
}

export class DynamoRiskAssessmentStore {
  constructor(private readonly table: TableContext) {}

  /**
   * Adds the payment to its velocity buckets and its customer's history, once per `eventId`.
   * @returns `true` when counted now, `false` when an earlier delivery already counted it (or the
   *   payment has nothing to count by).
   */
  async countOnce(
    eventId: string,
    payment: CountedPayment,
    windowMinutes: number,
    now: Date,
  ): Promise<boolean> {
    const dims = dimensionsOf(payment);
    if (dims.length === 0) return false;
    const { index } = bucketOf(new Date(payment.createdAt), windowMinutes);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const transactItems: NonNullable<TransactWriteItemsCommand['input']['TransactItems']> = [
      {
        Put: {
          TableName: this.table.tableName,
          Item: marshall({
            ...riskKeys.eventMarker(eventId),
            entity: 'riskEventMarker',
            paymentCreatedAt: payment.createdAt,
            expiresAt: nowSeconds + EVENT_MARKER_TTL_SECONDS,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ];
    for (const [dim, value] of dims) {
      transactItems.push({
        Update: {
          TableName: this.table.tableName,
          Key: marshall(riskKeys.velocity(payment.merchantId, dim, windowMinutes, index, value)),
          UpdateExpression: 'ADD n :one SET expiresAt = :exp',
          ExpressionAttributeValues: marshall({ ':one': 1, ':exp': bucketExpiry(index, windowMinutes) }),
        },
      });
    }
    const customerId = payment.customer?.id;
    if (customerId) {
      transactItems.push({
        Update: {
          TableName: this.table.tableName,
          Key: marshall(riskKeys.customerHistory(payment.merchantId, customerId)),
          UpdateExpression: 'ADD n :one, #cn :one, #cs :amt SET expiresAt = :exp',
          ExpressionAttributeNames: { '#cn': `n_${payment.currency}`, '#cs': `s_${payment.currency}` },
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':amt': payment.amount,
            ':exp': nowSeconds + CUSTOMER_HISTORY_TTL_SECONDS,
          }),
        },
      });
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt));
      try {
        const out = await this.table.client.send(
          new TransactWriteItemsCommand({ TransactItems: transactItems, ...capacityParam(this.table) }),
        );
        reportCapacity(this.table, 'risk.count', out.ConsumedCapacity);
        return true;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
        // Another payment of the same customer, email or IP counted at the same instant: retry.
        if (!reasons.some((r) => r.Code === 'TransactionConflict')) throw error;
        lastError = error;
      }
    }
    throw new ConcurrentModificationError(lastError);
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
    if (customerId) wanted.set('h', riskKeys.customerHistory(payment.merchantId, customerId));
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
      const h = found.get(wanted.get('h')?.PK ?? '') ?? {};
      // The history includes this payment once (counted before reading): take it out.
      signals.history = {
        count: Math.max(0, Number(h.n ?? 0) - 1),
        sameCurrencyCount: Math.max(0, Number(h[`n_${payment.currency}`] ?? 0) - 1),
        sameCurrencySum: Math.max(0, Number(h[`s_${payment.currency}`] ?? 0) - payment.amount),
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

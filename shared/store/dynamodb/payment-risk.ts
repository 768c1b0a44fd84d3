/**
 * Risk writes on the payment item, kept apart from the payment store's create/get/list:
 * - `setRisk`: the assessment and its effect in ONE UpdateItem, guarded `attribute_not_exists(risk)`
 *   (a payment is assessed once) and, unless it is an approval (no effect), by the status it was planned
 *   for (a cancel is `processing → canceled` only, so a payment that succeeded meanwhile is re-planned,
 *   never canceled);
 * - `applyReview`: ops' decision, guarded `reviewStatus = held` and the status it was planned for;
 * - `ensureRiskRefund`: the full refund of a rejected succeeded payment through the refund store, under
 *   an idempotency key derived from the payment id, so the consumer, its redeliveries and ops' reject
 *   all converge on the same single refund.
 * The `risk` change reaches the stream, from which the publisher derives `RiskAssessed`. These are core's
 * writes: risk asks for them through core's function (shared/risk/apply-decisions.ts) and keeps its own
 * items (the review hold, the summary) from the answers.
 */
import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type AssessmentEffect, owesRiskRefund, type ReviewStatus } from '../../domain/risk/review.js';
import type { Payment } from '../../schemas/payment.js';
import { requestFingerprint } from '../idempotency.js';
import { type PaymentItem, type StoredAnswer, slotOfId } from '../items.js';
import { DynamoRefundStore } from './refunds.js';
import { readSlot } from './slot-reads.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** The payment item with the risk-control attributes. */
export type RiskPaymentItem = PaymentItem & { reviewStatus?: ReviewStatus; reviewedAt?: string };

export type GuardedWrite =
  | { readonly kind: 'written'; readonly item: RiskPaymentItem }
  /** The item was not as planned for (already assessed, status or review moved): re-read and re-plan. */
  | { readonly kind: 'stale'; readonly current: RiskPaymentItem | undefined };

/** Reason of the automatic refund of a rejected payment. */
export const RISK_REFUND_REASON = 'risk_rejected';

/** The Idempotency-Key (merchant-scoped) of a payment's risk refund; printable, not one a client would pick. */
export function riskRefundKey(paymentId: string): string {
  return `system:risk-refund:${paymentId}`;
}

export class DynamoPaymentRiskStore {
  private readonly refunds: DynamoRefundStore;

  constructor(private readonly table: TableContext) {
    this.refunds = new DynamoRefundStore(table);
  }

  /** The payment item of any merchant, strongly consistent; `undefined` when no such payment. */
  getItem(paymentId: string): Promise<RiskPaymentItem | undefined> {
    return readRiskPaymentItem(this.table, paymentId);
  }

  /** Writes the assessment and its effect, if the payment is still unassessed and `item.status`. */
  async setRisk(
    item: RiskPaymentItem,
    risk: NonNullable<Payment['risk']>,
    effect: AssessmentEffect,
    now: Date,
  ): Promise<GuardedWrite> {
    const sets = ['risk = :risk', 'updatedAt = :now'];
    const values: Record<string, unknown> = {
      ':payment': 'payment',
      ':status': item.status,
      ':risk': risk,
      ':now': now.toISOString(),
    };
    if (effect.reviewStatus) {
      sets.push('reviewStatus = :rs');
      values[':rs'] = effect.reviewStatus;
    }
    if (effect.cancel) {
      sets.push('#status = :canceled');
      values[':canceled'] = 'canceled';
    }
    // An approval changes nothing but `risk`, whatever the status is by then: guarding it by the status
    // read before scoring only refused it when the channel's outcome landed meanwhile (a refused write
    // and a second read for the same result). Decisions with an effect keep the guard.
    const statusBound = effect.cancel || effect.reviewStatus !== undefined || risk.decision !== 'approve';
    if (!statusBound) delete values[':status'];
    return this.guardedUpdate(
      item,
      `entity = :payment AND attribute_not_exists(risk)${statusBound ? ' AND #status = :status' : ''}`,
      `SET ${sets.join(', ')}`,
      values,
      'risk.setRisk',
    );
  }

  /** Ops' review decision, if the payment is still held and `item.status`. */
  async applyReview(
    item: RiskPaymentItem,
    reviewStatus: ReviewStatus,
    cancel: boolean,
    now: Date,
  ): Promise<GuardedWrite> {
    const sets = ['reviewStatus = :rs', 'reviewedAt = :now', 'updatedAt = :now'];
    const values: Record<string, unknown> = {
      ':payment': 'payment',
      ':status': item.status,
      ':held': 'held',
      ':rs': reviewStatus,
      ':now': now.toISOString(),
    };
    if (cancel) {
      sets.push('#status = :canceled');
      values[':canceled'] = 'canceled';
    }
    return this.guardedUpdate(
      item,
      'entity = :payment AND reviewStatus = :held AND #status = :status',
      `SET ${sets.join(', ')}`,
      values,
      'risk.applyReview',
    );
  }

  /**
   * What an assessed or reviewed payment's state still owes: the refund of a rejected succeeded payment,
   * created once (replayed after that). Every path (and every redelivery) may call it.
   */
  async completeOwed(item: RiskPaymentItem, now: Date): Promise<StoredAnswer | undefined> {
    return owesRiskRefund(item) ? this.ensureRiskRefund(item, now) : undefined;
  }

  /**
   * Refunds all that remains of a rejected succeeded payment, once: the same key on every call, so
   * repeated calls replay the first answer (201, or the stored refusal when nothing remained).
   */
  ensureRiskRefund(item: RiskPaymentItem, now: Date): Promise<StoredAnswer> {
    const path = `/v1/payments/${item.id}/refunds`;
    const body = { reason: RISK_REFUND_REASON };
    return this.refunds.create({
      merchantId: item.merchantId,
      paymentId: item.id,
      idempotencyKey: riskRefundKey(item.id),
      requestFingerprint: requestFingerprint('POST', path, body),
      reason: RISK_REFUND_REASON,
      now,
    });
  }

  private async guardedUpdate(
    item: RiskPaymentItem,
    condition: string,
    update: string,
    values: Record<string, unknown>,
    operation: string,
  ): Promise<GuardedWrite> {
    try {
      const out = await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: marshall({ PK: item.PK, SK: item.SK }),
          ConditionExpression: condition,
          UpdateExpression: update,
          // DynamoDB refuses a name no expression uses (an approval neither guards nor sets the status).
          ...(`${condition} ${update}`.includes('#status')
            ? { ExpressionAttributeNames: { '#status': 'status' } }
            : {}),
          ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, operation, out.ConsumedCapacity);
      return { kind: 'written', item: unmarshall(out.Attributes ?? {}) as RiskPaymentItem };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = error.Item ? (unmarshall(error.Item) as RiskPaymentItem) : await this.getItem(item.id);
      return { kind: 'stale', current: current?.entity === 'payment' ? current : undefined };
    }
  }
}

/** The payment item of any merchant, strongly consistent; `undefined` when no such payment. */
export async function readRiskPaymentItem(
  table: TableContext,
  paymentId: string,
): Promise<RiskPaymentItem | undefined> {
  const slot = slotOfId(paymentId, 'pay');
  if (!slot) return undefined;
  const item = await readSlot(table, slot, 'risk.getPayment');
  return item?.entity === 'payment' ? (item as unknown as RiskPaymentItem) : undefined;
}

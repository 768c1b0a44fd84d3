/**
 * DynamoDB adapter of the refund store. A refund is ONE TransactWriteItems:
 *   (a) the refund request at its Idempotency-Key slot (attribute_not_exists),
 *   (b) the payment, guarded `succeeded AND refundableRemaining >= :amt`, which is what keeps the sum
 *       of refunds within the amount under any concurrency,
 *   (c) the refund item under the payment (attribute_not_exists).
 * The payment is read first only to pick the default amount and the kind of refusal; the write's
 * conditions are the guard. Refusals (404, 409, 422) are stored at the slot with a 24 h TTL.
 */
import {
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { outcomeHint } from '../../channels/types.js';
import { planRefund } from '../../domain/refund.js';
import { type Problem, problem } from '../../schemas/problem-catalogue.js';
import type { Refund } from '../../schemas/refund.js';
import { ConcurrentModificationError, IdempotencyKeyReusedError, ObjectNotFoundError } from '../errors.js';
import { idempotencySlot } from '../idempotency.js';
import {
  metadataOf,
  type PaymentItem,
  REFUND_ID_PREFIX,
  type RefundItem,
  type RefundRequestItem,
  refundFromItem,
  type SlotItem,
  type StoredAnswer,
  slotOfId,
  verdictForSlot,
} from '../items.js';
import { backOfficeKeys, keys } from '../keys.js';
import type { CreateRefundInput, RefundStore } from '../ports.js';
import { DynamoPaymentStore } from './payments.js';
import { putRefusal } from './refusals.js';
import { backoffDelay, capacityParam, claimItem, reportCapacity, sleep, type TableContext } from './table.js';

/** Attempts when transactions collide (TransactionConflict) or the payment moved under us. */
export const REFUND_ATTEMPTS = 8;
/** Stored refusals are replayable for at least the contract's 24 hours. */

export class DynamoRefundStore implements RefundStore {
  private readonly payments: DynamoPaymentStore;

  constructor(private readonly table: TableContext) {
    this.payments = new DynamoPaymentStore(table);
  }

  async create(input: CreateRefundInput): Promise<StoredAnswer> {
    const slot = idempotencySlot(input.merchantId, input.idempotencyKey);
    const paymentSlot = slotOfId(input.paymentId, 'pay');
    // The key that created this very payment: its slot holds the payment, a different request.
    if (paymentSlot === slot) throw new IdempotencyKeyReusedError();
    let lastError: unknown;
    for (let attempt = 0; attempt < REFUND_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt, 25, 1000));
      const payment = await this.readPayment(input);
      if (!payment)
        return this.refuse(slot, input, problem('not-found', `No such payment: ${input.paymentId}`));
      const plan = planRefund(payment, input.amount);
      if (plan.kind === 'not_refundable') {
        return this.refuse(slot, input, problem('payment-not-refundable', `The payment is ${plan.status}.`));
      }
      if (plan.kind === 'exceeds_remaining') {
        const detail = `Requested ${plan.requested} ${payment.currency}; ${plan.remaining} remains refundable.`;
        return this.refuse(slot, input, problem('refund-exceeds-remaining', detail));
      }
      try {
        return await this.write(slot, payment, plan.amount, input);
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [request, paymentReason] = error.CancellationReasons ?? [];
        if (request?.Code === 'ConditionalCheckFailed') {
          return this.replay(slot, input, request.Item ? unmarshall(request.Item) : undefined);
        }
        // TransactionConflict, or the payment changed since we read it: read again and re-decide.
        if (paymentReason?.Code !== 'ConditionalCheckFailed' && !hasConflict(error)) throw error;
        lastError = error;
      }
    }
    throw new ConcurrentModificationError(lastError);
  }

  async list(merchantId: string, paymentId: string): Promise<Refund[]> {
    await this.payments.getItem(merchantId, paymentId);
    const pk = keys.object(slotOfId(paymentId, 'pay') ?? '').PK;
    const refunds: Refund[] = [];
    let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const out = await this.table.client.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ref)',
          ExpressionAttributeValues: { ':pk': { S: pk }, ':ref': { S: backOfficeKeys.refundPrefix } },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'listRefunds', out.ConsumedCapacity);
      for (const raw of out.Items ?? []) refunds.push(refundFromItem(unmarshall(raw) as RefundItem));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return refunds.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  private async readPayment(input: CreateRefundInput): Promise<PaymentItem | undefined> {
    try {
      return await this.payments.getItem(input.merchantId, input.paymentId);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  }

  private async write(slot: string, payment: PaymentItem, amount: number, input: CreateRefundInput) {
    const refundId = `${REFUND_ID_PREFIX}${slot}`;
    const now = input.now.toISOString();
    const paymentSlot = payment.PK.slice('OBJ#'.length);
    const refund: RefundItem = {
      ...keys.refund(paymentSlot, refundId),
      entity: 'refund',
      id: refundId,
      paymentId: payment.id,
      merchantId: payment.merchantId,
      amount,
      currency: payment.currency,
      status: 'pending',
      reason: input.reason,
      channel: payment.channel,
      // What the refund's submission needs, so the dispatcher sends it without reading the payment.
      paymentAmount: payment.amount,
      ...(payment.channelReference ? { paymentChannelReference: payment.channelReference } : {}),
      sandboxOutcome: refundSandboxOutcome(metadataOf(payment), payment.channel),
      createdAt: now,
      updatedAt: now,
      // Half of a settlement line item's keys: in GSI2 once its success adds GSI2SK (no index write now).
      GSI2PK: keys.settlementLines(payment.merchantId, refundId),
    };
    const body = refundFromItem(refund);
    const request: RefundRequestItem = {
      ...keys.object(slot),
      entity: 'refundRequest',
      refundId,
      paymentId: payment.id,
      merchantId: input.merchantId,
      requestFingerprint: input.requestFingerprint,
      response: JSON.stringify(body),
      createdAt: now,
    };
    const out = await this.table.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          claimItem(this.table, request),
          {
            Update: {
              TableName: this.table.tableName,
              Key: marshall(keys.object(paymentSlot)),
              ConditionExpression:
                'merchantId = :m AND entity = :payment AND #status = :succeeded AND refundableRemaining >= :amt',
              UpdateExpression:
                'SET refundableRemaining = refundableRemaining - :amt, amountRefunded = amountRefunded + :amt, updatedAt = :now',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: marshall({
                ':m': input.merchantId,
                ':payment': 'payment',
                ':succeeded': 'succeeded',
                ':amt': amount,
                ':now': now,
              }),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Put: {
              TableName: this.table.tableName,
              Item: marshall(refund, { removeUndefinedValues: true }),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'createRefund', out.ConsumedCapacity);
    return { status: 201, body, replayed: false };
  }

  /** Stores a business refusal at the slot so a retry replays it; a taken slot replays instead. */
  private async refuse(slot: string, input: CreateRefundInput, body: Problem): Promise<StoredAnswer> {
    const result = await putRefusal(this.table, slot, input, body);
    if (result.stored) return { status: body.status, body, replayed: false };
    return this.replay(slot, input, result.existing);
  }

  private async replay(slot: string, input: CreateRefundInput, item: Record<string, unknown> | undefined) {
    const existing = item ?? (await this.payments.getSlotItem(slot));
    if (!existing) throw new ConcurrentModificationError();
    const verdict = verdictForSlot(existing as unknown as SlotItem, input.requestFingerprint);
    if ('reused' in verdict) throw new IdempotencyKeyReusedError();
    return verdict;
  }
}

function hasConflict(error: TransactionCanceledException): boolean {
  return (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
}

/**
 * The outcome a local simulator is asked for a refund: `sandbox_refund_outcome` (our extension, so tests
 * can make a refund fail), else the payment's hint for its channel (`outcomeHint`: `sandbox_outcome_<channel>`,
 * then `sandbox_outcome`; `none` means no callback for the refund either, as the contract says).
 */
function refundSandboxOutcome(
  metadata: Record<string, string> | undefined,
  channel: string | null | undefined,
): string | undefined {
  const explicit = metadata?.sandbox_refund_outcome;
  if (explicit === 'succeed' || explicit === 'fail' || explicit === 'none') return explicit;
  return metadata && channel ? outcomeHint(metadata, channel) : undefined;
}

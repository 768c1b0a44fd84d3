/**
 * Applies channel outcomes (webhooks) with conditional writes, so a duplicate or out-of-order
 * delivery never changes anything twice:
 * - payment: `processing → succeeded|failed` only when amount and currency agree with ours, its attempt
 *   `{ channel, outcome, at }` appended and, failed, `failureCode: 'declined'`;
 * - refund succeeded: `pending → succeeded`;
 * - refund failed: `pending → failed` and, in the same transaction, its amount released on the payment.
 * A failed condition is classified from the item as it is (ALL_OLD): already applied, contradicting
 * (recorded), or mismatching (recorded: amount, currency, or a channel that is not the object's). Records
 * are keyed by the channel's event id.
 *
 * The write that applies an outcome also makes the object its own outcome record, so nothing can lag
 * behind what shows `succeeded|failed` (keys.ts): the GSI3 keys (its channel-day, for reconciliation runs)
 * with `outcomeAt`, and, for a success, GSI2SK (its commit time: a settlement line item; GSI2PK was set
 * when the object was created). One write: 1 unit for the item and 1 per (small) index entry, what a
 * separate expected-outcome record and its line-item entry cost before.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { allowedFrom, decideTransition, mismatchedFields } from '../../domain/payment.js';
import { ConcurrentModificationError } from '../errors.js';
import type { PaymentItem, RefundItem, RefundRequestItem } from '../items.js';
import { slotOfId } from '../items.js';
import { backOfficeKeys, keys } from '../keys.js';
import { encodeAttempt } from '../payment-codec.js';
import type { ChannelOutcome, ChannelOutcomeStore, OutcomeResult } from '../ports.js';
import { backoffDelay, capacityParam, type Item, reportCapacity, sleep, type TableContext } from './table.js';

const OUTCOME_ATTEMPTS = 5;

export class DynamoChannelOutcomeStore implements ChannelOutcomeStore {
  constructor(private readonly table: TableContext) {}

  async applyPaymentOutcome(o: ChannelOutcome): Promise<OutcomeResult> {
    const slot = slotOfId(o.reference, 'pay');
    if (!slot) return { kind: 'unknown_reference' };
    const from = allowedFrom(o.to);
    const fromValues = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
    try {
      const out = await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: marshall(keys.object(slot)),
          ConditionExpression: `entity = :payment AND #status IN (${Object.keys(fromValues).join(', ')}) AND amount = :amt AND currency = :cur AND channel = :channel`,
          ...outcomeUpdate('payment', o, o.now, { ':payment': 'payment', ...fromValues }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'applyPaymentOutcome', out.ConsumedCapacity);
      return { kind: 'applied' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = (error.Item ? unmarshall(error.Item) : await this.get(keys.object(slot))) as
        | PaymentItem
        | undefined;
      if (current?.entity !== 'payment') return { kind: 'unknown_reference' };
      return this.classify(slot, o, current.status, current);
    }
  }

  async applyRefundOutcome(o: ChannelOutcome): Promise<OutcomeResult> {
    const slot = slotOfId(o.reference, 're');
    const request = slot ? ((await this.get(keys.object(slot))) as RefundRequestItem | undefined) : undefined;
    const paymentSlot = request?.entity === 'refundRequest' ? slotOfId(request.paymentId, 'pay') : undefined;
    if (!paymentSlot) return { kind: 'unknown_reference' };
    const refundKey = keys.refund(paymentSlot, o.reference);
    for (let attempt = 0; attempt < OUTCOME_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt));
      // A retry commits later: its commit time (the line item's key) is taken again, never back-dated
      // behind a settlement run that may have started meanwhile.
      const at = attempt === 0 ? o.now : new Date(Math.max(Date.now(), o.now.getTime()));
      try {
        await this.writeRefundOutcome(paymentSlot, refundKey, o, at);
        return { kind: 'applied' };
      } catch (error) {
        const conflict =
          error instanceof TransactionCanceledException &&
          (error.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
        if (conflict) continue;
        const old = oldItemOf(error);
        if (old === null) throw error;
        const current = (old ?? (await this.get(refundKey))) as RefundItem | undefined;
        if (current?.entity !== 'refund') return { kind: 'unknown_reference' };
        return this.classify(paymentSlot, o, current.status, current);
      }
    }
    throw new ConcurrentModificationError();
  }

  private async writeRefundOutcome(
    paymentSlot: string,
    refundKey: { PK: string; SK: string },
    o: ChannelOutcome,
    at: Date,
  ) {
    const refundUpdate = {
      TableName: this.table.tableName,
      Key: marshall(refundKey),
      ConditionExpression:
        'entity = :refund AND #status = :pending AND amount = :amt AND currency = :cur AND channel = :channel',
      ...outcomeUpdate('refund', o, at, { ':refund': 'refund', ':pending': 'pending' }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    if (o.to === 'succeeded') {
      const out = await this.table.client.send(
        new UpdateItemCommand({ ...refundUpdate, ...capacityParam(this.table) }),
      );
      reportCapacity(this.table, 'applyRefundOutcome', out.ConsumedCapacity);
      return;
    }
    // A failed refund releases its amount: refund and payment change together or not at all.
    const out = await this.table.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Update: refundUpdate },
          {
            Update: {
              TableName: this.table.tableName,
              Key: marshall(keys.object(paymentSlot)),
              ConditionExpression: 'entity = :payment AND amountRefunded >= :amt',
              UpdateExpression:
                'SET amountRefunded = amountRefunded - :amt, refundableRemaining = refundableRemaining + :amt, updatedAt = :now',
              ExpressionAttributeValues: marshall({
                ':payment': 'payment',
                ':amt': o.amount,
                ':now': at.toISOString(),
              }),
            },
          },
        ],
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'applyRefundOutcome', out.ConsumedCapacity);
  }

  /** Why a guarded write did not apply, recording what must be looked at. */
  private async classify(
    paymentSlot: string,
    o: ChannelOutcome,
    status: string,
    current: { amount: number; currency: string; channel?: string },
  ): Promise<OutcomeResult> {
    const fields: Array<'amount' | 'currency' | 'channel'> = mismatchedFields(current, o);
    // Another channel's report of this object is recorded for ops, never applied.
    if (current.channel !== undefined && current.channel !== o.channel) fields.push('channel');
    if (fields.length > 0) {
      await this.record(keys.mismatch(paymentSlot, o.eventId), {
        entity: 'mismatch',
        reference: o.reference,
        eventId: o.eventId,
        outcome: o.to,
        channelReference: o.channelReference,
        fields,
        reported: { amount: o.amount, currency: o.currency },
        expected: { amount: current.amount, currency: current.currency },
        ...(fields.includes('channel') ? { channel: o.channel, expectedChannel: current.channel } : {}),
        createdAt: o.now.toISOString(),
      });
      return { kind: 'mismatch', fields };
    }
    // Refund and payment statuses share the two final names, so one decision covers both.
    const decision = decideTransition(status as 'processing', o.to);
    if (decision.kind === 'already_applied') return { kind: 'already_applied' };
    await this.record(keys.conflict(paymentSlot, o.eventId), {
      entity: 'conflict',
      reference: o.reference,
      eventId: o.eventId,
      outcome: o.to,
      status,
      channelReference: o.channelReference,
      createdAt: o.now.toISOString(),
    });
    return { kind: 'conflict', status: status as 'succeeded' };
  }

  private async record(key: { PK: string; SK: string }, fields: Record<string, unknown>): Promise<void> {
    try {
      const out = await this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: marshall({ ...key, ...fields }, { removeUndefinedValues: true }),
          // Keyed by the event id: a redelivered event is recorded once.
          ConditionExpression: 'attribute_not_exists(PK)',
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'recordChannelReport', out.ConsumedCapacity);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async get(key: { PK: string; SK: string }): Promise<Record<string, unknown> | undefined> {
    const out = await this.table.client.send(
      new GetItemCommand({ TableName: this.table.tableName, Key: marshall(key), ConsistentRead: true }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }
}

/**
 * The update that applies outcome `o` to a payment or refund committed `at`: its status and channel
 * reference, and the keys that make it its own outcome record (GSI3; GSI2SK for a success).
 */
function outcomeUpdate(
  type: 'payment' | 'refund',
  o: ChannelOutcome,
  at: Date,
  values: Record<string, unknown>,
) {
  const day = new Date(o.occurredAt).toISOString().slice(0, 10);
  const { GSI3PK, GSI3SK } = keys.outcome(o.channel, day, type, o.reference);
  const committedAt = at.toISOString();
  // A payment's outcome is its last attempt (appended to items written before `attempts` too); a failed
  // one says why, in the same write. A success is not stored as an attempt: GSI2SK dates it (items.ts).
  const payment = type === 'payment';
  const failedPayment = payment && o.to === 'failed';
  const attempt = failedPayment ? ', attempts = list_append(if_not_exists(attempts, :empty), :attempt)' : '';
  const failureCode = payment && o.to === 'failed' ? ', failureCode = :code' : '';
  return {
    UpdateExpression: `SET #status = :to, channelReference = :ref, updatedAt = :now, lastChannelEventId = :evt${attempt}${failureCode}, outcomeAt = :at, GSI3PK = :g3pk, GSI3SK = :g3sk${o.to === 'succeeded' ? ', GSI2SK = :g2sk' : ''}`,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: marshall({
      ...values,
      ':amt': o.amount,
      ':cur': o.currency,
      ':channel': o.channel,
      ':to': o.to,
      ':ref': o.channelReference,
      ':now': committedAt,
      ':evt': o.eventId,
      ':at': new Date(o.occurredAt).toISOString(),
      ':g3pk': GSI3PK,
      ':g3sk': GSI3SK,
      ...(o.to === 'succeeded'
        ? { ':g2sk': backOfficeKeys.settlementLineSort(committedAt, type, o.reference) }
        : {}),
      ...(failedPayment ? { ':empty': [], ':attempt': [encodeAttempt(o.channel, 'failed', at)] } : {}),
      ...(failureCode ? { ':code': 'declined' } : {}),
    }),
  };
}

/**
 * The refund item as it was when its condition failed: an item, `undefined` (failed but DynamoDB
 * did not return it: read it), or `null` when the error is not the refund's condition at all.
 */
function oldItemOf(error: unknown): Record<string, unknown> | undefined | null {
  if (error instanceof ConditionalCheckFailedException)
    return error.Item ? unmarshall(error.Item) : undefined;
  if (error instanceof TransactionCanceledException) {
    const reason = error.CancellationReasons?.[0];
    if (reason?.Code !== 'ConditionalCheckFailed') return null;
    return reason.Item ? unmarshall(reason.Item as Item) : undefined;
  }
  return null;
}

/**
 * The dispatcher's and the channel checks' writes on payments and refunds, each guarded so that two
 * dispatchers of the same payment (a retried stream batch beside a late one, a check beside a
 * notification) never both act:
 * - fail over: `processing` at channel A → at channel B, attempt `{ A, unavailable }` appended;
 * - fail a payment at its channel (`declined`, `channel_unavailable`), the attempt appended;
 * - fail a refund the channel refused or never took, releasing its amount on the payment.
 * `attempts` is appended with `list_append(if_not_exists(attempts, :empty), …)` so items written before
 * it existed take it too, in its compact form (payment-codec.ts). None of these writes sets the outcome index keys (GSI3): nothing reached the
 * channel's statement.
 *
 * Core's writes, made by its apply-channel-outcomes function for the channels; what the dispatcher and the
 * checks read of the payment or refund first comes from core's object-states function (object-states.ts).
 *
 * Access patterns (keys.ts): UpdateItem on the payment OBJ#<slot>/OBJ; TransactWriteItems refund + payment, and payment + quota usage shards for a
 * failover of a payment with a quota on either channel (quota-usage.ts). Write rate: only on the unhappy paths
 * (a failover, a refusal, a lost submission), never on a healthy submission.
 */
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { slotOfId } from '../items.js';
import { keys } from '../keys.js';
import { encodeAttempt } from '../payment-codec.js';
import { type QuotaMove, quotaMoveWrites } from './quota-usage.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** One submission of a payment to a channel, as `attempts` stores it. */
export interface StoredAttempt {
  readonly channel: string;
  readonly outcome: 'unavailable' | 'declined' | 'succeeded' | 'failed';
  readonly at: string;
}

/** What a dispatcher or a check needs to know of a payment or refund now (core's object-states answer). */
export interface DispatchView {
  readonly status: string;
  readonly channel: string | null;
  /** A payment's channels it left as unavailable: it is never submitted to one again. */
  readonly left?: readonly string[] | undefined;
  /** A refund's amount, released on the payment when the refund is lost. */
  readonly amount?: number | undefined;
}

export type PaymentFailureCode = 'declined' | 'channel_unavailable';

export interface FailPaymentInput {
  readonly paymentId: string;
  readonly channel: string;
  readonly failureCode: PaymentFailureCode;
  /** The attempt the failure ends with. */
  readonly attempt: 'declined' | 'unavailable';
  readonly at: Date;
}

export interface FailOverInput {
  readonly paymentId: string;
  readonly from: string;
  readonly to: string;
  readonly at: Date;
  /** The quota count to move (quota-usage.ts), when either channel has a quota for the payment. */
  readonly quota?: Omit<QuotaMove, 'paymentId'> | undefined;
}

export interface FailRefundInput {
  readonly refundId: string;
  readonly paymentId: string;
  readonly channel: string;
  readonly amount: number;
  readonly at: Date;
}

/**
 * What the dispatcher and the checks read (tests provide fakes): from core's object-states function, asked
 * once per batch (shared/channels/object-states.ts), strongly consistent for the dispatcher and not for
 * the checks (a stale view only costs a status query, every write after it is guarded).
 */
export interface DispatchReads {
  /** The payment as it stands, `undefined` when absent. */
  readPayment(paymentId: string): Promise<DispatchView | undefined>;
  readRefund(refundId: string, paymentId: string): Promise<DispatchView | undefined>;
}

/** The port the dispatcher and the checks write through (core's function; tests provide fakes). */
export interface DispatchWrites {
  /**
   * Moves a processing payment from `from` to `to`, and its quota count with it when `quota` says so
   * (one transaction). @returns false when it was no longer at `from` (nothing written).
   */
  failOver(input: FailOverInput): Promise<boolean>;
  /** @returns false when the payment was no longer processing at `channel`. */
  failPayment(input: FailPaymentInput): Promise<boolean>;
  /** @returns false when the refund was no longer pending at `channel`. */
  failRefund(input: FailRefundInput): Promise<boolean>;
}

export type DispatchStore = DispatchReads & DispatchWrites;

/** A transaction cancelled because a guard failed (not a conflict or a throttle: those are thrown). */
function isGuardRefused(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}

const attemptAppend = 'attempts = list_append(if_not_exists(attempts, :empty), :attempt)';

export class DynamoDispatchStore implements DispatchWrites {
  constructor(private readonly table: TableContext) {}

  failOver(input: FailOverInput): Promise<boolean> {
    const moves = input.quota
      ? quotaMoveWrites(this.table.tableName, { ...input.quota, paymentId: input.paymentId })
      : [];
    return this.guardedPaymentUpdate(
      'failOver',
      input.paymentId,
      input.from,
      {
        UpdateExpression: `SET channel = :to, updatedAt = :now, ${attemptAppend}`,
        values: {
          ':to': input.to,
          ':now': input.at.toISOString(),
          ':attempt': [encodeAttempt(input.from, 'unavailable', input.at)],
        },
      },
      moves,
    );
  }

  failPayment(input: FailPaymentInput): Promise<boolean> {
    return this.guardedPaymentUpdate('failPayment', input.paymentId, input.channel, {
      UpdateExpression: `SET #status = :failed, failureCode = :code, updatedAt = :now, ${attemptAppend}`,
      values: {
        ':failed': 'failed',
        ':code': input.failureCode,
        ':now': input.at.toISOString(),
        ':attempt': [encodeAttempt(input.channel, input.attempt, input.at)],
      },
    });
  }

  async failRefund(input: FailRefundInput): Promise<boolean> {
    const slot = slotOfId(input.paymentId, 'pay');
    if (!slot) return false;
    const now = input.at.toISOString();
    try {
      const out = await this.table.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.tableName,
                Key: marshall(keys.refund(slot, input.refundId)),
                ConditionExpression:
                  'entity = :refund AND #status = :pending AND channel = :channel AND amount = :amt',
                UpdateExpression: 'SET #status = :failed, updatedAt = :now',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: marshall({
                  ':refund': 'refund',
                  ':pending': 'pending',
                  ':channel': input.channel,
                  ':amt': input.amount,
                  ':failed': 'failed',
                  ':now': now,
                }),
              },
            },
            {
              // The same release as a channel's refund-failed notification (channel-outcomes.ts).
              Update: {
                TableName: this.table.tableName,
                Key: marshall(keys.object(slot)),
                ConditionExpression: 'entity = :payment AND amountRefunded >= :amt',
                UpdateExpression:
                  'SET amountRefunded = amountRefunded - :amt, refundableRemaining = refundableRemaining + :amt, updatedAt = :now',
                ExpressionAttributeValues: marshall({
                  ':payment': 'payment',
                  ':amt': input.amount,
                  ':now': now,
                }),
              },
            },
          ],
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'failRefund', out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (isGuardRefused(error)) return false;
      throw error;
    }
  }

  /**
   * The guarded update of a processing payment at `channel`; with `alongside` items (a quota move), one
   * TransactWriteItems of the update and them, so they are written exactly when the guard holds.
   */
  private async guardedPaymentUpdate(
    operation: string,
    paymentId: string,
    channel: string,
    update: { UpdateExpression: string; values: Record<string, unknown> },
    alongside: readonly TransactWriteItem[] = [],
  ): Promise<boolean> {
    const slot = slotOfId(paymentId, 'pay');
    if (!slot) return false;
    const guarded = {
      TableName: this.table.tableName,
      Key: marshall(keys.object(slot)),
      ConditionExpression: 'entity = :payment AND #status = :processing AND channel = :channel',
      UpdateExpression: update.UpdateExpression,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: marshall({
        ':payment': 'payment',
        ':processing': 'processing',
        ':channel': channel,
        ':empty': [],
        ...update.values,
      }),
    };
    try {
      if (alongside.length > 0) {
        const out = await this.table.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [{ Update: guarded }, ...alongside],
            ...capacityParam(this.table),
          }),
        );
        reportCapacity(this.table, `${operation}.transacted`, out.ConsumedCapacity);
        return true;
      }
      const out = await this.table.client.send(
        new UpdateItemCommand({ ...guarded, ...capacityParam(this.table) }),
      );
      reportCapacity(this.table, operation, out.ConsumedCapacity);
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || isGuardRefused(error)) return false;
      throw error;
    }
  }
}

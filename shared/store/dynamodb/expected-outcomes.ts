/**
 * Expected channel outcomes (what each channel should report per channel-day), written by the
 * reconciliation consumer and read by reconciliation runs (issue 4). Keys: see keys.ts.
 */
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ExpectedOutcome } from '../../events/expected-outcome.js';
import { keys, shardOf } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

export interface ExpectedOutcomeItem {
  PK: string;
  SK: string;
  entity: 'expectedOutcome';
  channel: string;
  type: 'payment' | 'refund';
  reference: string;
  channelReference?: string;
  merchantId: string;
  amount: number;
  currency: string;
  status: 'succeeded' | 'failed';
  occurredAt: string;
  eventId: string;
  /** When this record was written: what a late line item is settled by. */
  recordedAt?: string;
  /** Settlement line item (sparse GSI2): succeeded outcomes only. */
  GSI2PK?: string;
  GSI2SK?: string;
}

/**
 * An outcome recorded this long after it happened is "late": a settlement whose window covers when it
 * happened may already have run, so it is settled by when it was recorded instead (GSI2 `SETLLATE#`).
 * Settlements close a window only once this much time has passed after it (shared/settlement).
 * `SETTLEMENT_GRACE_MS` changes it (the same value for the recorder and the settlement: the local
 * runtime's tests shorten it to seconds).
 */
export const LATE_AFTER_MS = 10 * 60_000;

/** The grace in force (see LATE_AFTER_MS). */
export function lateAfterMs(): number {
  const configured = Number(process.env.SETTLEMENT_GRACE_MS);
  return Number.isSafeInteger(configured) && configured > 0 ? configured : LATE_AFTER_MS;
}

/** The GSI2 keys that make a succeeded outcome a settlement line item (none for a failed one). */
export function lineItemKeys(
  outcome: Pick<ExpectedOutcome, 'merchantId' | 'reference' | 'type' | 'status' | 'occurredAt'>,
  recordedAt: Date,
): { GSI2PK: string; GSI2SK: string } | Record<string, never> {
  if (outcome.status !== 'succeeded') return {};
  const late = recordedAt.getTime() - Date.parse(outcome.occurredAt) > lateAfterMs();
  const at = late ? recordedAt.toISOString() : new Date(outcome.occurredAt).toISOString();
  return {
    GSI2PK: keys.settlementLines(outcome.merchantId, shardOf(outcome.reference), late),
    GSI2SK: `${at}#${outcome.type}#${outcome.reference}`,
  };
}

export class DynamoExpectedOutcomeStore {
  constructor(private readonly table: TableContext) {}

  /**
   * Records `outcome` unless the same or a newer outcome of that object is already recorded, so a
   * redelivered or late event changes nothing. One PutItem; answers whether it wrote.
   */
  async record(outcome: ExpectedOutcome, now = new Date()): Promise<{ written: boolean }> {
    const { channelReference, day: _day, ...rest } = outcome;
    const item: ExpectedOutcomeItem = {
      ...keys.expectedOutcome(outcome.channel, outcome.day, outcome.type, outcome.reference),
      entity: 'expectedOutcome',
      ...rest,
      ...(channelReference ? { channelReference } : {}),
      recordedAt: now.toISOString(),
      ...lineItemKeys(outcome, now),
    };
    try {
      const out = await this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: marshall(item),
          // ISO 8601 UTC timestamps of one format compare as strings.
          ConditionExpression: 'attribute_not_exists(PK) OR occurredAt < :occurredAt',
          ExpressionAttributeValues: marshall({ ':occurredAt': outcome.occurredAt }),
          ...capacityParam(this.table),
        }),
      );
      reportCapacity(this.table, 'recordExpectedOutcome', out.ConsumedCapacity);
      return { written: true };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { written: false };
      throw error;
    }
  }
}

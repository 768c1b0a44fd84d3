/**
 * Expected channel outcomes (what each channel should report per channel-day), written by the
 * reconciliation consumer and read by reconciliation runs (issue 4). Keys: see keys.ts.
 */
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ExpectedOutcome } from '../../events/expected-outcome.js';
import { keys } from '../keys.js';
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
}

export class DynamoExpectedOutcomeStore {
  constructor(private readonly table: TableContext) {}

  /**
   * Records `outcome` unless the same or a newer outcome of that object is already recorded, so a
   * redelivered or late event changes nothing. One PutItem; answers whether it wrote.
   */
  async record(outcome: ExpectedOutcome): Promise<{ written: boolean }> {
    const { channelReference, day: _day, ...rest } = outcome;
    const item: ExpectedOutcomeItem = {
      ...keys.expectedOutcome(outcome.channel, outcome.day, outcome.type, outcome.reference),
      entity: 'expectedOutcome',
      ...rest,
      ...(channelReference ? { channelReference } : {}),
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

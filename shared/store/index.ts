/** Store adapters bound to the process-wide DynamoDB client and the function's table. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoChannelOutcomeStore } from './dynamodb/channel-outcomes.js';
import { DynamoPaymentStore } from './dynamodb/payments.js';
import { DynamoRefundStore } from './dynamodb/refunds.js';
import type { ConsumedCapacityHook, TableContext } from './dynamodb/table.js';

export type { ConsumedCapacityHook, TableContext } from './dynamodb/table.js';
export { DynamoChannelOutcomeStore, DynamoPaymentStore, DynamoRefundStore };

/** All stores on one table; `onConsumedCapacity` lets the benchmark count write units. */
export function createStores(
  client: DynamoDBClient,
  tableName: string,
  onConsumedCapacity?: ConsumedCapacityHook,
) {
  const table: TableContext = onConsumedCapacity
    ? { client, tableName, onConsumedCapacity }
    : { client, tableName };
  return {
    payments: new DynamoPaymentStore(table),
    refunds: new DynamoRefundStore(table),
    channelOutcomes: new DynamoChannelOutcomeStore(table),
  };
}

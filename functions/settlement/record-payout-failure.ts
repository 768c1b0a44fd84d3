/**
 * State machine task (the payout's Catch): marks the settlement `payout_failed` with the error and emits
 * the `PayoutFailed` metric (CloudWatch embedded metric format), which an alarm watches. The money stays
 * in the merchant's payable balance: the next settlement's payout takes it.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { taskHandler } from '../../shared/events/task.js';
import { emitMetrics } from '../../shared/http/metric-line.js';
import type { SettlementRef } from '../../shared/settlement/settle.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoSettlementStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = taskHandler(
  'record-payout-failure',
  async (input: SettlementRef & { error?: { Error?: string; Cause?: string } }) => {
    const settlement = await store.settlementAt(input.merchantId, input.periodEnd, input.currency);
    if (settlement) {
      await store.recordPayoutFailure(
        settlement,
        `${input.error?.Error ?? 'Error'}: ${input.error?.Cause ?? ''}`.slice(0, 1000),
        new Date(),
      );
    }
    // At WARN (metric-line.ts): a line Lambda's log level filters out would never reach the alarm.
    emitMetrics('payout failed', { dimensions: { service: 'settlement' }, metrics: { PayoutFailed: 1 } });
    return {
      settlement: {
        id: input.id,
        merchantId: input.merchantId,
        currency: input.currency,
        netAmount: input.netAmount,
      },
      failed: true,
    };
  },
);

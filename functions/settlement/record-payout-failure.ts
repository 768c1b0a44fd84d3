/**
 * State machine task (the payout's Catch): marks the settlement `payout_failed` with the error and emits
 * the `PayoutFailed` metric (CloudWatch embedded metric format), which an alarm watches. The money stays
 * in the merchant's payable balance: the next settlement's payout takes it.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { taskHandler } from '../../shared/events/task.js';
import type { SettlementRef } from '../../shared/settlement/settle.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoSettlementStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });
const metrics = new Metrics({ namespace: 'Payments', serviceName: 'settlement' });

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
    metrics.addMetric('PayoutFailed', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
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

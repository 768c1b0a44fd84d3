/**
 * State machine task (Map over merchants): settle one merchant for the run's date, up to the end of that
 * day or the run's start (`startedAt`, the run's `createdAt`), whichever is earlier.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, settleMerchantEnvSchema } from '../../shared/config/env.js';
import { taskHandler } from '../../shared/events/task.js';
import { settleMerchant } from '../../shared/settlement/settle.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(settleMerchantEnvSchema);
const store = new DynamoSettlementStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = taskHandler(
  'settle-merchant',
  async (input: { runId: string; date: string; startedAt: string; merchantId: string }) => {
    const settlements = await settleMerchant(
      { store, indexLagMs: env.OUTCOME_INDEX_LAG_MS },
      { ...input, startedAt: new Date(input.startedAt), now: new Date() },
    );
    return { settlements };
  },
);

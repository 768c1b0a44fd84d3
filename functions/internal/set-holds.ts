/**
 * Risk's `set-holds` function (invoked by reconciliation, synchronously): adds or removes discrepancy
 * reasons in the settlement hold registry (holds.ts), which risk owns. A run sends the holds of each batch
 * of findings, a resolve its one release; the answer comes once every change is written, so a settlement
 * started after the run finds the holds. Each change is idempotent (a set member added or deleted), so a
 * retried invocation changes nothing twice.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { type SetHoldsAnswer, setHoldsRequest } from '../../shared/schemas/risk-functions.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { DynamoHoldStore } from '../../shared/store/dynamodb/holds.js';

const env = loadEnv(tableEnvSchema);
const holds = new DynamoHoldStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = internalHandler(
  'set-holds',
  setHoldsRequest,
  async ({ holds: changes }): Promise<SetHoldsAnswer> => {
    await holds.set(changes);
    return { applied: changes.length };
  },
);

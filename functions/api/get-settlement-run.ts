/** GET /v1/ops/settlements/runs/{id} (ops key): `{ id, date, status, settlements }`. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoSettlementRunStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(tableEnvSchema);
const runs = new DynamoSettlementRunStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops', path: { id: prefixedId('str') } }, async ({ event }) => {
  const run = await runs.get(event.pathParameters?.id ?? '');
  return json(200, {
    id: run.id,
    object: 'settlement_run',
    date: run.date,
    status: run.status,
    settlements: run.settlements,
    error: run.error,
    createdAt: run.createdAt,
    completedAt: run.completedAt,
  });
});

/** GET /v1/ops/reconciliation/runs/{id} (ops key): the run, its counts and repairs; 404 for an unknown id. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoReconciliationStore, runFromItem } from '../../shared/store/dynamodb/reconciliation.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoReconciliationStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops', path: { id: prefixedId('rcr') } }, async ({ event }) =>
  json(200, runFromItem(await store.getRun(event.pathParameters?.id ?? ''))),
);

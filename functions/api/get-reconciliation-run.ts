/**
 * GET /v1/ops/reconciliation/runs/{id} (ops key): the run, its counts and repairs; 404 for an unknown id.
 * The same function lists the runs, GET /v1/ops/reconciliation/runs (shared/ops/run-lists.ts).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { byRoute } from '../../shared/http/by-route.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { listReconciliationRunsRoute } from '../../shared/ops/run-lists.js';
import { DynamoReconciliationStore, runFromItem } from '../../shared/store/dynamodb/reconciliation.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const store = new DynamoReconciliationStore(table);

const getRun = apiHandler({ role: 'ops', path: { id: prefixedId('rcr') } }, async ({ event }) =>
  json(200, runFromItem(await store.getRun(event.pathParameters?.id ?? ''))),
);

export const handler = byRoute({
  'GET /v1/ops/reconciliation/runs/{id}': getRun,
  'GET /v1/ops/reconciliation/runs': listReconciliationRunsRoute(table),
});

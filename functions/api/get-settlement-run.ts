/**
 * GET /v1/ops/settlements/runs/{id} (ops key): `{ id, date, status, settlements }`. The same function
 * lists the runs, GET /v1/ops/settlements/runs (shared/ops/run-lists.ts).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { byRoute } from '../../shared/http/by-route.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { listSettlementRunsRoute, settlementRunOf } from '../../shared/ops/run-lists.js';
import { DynamoSettlementRunStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const runs = new DynamoSettlementRunStore(table);

const getRun = apiHandler({ role: 'ops', path: { id: prefixedId('str') } }, async ({ event }) =>
  json(200, settlementRunOf(await runs.get(event.pathParameters?.id ?? ''))),
);

export const handler = byRoute({
  'GET /v1/ops/settlements/runs/{id}': getRun,
  'GET /v1/ops/settlements/runs': listSettlementRunsRoute(table),
});

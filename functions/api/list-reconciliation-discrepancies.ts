/**
 * GET /v1/ops/reconciliation/runs/{id}/discrepancies?limit=&cursor= (ops key): the run's findings,
 * `{ data, nextCursor }`; a cursor of another run is a 400.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { listDiscrepanciesQuery } from '../../shared/schemas/reconciliation.js';
import { DynamoReconciliationStore } from '../../shared/store/dynamodb/reconciliation.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoReconciliationStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { id: prefixedId('rcr') }, query: listDiscrepanciesQuery },
  async ({ event, query }) => {
    const run = await store.getRun(event.pathParameters?.id ?? '');
    return json(200, await store.listForRun(run, query));
  },
);

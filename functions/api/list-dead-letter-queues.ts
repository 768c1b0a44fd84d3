/**
 * GET /v1/ops/dead-letter-queues (ops): every dead-letter queue of the stack with its source queues and
 * approximate depth, `{ data: [...] }` sorted by name. One GetQueueAttributes per queue.
 *
 * The same function serves GET /v1/ops/overview (shared/ops/overview.ts), whose dead-letter depths are
 * these queues': one function with this environment and these grants rather than a second one.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { deadLetterQueues } from '../../shared/dead-letters/runtime.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { byRoute } from '../../shared/http/by-route.js';
import { json } from '../../shared/http/responses.js';
import { overviewRoute } from '../../shared/ops/overview.js';

const queues = deadLetterQueues();
const env = loadEnv(tableEnvSchema);

const list = apiHandler({ role: 'ops' }, async () => json(200, { data: await queues.list() }));

export const handler = byRoute({
  'GET /v1/ops/dead-letter-queues': list,
  'GET /v1/ops/overview': overviewRoute(
    { client: dynamoDbClient(), tableName: env.TABLE_NAME },
    () => queues,
  ),
});

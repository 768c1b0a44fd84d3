/**
 * GET /v1/ops/channels (ops): every channel of the catalogue with its currencies, fees, breaker and the
 * last hour's health (contract: "Routing and channel health"). Read fresh: ops see the state as it is.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { ROUTING_CHANNELS } from '../../shared/domain/routing/catalogue.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { channelViews } from '../../shared/store/dynamodb/channel-facts.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = apiHandler({ role: 'ops' }, async () =>
  json(200, { data: await channelViews(table, ROUTING_CHANNELS, Date.now()) }),
);

/** GET /v1/ops/channels/{channel} (ops): one channel as the list shows it; a channel we do not know → 404. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import type { RoutingChannel } from '../../shared/domain/routing/catalogue.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { CHANNEL_PATH } from '../../shared/http/channel-path.js';
import { json } from '../../shared/http/responses.js';
import { channelViews } from '../../shared/store/dynamodb/channel-facts.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = apiHandler({ role: 'ops', path: { channel: CHANNEL_PATH } }, async ({ params }) => {
  const [view] = await channelViews(table, [params.channel as RoutingChannel], Date.now());
  return json(200, view);
});

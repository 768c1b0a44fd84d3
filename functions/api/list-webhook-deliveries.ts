/**
 * GET /v1/webhook-endpoints/{id}/deliveries: an endpoint's delivery attempts, newest first. Another
 * merchant's endpoint answers 404, like an absent one.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { listWebhookDeliveriesQuery } from '../../shared/schemas/webhooks.js';
import { DynamoWebhookDeliveryStore } from '../../shared/store/dynamodb/webhook-deliveries.js';
import { DynamoWebhookEndpointStore } from '../../shared/store/dynamodb/webhook-endpoints.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const endpoints = new DynamoWebhookEndpointStore(table);
const deliveries = new DynamoWebhookDeliveryStore(table);

export const handler = apiHandler(
  { role: 'merchant', path: { id: prefixedId('we') }, query: listWebhookDeliveriesQuery },
  async ({ auth, query, event }) => {
    const endpoint = await endpoints.get(auth.merchantId, event.pathParameters?.id ?? '');
    const page = await deliveries.list({ endpointId: endpoint.id, ...query });
    return json(200, page);
  },
);

/** GET /v1/payments: the merchant's payments, newest first, optionally filtered by status. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { listPaymentsQuery } from '../../shared/schemas/payment.js';
import { DynamoPaymentLists } from '../../shared/store/dynamodb/payment-lists.js';

const env = loadEnv(tableEnvSchema);
const lists = new DynamoPaymentLists({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'merchant', query: listPaymentsQuery }, async ({ auth, query }) => {
  const page = await lists.merchantPage({ merchantId: auth.merchantId, ...query });
  return json(200, page);
});

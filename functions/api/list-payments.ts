/** GET /v1/payments: the merchant's payments, newest first, optionally filtered by status. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { listPaymentsQuery } from '../../shared/schemas/payment.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import type { PaymentStore } from '../../shared/store/ports.js';

const env = loadEnv(tableEnvSchema);
const payments: PaymentStore = new DynamoPaymentStore({
  client: dynamoDbClient(),
  tableName: env.TABLE_NAME,
});

export const handler = apiHandler({ role: 'merchant', query: listPaymentsQuery }, async ({ auth, query }) => {
  const page = await payments.list({ merchantId: auth.merchantId, ...query });
  return json(200, page);
});

/** GET /v1/payments/{id}: strongly consistent read; another merchant's payment answers 404. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import type { PaymentStore } from '../../shared/store/ports.js';

const env = loadEnv(tableEnvSchema);
const payments: PaymentStore = new DynamoPaymentStore({
  client: dynamoDbClient(),
  tableName: env.TABLE_NAME,
});

export const handler = apiHandler(
  { role: 'merchant', path: { id: prefixedId('pay') } },
  async ({ auth, event }) => {
    const payment = await payments.get(auth.merchantId, event.pathParameters?.id ?? '');
    return json(200, payment);
  },
);

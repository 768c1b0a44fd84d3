/** GET /v1/payments/{id}/refunds: all the payment's refunds, newest first, in one page. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoRefundStore } from '../../shared/store/dynamodb/refunds.js';
import type { RefundStore } from '../../shared/store/ports.js';

const env = loadEnv(tableEnvSchema);
const refunds: RefundStore = new DynamoRefundStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'merchant', path: { id: prefixedId('pay') } },
  async ({ auth, event }) => {
    const data = await refunds.list(auth.merchantId, event.pathParameters?.id ?? '');
    return json(200, { data, nextCursor: null });
  },
);

/**
 * GET /v1/ops/merchants/{merchantId}/risk-profile (ops): the merchant's stored risk profile, every
 * default filled, so the answer is a valid PUT body. The limits a tightened rating applies are not
 * written into it (a GET → PUT round trip must not tighten twice); the `Risk-Rating` header tells the
 * rating and the fraud reports of the last 30 days behind it.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { DynamoRiskProfileStore } from '../../shared/store/dynamodb/risk-profiles.js';

const env = loadEnv(tableEnvSchema);
const profiles = new DynamoRiskProfileStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler({ role: 'ops', path: { merchantId: MERCHANT_ID } }, async ({ event }) => {
  const merchantId = event.pathParameters?.merchantId ?? '';
  const view = await profiles.getStored(merchantId);
  return json(200, view.stored, { 'Risk-Rating': `${view.rating}; fraud-reports-30d=${view.fraudReports}` });
});

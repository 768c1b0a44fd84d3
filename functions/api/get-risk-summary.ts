/**
 * GET /v1/ops/merchants/{merchantId}/risk-summary?date=YYYY-MM-DD (ops key; default today, UTC): the
 * merchant's day of risk control: assessments by decision, payments refused before creation, amounts
 * reviewed / rejected / refused per currency, top reasons. One GetItem (plus the merchant's existence).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { NotFoundError } from '../../shared/http/errors.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { riskSummaryQuery } from '../../shared/schemas/risk-routes.js';
import { utcDay } from '../../shared/store/dynamodb/risk-summaries.js';
import { DynamoRiskSummaryReader } from '../../shared/store/dynamodb/risk-summary-reads.js';

const env = loadEnv(tableEnvSchema);
const summaries = new DynamoRiskSummaryReader({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID }, query: riskSummaryQuery },
  async ({ query, event }) => {
    const merchantId = event.pathParameters?.merchantId ?? '';
    if (!(await summaries.merchantExists(merchantId)))
      throw new NotFoundError(`No such merchant: ${merchantId}`);
    return json(200, await summaries.get(merchantId, query.date ?? utcDay(new Date())));
  },
);

/**
 * Risk's `count-refusal` function (invoked asynchronously by create-payment, once per request the
 * before-checks refused): adds the refusal to the merchant's daily risk summary, once per refused
 * request and day (risk-summaries.ts `recordRefusalOnce`), so Lambda's retries of the invocation and a
 * duplicate delivery count nothing twice. A failure throws: Lambda retries it twice.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { type CountRefusalAnswer, countRefusalRequest } from '../../shared/schemas/risk-functions.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { recordRefusalOnce } from '../../shared/store/dynamodb/risk-summaries.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'count-refusal',
  countRefusalRequest,
  async (r): Promise<CountRefusalAnswer> => ({
    counted: await recordRefusalOnce(table, r.merchantId, r.day, r.refusalId, r),
  }),
);

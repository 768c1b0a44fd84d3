/**
 * GET /v1/ops/merchants/{merchantId}/usage?from=&to= (ops): the merchant's API usage per UTC day and route
 * (`requests`, `errors`: answers 4xx and 5xx), with totals. Days default to the current month up to today;
 * at most 93 days. Counts are those the usage aggregator has applied: a request shows up a few seconds after
 * its answer (docs/architecture.md, "Usage metering and billing").
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { NotFoundError } from '../../shared/http/errors.js';
import { MERCHANT_ID } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { usageQuery, usageRange } from '../../shared/schemas/usage.js';
import { DynamoUsageStore } from '../../shared/store/dynamodb/usage.js';

const env = loadEnv(tableEnvSchema);
const usage = new DynamoUsageStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', path: { merchantId: MERCHANT_ID }, query: usageQuery },
  async ({ params, query }) => {
    const merchantId = params.merchantId ?? '';
    const { from, to } = usageRange(query);
    const [exists, rows] = await Promise.all([
      usage.merchantExists(merchantId),
      usage.read(merchantId, from, to),
    ]);
    if (!exists) throw new NotFoundError(`No such merchant: ${merchantId}`);
    const data = rows.map(({ date, route, requests, errors }) => ({ date, route, requests, errors }));
    const totals = data.reduce(
      (sum, row) => ({ requests: sum.requests + row.requests, errors: sum.errors + row.errors }),
      { requests: 0, errors: 0 },
    );
    return json(200, { merchantId, from, to, data, totals });
  },
);

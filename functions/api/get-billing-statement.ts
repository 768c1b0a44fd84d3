/**
 * GET /v1/billing/statements/{month} (merchant): the merchant's statement of a UTC month (`yyyy-mm`) from
 * its metered usage and the current price list (shared/domain/billing/statement.ts: lines per route
 * priced per 1,000 requests, rounded half up per line, and payments created). A month still running
 * shows its usage so far. A malformed month answers 404, like any path that names nothing.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { billingStatement, STATEMENT_MONTH } from '../../shared/domain/billing/statement.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { DynamoBillingPricesStore } from '../../shared/store/dynamodb/billing-prices.js';
import { DynamoUsageStore } from '../../shared/store/dynamodb/usage.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const usage = new DynamoUsageStore(table);
const prices = new DynamoBillingPricesStore(table);

/** The last day of a month `yyyy-mm`. */
function lastDay(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const day = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, '0')}`;
}

export const handler = apiHandler(
  { role: 'merchant', path: { month: STATEMENT_MONTH } },
  async ({ auth, params }) => {
    const month = params.month ?? '';
    const [rows, priceList] = await Promise.all([
      usage.read(auth.merchantId, `${month}-01`, lastDay(month)),
      prices.get(),
    ]);
    return json(200, billingStatement(month, rows, priceList));
  },
);

/**
 * GET /v1/settlements/{id}[?format=csv] (merchant key): the settlement; as CSV, its line items (every
 * payment and refund it settled: `type,id,amount,currency,occurred_at`), read again from the window the
 * settlement recorded. Another merchant's settlement answers 404.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { getSettlementQuery } from '../../shared/schemas/settlement.js';
import { settlementFromItem } from '../../shared/settlement/settle.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';
import { ObjectNotFoundError } from '../../shared/store/errors.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoSettlementStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'merchant', path: { id: prefixedId('stl') }, query: getSettlementQuery },
  async ({ auth, event, query }) => {
    const id = event.pathParameters?.id ?? '';
    const settlement = await store.settlement(auth.merchantId, id);
    if (!settlement) throw new ObjectNotFoundError(id);
    if (query.format !== 'csv') return json(200, settlementFromItem(settlement));
    const lines = ['type,id,amount,currency,occurred_at'];
    const heldOut = new Set(settlement.windows.heldOut);
    for await (const item of store.lineItems(auth.merchantId, settlement.windows.period)) {
      // What the settlement left out: other currencies, and payments it held (carried to a later one).
      if (item.currency !== settlement.currency || heldOut.has(item.id)) continue;
      lines.push(`${item.type},${item.id},${item.amount},${item.currency},${item.occurredAt}`);
    }
    for (const r of settlement.windows.released) {
      lines.push(`payment,${r.id},${r.amount},${settlement.currency},${r.occurredAt}`);
    }
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${id}.csv"`,
      },
      body: `${lines.join('\n')}\n`,
    };
  },
);

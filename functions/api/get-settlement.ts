/**
 * GET /v1/settlements/{id}[?format=csv] (merchant key): the settlement; as CSV, its line items (every
 * payment and refund it settled: `type,id,amount,currency,occurred_at,channel,fee`), read again from the
 * window the settlement recorded (core's, through its `settlement-lines` function). `fee` is priced with the channel fee schedules the settlement recorded
 * (else the merchant's pricing), so the lines add up to its `feeAmount` whatever ops changed since; a
 * refund's fee is 0. Another merchant's settlement answers 404.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, settlementLinesEnvSchema, tableEnvSchema } from '../../shared/config/env.js';
import { type FeeSources, lineFee } from '../../shared/domain/settlement/accumulate.js';
import { DEFAULT_PRICING } from '../../shared/domain/settlement/pricing.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { prefixedId } from '../../shared/http/path-parameters.js';
import { json } from '../../shared/http/responses.js';
import { getSettlementQuery } from '../../shared/schemas/settlement.js';
import { invokedLineItems } from '../../shared/settlement/line-items.js';
import { settlementFromItem } from '../../shared/settlement/settle.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';
import { ObjectNotFoundError } from '../../shared/store/errors.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoSettlementStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });
// The CSV's line items are core's: asked of its function, page by page.
const lineItems = invokedLineItems(loadEnv(settlementLinesEnvSchema).SETTLEMENT_LINES_FUNCTION_ARN);

export const handler = apiHandler(
  { role: 'merchant', path: { id: prefixedId('stl') }, query: getSettlementQuery },
  async ({ auth, event, query }) => {
    const id = event.pathParameters?.id ?? '';
    const settlement = await store.settlement(auth.merchantId, id);
    if (!settlement) throw new ObjectNotFoundError(id);
    if (query.format !== 'csv') return json(200, settlementFromItem(settlement));
    const { currency } = settlement;
    const sources: FeeSources = {
      pricing: DEFAULT_PRICING,
      channelFees: Object.fromEntries(
        Object.entries(settlement.fees ?? {}).map(([channel, fee]) => [channel, { [currency]: fee }]),
      ),
    };
    const line = (type: string, id: string, amount: number, occurredAt: string, channel?: string) => {
      const fee = type === 'payment' ? lineFee({ amount, currency, channel }, sources) : 0;
      return `${type},${id},${amount},${currency},${occurredAt},${channel ?? ''},${fee}`;
    };
    const lines = ['type,id,amount,currency,occurred_at,channel,fee'];
    const heldOut = new Set(settlement.windows.heldOut);
    for await (const item of lineItems(auth.merchantId, settlement.windows.period)) {
      // What the settlement left out: other currencies, and payments it held (carried to a later one).
      if (item.currency !== currency || heldOut.has(item.id)) continue;
      lines.push(line(item.type, item.id, item.amount, item.occurredAt, item.channel));
    }
    for (const r of settlement.windows.released) {
      lines.push(line('payment', r.id, r.amount, r.occurredAt, r.channel));
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

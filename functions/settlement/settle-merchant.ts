/**
 * State machine task (Map over merchants): settle one merchant for the run's date, up to the end of that
 * day or the run's start (`startedAt`, the run's `createdAt`), whichever is earlier. Each payment's fee is
 * its channel's fee in its currency (channel settings), else the merchant's pricing. The line items are
 * core's, read through its `settlement-lines` function; the fees the channels', through `channel-fees`; the
 * payments held out risk's, through `held-payments`.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import {
  channelFeesEnvSchema,
  heldPaymentsEnvSchema,
  loadEnv,
  settleMerchantEnvSchema,
  settlementLinesEnvSchema,
} from '../../shared/config/env.js';
import { taskHandler } from '../../shared/events/task.js';
import { invokedChannelFees } from '../../shared/settlement/channel-fees.js';
import { invokedHeldPayments } from '../../shared/settlement/held-payments.js';
import { invokedLineItems } from '../../shared/settlement/line-items.js';
import { settleMerchant } from '../../shared/settlement/settle.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(settleMerchantEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const store = new DynamoSettlementStore(table);
// The line items are core's: asked of its function, page by page.
const lineItems = invokedLineItems(loadEnv(settlementLinesEnvSchema).SETTLEMENT_LINES_FUNCTION_ARN);
/** Each channel's fees by currency, as the channels' settings hold them when the merchant is settled. */
const channelFees = invokedChannelFees(loadEnv(channelFeesEnvSchema).CHANNEL_FEES_FUNCTION_ARN);
/** The payments held out of settlement now: risk's hold registry, asked of its function. */
const heldPayments = invokedHeldPayments(loadEnv(heldPaymentsEnvSchema).HELD_PAYMENTS_FUNCTION_ARN);

export const handler = taskHandler(
  'settle-merchant',
  async (input: { runId: string; date: string; startedAt: string; merchantId: string }) => {
    const settlements = await settleMerchant(
      { store, channelFees, lineItems, heldPayments, indexLagMs: env.OUTCOME_INDEX_LAG_MS },
      { ...input, startedAt: new Date(input.startedAt), now: new Date() },
    );
    return { settlements };
  },
);

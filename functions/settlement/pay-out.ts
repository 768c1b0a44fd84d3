/**
 * State machine task (Map over a merchant's settlements): pays the settlement out through the payout
 * adapter (the sandbox bank), once, and answers the `SettlementCompleted` detail the next state puts on
 * the bus itself. A bank error throws: the state's Retry backs off, then its Catch records the failure.
 */

import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { payoutClient } from '../../shared/channels/sandbox/payout-client.js';
import { dispatchEnvSchema, loadEnv } from '../../shared/config/env.js';
import { taskHandler } from '../../shared/events/task.js';
import { emitMetrics } from '../../shared/http/metric-line.js';
import { payOut, type SettlementRef, settlementCompletedDetail } from '../../shared/settlement/settle.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(dispatchEnvSchema);
const store = new DynamoSettlementStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });
const bank = payoutClient(env.SANDBOX_PSP_URL);

export const handler = taskHandler('pay-out', async (input: SettlementRef) => {
  const settlement = await payOut({ store, bank }, input, new Date());
  emitMetrics('payout sent', { dimensions: { service: 'settlement' }, metrics: { PayoutSucceeded: 1 } });
  return { settlement: input, event: settlementCompletedDetail(settlement) };
});

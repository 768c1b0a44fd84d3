/**
 * State machine task (Map over a merchant's settlements): pays the settlement out through the payout
 * adapter (the sandbox bank), once, and answers the `SettlementCompleted` detail the next state puts on
 * the bus itself. A bank error throws: the state's Retry backs off, then its Catch records the failure.
 */

import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { payoutClient } from '../../shared/channels/sandbox/payout-client.js';
import { dispatchEnvSchema, loadEnv } from '../../shared/config/env.js';
import { payOut, type SettlementRef, settlementCompletedDetail } from '../../shared/settlement/settle.js';
import { DynamoSettlementStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(dispatchEnvSchema);
const store = new DynamoSettlementStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });
const bank = payoutClient(env.SANDBOX_PSP_URL);

export async function handler(input: SettlementRef) {
  const settlement = await payOut({ store, bank }, input, new Date());
  return { settlement: input, event: settlementCompletedDetail(settlement) };
}

/**
 * State machine task (first state): the merchants a run settles, and when the run started (its
 * `createdAt`: today's cutoff). A run started by the daily schedule has no run item yet: it is created
 * here, under the day as its key, so the schedule never settles a day twice. The merchants are every one
 * ever approved (suspended ones are still owed their money), asked of the gateway's registry a page at a time.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, merchantRegistryEnvSchema, tableEnvSchema } from '../../shared/config/env.js';
import { taskHandler } from '../../shared/events/task.js';
import { invokeMerchantRegistry, merchantPages } from '../../shared/internal/merchant-registry.js';
import { DynamoSettlementRunStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const runs = new DynamoSettlementRunStore(table);
const registry = invokeMerchantRegistry(loadEnv(merchantRegistryEnvSchema).MERCHANT_REGISTRY_FUNCTION_ARN);

/** Every merchant the gateway ever approved, in its registry's order (by id). */
async function approvedMerchants(): Promise<string[]> {
  const merchants: string[] = [];
  for await (const page of merchantPages(registry, 'approved')) merchants.push(...page);
  return merchants;
}

export interface StartRunInput {
  /** Absent for the schedule (the run of yesterday, UTC). */
  readonly runId?: string;
  readonly date?: string;
  /** The run's `createdAt` (the ops route passes it). */
  readonly startedAt?: string;
  /** The schedule's event time (EventBridge `time`). */
  readonly time?: string;
}

export const handler = taskHandler('start-run', async (input: StartRunInput) => {
  let { runId, date, startedAt } = input;
  if (!runId) {
    date = new Date(Date.parse(input.time ?? new Date().toISOString()) - 86_400_000)
      .toISOString()
      .slice(0, 10);
    const { run } = await runs.create({
      callerId: 'schedule',
      idempotencyKey: `daily:${date}`,
      requestFingerprint: `schedule:${date}`,
      date,
      now: new Date(),
    });
    runId = run.id;
    startedAt = run.createdAt;
  }
  startedAt ??= (await runs.get(runId)).createdAt;
  const merchants = await approvedMerchants();
  return { runId, date, startedAt, merchants: merchants.map((merchantId) => ({ merchantId })) };
});

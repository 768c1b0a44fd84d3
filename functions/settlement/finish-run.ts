/** State machine task (last state, and the Catch of the whole run): records how the run ended. */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { taskHandler } from '../../shared/events/task.js';
import { emitMetrics } from '../../shared/http/metric-line.js';
import { DynamoSettlementRunStore } from '../../shared/store/dynamodb/settlements.js';

const env = loadEnv(tableEnvSchema);
const runs = new DynamoSettlementRunStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = taskHandler(
  'finish-run',
  async (input: {
    runId: string;
    results?: { settled?: { settlements?: unknown[] } }[];
    error?: { Error?: string; Cause?: string };
  }) => {
    const settlements = (input.results ?? []).reduce((n, r) => n + (r.settled?.settlements?.length ?? 0), 0);
    const failed = input.error !== undefined;
    await runs.finish(input.runId, {
      status: failed ? 'failed' : 'succeeded',
      settlements,
      error: failed ? `${input.error?.Error ?? 'Error'}: ${input.error?.Cause ?? ''}`.slice(0, 1000) : null,
      now: new Date(),
    });
    // Settlements made per run (the dashboard; runs themselves are the state machine's own metrics).
    emitMetrics('settlement run ended', {
      dimensions: { service: 'settlement' },
      metrics: { Settlements: settlements },
      fields: { runId: input.runId, failed },
    });
    return { runId: input.runId, status: failed ? 'failed' : 'succeeded', settlements };
  },
);

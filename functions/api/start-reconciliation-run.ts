/**
 * POST /v1/ops/reconciliation/runs `{ channel, date }` with `Idempotency-Key` (ops key): 202 `{ id,
 * status: "running" }`. The run item is written at the key's slot; the table stream announces it and the
 * reconciliation-run consumer executes it (functions/events/reconcile-run.ts). The same key again
 * replays the 202; another body under it is a 422.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { storedAnswer } from '../../shared/http/responses.js';
import { startReconciliationRunBody } from '../../shared/schemas/reconciliation.js';
import { DynamoReconciliationStore } from '../../shared/store/dynamodb/reconciliation.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoReconciliationStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', idempotencyKey: true, body: startReconciliationRunBody },
  async ({ auth, idempotencyKey, body, method, path }) =>
    storedAnswer(
      await store.createRun({
        callerId: auth.merchantId,
        idempotencyKey,
        requestFingerprint: requestFingerprint(method, path, body),
        channel: body.channel,
        date: body.date,
        now: new Date(),
      }),
    ),
);

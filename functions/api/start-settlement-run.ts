/**
 * POST /v1/ops/settlements/runs `{ date }` with `Idempotency-Key` (ops key): 202 `{ id, status }`. The run
 * is written at the key's slot, then its execution started under the run's id as its name: Step
 * Functions refuses a second execution of that name, so a retry (same key) never starts a second run.
 */
import * as z from 'zod/mini';
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { ExecutionAlreadyExistsError, startExecution } from '../../shared/aws/sfn.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { json } from '../../shared/http/responses.js';
import { startSettlementRunBody } from '../../shared/schemas/settlement.js';
import { DynamoSettlementRunStore } from '../../shared/store/dynamodb/settlements.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';

const env = loadEnv(
  z.extend(tableEnvSchema, { SETTLEMENT_STATE_MACHINE_ARN: z.string().check(z.minLength(1)) }),
);
const runs = new DynamoSettlementRunStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = apiHandler(
  { role: 'ops', idempotencyKey: true, body: startSettlementRunBody },
  async ({ auth, idempotencyKey, body, method, path }) => {
    const { run, created } = await runs.create({
      callerId: auth.merchantId,
      idempotencyKey,
      requestFingerprint: requestFingerprint(method, path, body),
      date: body.date,
      now: new Date(),
    });
    try {
      await startExecution({
        stateMachineArn: env.SETTLEMENT_STATE_MACHINE_ARN,
        name: run.id,
        input: JSON.stringify({ runId: run.id, date: run.date, startedAt: run.createdAt }),
      });
    } catch (error) {
      // Started by an earlier attempt of this request: the run exists, and so does its execution.
      if (!(error instanceof ExecutionAlreadyExistsError)) throw error;
    }
    return json(202, { id: run.id, status: 'running' }, created ? {} : { 'Idempotent-Replayed': 'true' });
  },
);

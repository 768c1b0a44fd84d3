/**
 * Core's function that applies what the channels learn about payments and refunds (invoked by the
 * channels' callback, dispatcher and checks, and by reconciliation's repairs; shared/services/invoke.ts):
 * the payment and its refunds are core's items, so their guarded writes are made here, with core's
 * grants, and nowhere else. A batch in (shared/channels/apply-outcomes.ts), one result per operation out.
 * A payload that does not parse is a caller's bug: the invocation fails with InvalidPayloadError (internal-handler.ts).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import {
  type ApplyOutcomesAnswer,
  applyOutcomesRequestSchema,
} from '../../shared/channels/apply-outcomes.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { logger } from '../../shared/http/logger.js';
import { applyChannelOutcomes } from '../../shared/payments/apply-channel-outcomes.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { DynamoDispatchStore } from '../../shared/store/dynamodb/channel-dispatch.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { refundsBesides } from '../../shared/store/dynamodb/payment-refunds.js';
import type { ChannelOutcomeStore } from '../../shared/store/ports.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };
const outcomes: ChannelOutcomeStore = new DynamoChannelOutcomeStore(table);
const deps = {
  outcomes,
  moves: new DynamoDispatchStore(table),
  refundsBesides: (refundId: string) => refundsBesides(table, refundId),
  onError: (op: unknown, error: unknown) =>
    logger.warn('channel outcome not applied', { op, error: error as Error }),
};

export const handler = internalHandler(
  'apply-channel-outcomes',
  applyOutcomesRequestSchema,
  async ({ ops }): Promise<ApplyOutcomesAnswer> => {
    const results = await applyChannelOutcomes(deps, ops);
    logger.info('channel outcomes applied', { ops: ops.length, results: results.map((r) => r.kind) });
    return { results };
  },
);

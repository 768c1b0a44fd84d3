/**
 * Core's internal function for the channels: where a batch of payments and refunds stands now
 * (shared/internal/object-states.ts), read in one BatchGetItem of only the fields answered. The
 * dispatcher asks once per stream batch, the channel checks once per queue batch. Read-only, so any
 * retry is harmless.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { type ObjectStatesAnswer, objectStatesRequestSchema } from '../../shared/internal/object-states.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { readObjectStates } from '../../shared/store/dynamodb/object-states.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'object-states',
  objectStatesRequestSchema,
  async ({ objects, consistent }): Promise<ObjectStatesAnswer> => ({
    states: await readObjectStates(table, objects, consistent),
  }),
);

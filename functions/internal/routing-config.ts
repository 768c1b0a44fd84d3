/**
 * The channels' internal function for routing at create (shared/internal/routing-config.ts): a merchant's
 * routing configuration as stored, or `null`, read strongly consistent and never cached here
 * (create-payment caches each answer ROUTING_CONFIG_TTL_MS per container). Read-only. A document that is
 * not a configuration throws CorruptItemError, which create answers 500 as before.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import {
  ROUTING_CONFIG,
  type RoutingConfigAnswer,
  routingConfigRequest,
} from '../../shared/internal/routing-config.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { readRoutingConfig } from '../../shared/store/dynamodb/routing-config-reads.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  ROUTING_CONFIG,
  routingConfigRequest,
  async ({ merchantId }): Promise<RoutingConfigAnswer> => ({
    config: await readRoutingConfig(table, merchantId),
  }),
);

/**
 * The gateway's `flow-lease` function (shared/internal/flow-lease.ts): one lease from one shard of a
 * merchant's token bucket, for the merchant routes of the other services. It applies the caller's plan
 * with the limiter's own DynamoDB adapter (flow-buckets.ts `takeFromShard`: one conditional UpdateItem,
 * within FLOW_STORE_TIMEOUT_MS) and answers what the write came to. A retried invocation may take a lease
 * twice, which only spends tokens early: the caller admits from one of them, the other expires.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import type { ShardWrite } from '../../shared/flow/limiter.js';
import { FLOW_LEASE_FUNCTION, flowLeaseRequestSchema } from '../../shared/internal/flow-lease.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { DynamoFlowStore } from '../../shared/store/dynamodb/flow-buckets.js';

const env = loadEnv(tableEnvSchema);
const store = new DynamoFlowStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = internalHandler(
  FLOW_LEASE_FUNCTION,
  flowLeaseRequestSchema,
  (request): Promise<ShardWrite> => store.takeFromShard(request.merchantId, request.shard, request.plan),
);

/**
 * Core's function that applies risk's decisions to the payments core owns (shared/risk/decision-writes.ts):
 * invoked synchronously by the risk consumer once per SQS batch and by the ops review route once per
 * request (shared/risk/apply-decisions.ts is the contract). A payload that does not parse is a function
 * error (the caller's message or request fails); a decision that cannot be applied answers `failed`.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import {
  type ApplyRiskDecisionsAnswer,
  applyRiskDecisionsRequest,
} from '../../shared/risk/apply-decisions.js';
import { applyRiskDecisions } from '../../shared/risk/decision-writes.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { DynamoPaymentRiskStore } from '../../shared/store/dynamodb/payment-risk.js';

const env = loadEnv(tableEnvSchema);
const payments = new DynamoPaymentRiskStore({ client: dynamoDbClient(), tableName: env.TABLE_NAME });

export const handler = internalHandler(
  'apply-risk-decisions',
  applyRiskDecisionsRequest,
  async ({ decisions }): Promise<ApplyRiskDecisionsAnswer> => {
    return { answers: await applyRiskDecisions(payments, decisions) };
  },
);

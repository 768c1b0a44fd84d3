/**
 * Core's internal function for settlement: a page of a merchant's line items committed in [from, to)
 * (shared/internal/settlement-lines.ts), read from core's GSI2. Read-only, so any retry is harmless.
 */

import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import {
  SETTLEMENT_LINES_PAGE,
  type SettlementLinesAnswer,
  settlementLinesRequestSchema,
} from '../../shared/internal/settlement-lines.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { settlementLinesPage } from '../../shared/store/dynamodb/settlement-lines.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'settlement-lines',
  settlementLinesRequestSchema,
  async (request): Promise<SettlementLinesAnswer> => {
    return settlementLinesPage(table, {
      merchantId: request.merchantId,
      period: [request.from, request.to],
      limit: request.limit ?? SETTLEMENT_LINES_PAGE,
      cursor: request.cursor,
    });
  },
);

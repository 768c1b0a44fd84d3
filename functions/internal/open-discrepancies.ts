/**
 * Reconciliation's count of open discrepancies for other services (shared/internal/open-discrepancies.ts):
 * those of the channel-days asked that are still open. Read-only. Invoked by the ops overview (console).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import {
  type OpenDiscrepanciesAnswer,
  openDiscrepanciesRequest,
} from '../../shared/internal/open-discrepancies.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { countOpenDiscrepancies } from '../../shared/store/dynamodb/ops-counts.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'open-discrepancies',
  openDiscrepanciesRequest,
  async ({ channels, days }): Promise<OpenDiscrepanciesAnswer> => {
    return { open: await countOpenDiscrepancies(table, channels, days) };
  },
);

/**
 * Risk's internal function for settlement: a page of the payments of a merchant held out of settlement now
 * (shared/internal/held-payments.ts), read from risk's hold registry. Read-only, so any retry is harmless.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import {
  HELD_PAYMENTS_PAGE,
  type HeldPaymentsAnswer,
  heldPaymentsRequestSchema,
} from '../../shared/internal/held-payments.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { heldPaymentsPage } from '../../shared/store/dynamodb/holds.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'held-payments',
  heldPaymentsRequestSchema,
  async (request): Promise<HeldPaymentsAnswer> => {
    return heldPaymentsPage(table, {
      merchantId: request.merchantId,
      limit: request.limit ?? HELD_PAYMENTS_PAGE,
      cursor: request.cursor,
    });
  },
);

/**
 * Core's internal function for risk's fraud reports (shared/internal/payment-customer.ts): whether the
 * merchant's payment exists and the customer identifiers it carries, which the report adds to the
 * merchant's blocklists. Read-only (one strongly consistent GetItem), so any retry is harmless. Invoked by
 * risk's fraud-report function once per report.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { paymentCustomerRequest } from '../../shared/internal/payment-customer.js';
import { internalHandler } from '../../shared/services/internal-handler.js';
import { paymentCustomerOf } from '../../shared/store/dynamodb/payment-customer.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler('payment-customer', paymentCustomerRequest, (request) =>
  paymentCustomerOf(table, request),
);

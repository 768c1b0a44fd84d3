/**
 * Core's internal function for risk's ops timeline route (shared/internal/payment-events.ts): a page of a
 * payment's events, derived from the payment and its refunds, which are core's. Read-only, so any retry is
 * harmless. Invoked by risk's review function once per GET /v1/ops/payments/{id}/events.
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import { loadEnv, tableEnvSchema } from '../../shared/config/env.js';
import { type PaymentEventsAnswer, paymentEventsRequest } from '../../shared/internal/payment-events.js';
import { paymentEventsPage } from '../../shared/ops/payment-events-page.js';
import { internalHandler } from '../../shared/services/internal-handler.js';

const env = loadEnv(tableEnvSchema);
const table = { client: dynamoDbClient(), tableName: env.TABLE_NAME };

export const handler = internalHandler(
  'payment-events',
  paymentEventsRequest,
  (request): Promise<PaymentEventsAnswer> => paymentEventsPage(table, request),
);

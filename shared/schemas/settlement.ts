/**
 * Settlement (contract: Settlement): the ops run route's body, the run and settlement objects.
 */
import * as z from 'zod/mini';
import { cursorSchema, isoTimestamp, limitSchema } from './common.js';
import { statementDateSchema } from './reconciliation.js';

export const startSettlementRunBody = z.strictObject({ date: statementDateSchema });

export const settlementRunIdSchema = z.string().check(z.regex(/^str_[a-z2-7]{26}$/));
export const settlementIdSchema = z.string().check(z.regex(/^stl_[a-z2-7]{26}$/));

export const settlementRunSchema = z.object({
  id: settlementRunIdSchema,
  object: z.literal('settlement_run'),
  date: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  /** Settlements the run made (one per merchant and currency with something to settle). */
  settlements: z.number(),
  error: z.nullable(z.string()),
  createdAt: isoTimestamp,
  completedAt: z.nullable(isoTimestamp),
});

export const settlementSchema = z.object({
  id: settlementIdSchema,
  object: z.literal('settlement'),
  merchantId: z.string(),
  currency: z.string(),
  periodEnd: isoTimestamp,
  grossAmount: z.number(),
  refundedAmount: z.number(),
  feeAmount: z.number(),
  netAmount: z.number(),
  paymentCount: z.number(),
  refundCount: z.number(),
  status: z.enum(['pending_payout', 'paid', 'payout_failed', 'no_payout']),
  payout: z.nullable(
    z.object({
      id: z.string(),
      amount: z.number(),
      bankReference: z.nullable(z.string()),
      paidAt: isoTimestamp,
    }),
  ),
  createdAt: isoTimestamp,
});

export const listSettlementsQuery = z.strictObject({ limit: limitSchema, cursor: z.optional(cursorSchema) });
export const getSettlementQuery = z.strictObject({ format: z.optional(z.enum(['json', 'csv'])) });

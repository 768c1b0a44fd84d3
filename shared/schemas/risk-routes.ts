/**
 * Bodies and answers of the risk routes (docs/contract.md, Risk): ops review of a held payment, merchant
 * fraud reports, ops daily risk summary.
 */
import * as z from 'zod/mini';
import { REVIEW_DECISIONS } from '../domain/risk/review.js';
import { isoTimestamp } from './common.js';
import './locale.js';

/** POST /v1/ops/payments/{id}/review */
export const reviewPaymentBody = z.strictObject({
  decision: z.enum(REVIEW_DECISIONS, { error: `must be one of: ${REVIEW_DECISIONS.join(', ')}` }),
});
export type ReviewPaymentBody = z.infer<typeof reviewPaymentBody>;

/** POST /v1/payments/{id}/fraud-reports */
export const createFraudReportBody = z.strictObject({
  reason: z
    .string()
    .check(
      z.minLength(1, { error: 'is required' }),
      z.maxLength(500, { error: 'must be at most 500 characters' }),
    ),
});
export type CreateFraudReportBody = z.infer<typeof createFraudReportBody>;

export const fraudReportSchema = z.object({
  id: z.string().check(z.startsWith('fr_')),
  paymentId: z.string().check(z.startsWith('pay_')),
  reason: z.string(),
  createdAt: isoTimestamp,
});
export type FraudReport = z.infer<typeof fraudReportSchema>;

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** GET /v1/ops/merchants/{merchantId}/risk-summary?date=YYYY-MM-DD (default: today, UTC). */
export const riskSummaryQuery = z.strictObject({
  date: z.optional(
    z.string().check(
      z.regex(DAY, { error: 'must be a date, YYYY-MM-DD' }),
      z.refine(
        (d: string) =>
          !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
          new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
        {
          error: 'must be a date, YYYY-MM-DD',
        },
      ),
    ),
  ),
});
export type RiskSummaryQuery = z.infer<typeof riskSummaryQuery>;

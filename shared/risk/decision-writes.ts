/**
 * Core's side of risk's decisions (contract: apply-decisions.ts): each decision becomes the guarded
 * write it always was, now made by core, which owns the payment and its refunds.
 *
 * - assessment: `risk` and its effect in ONE guarded UpdateItem (payment-risk.ts `setRisk`), planned for
 *   the status the score was taken on; when the payment moved meanwhile the write is refused with the
 *   item as it is (ALL_OLD) and the effect re-planned on it, so no read precedes the first write. An
 *   assessed payment answers `already_assessed` (a redelivery, or a racing delivery won).
 *   `risk.assessedAt` is stamped here, with the write's own `updatedAt`: the assessment takes effect when
 *   core writes it, which is the `occurredAt` of the RiskAssessed the stream announces, and the time the
 *   ops timeline orders it by against the payment's outcome (shared/events/timeline.ts). The time risk
 *   scored it at could be seconds earlier, before an outcome written in between.
 * - review: ops' release or reject (review-payment.ts).
 * Then, whatever the path, the full refund a rejected succeeded payment is owed, created once.
 *
 * Decisions are applied concurrently and answered one by one: a failure answers `failed` for its
 * payment only, so the caller retries just that one (its SQS message, or the ops request).
 */
import * as z from 'zod/mini';
import { effectOf } from '../domain/risk/review.js';
import { logger } from '../http/logger.js';
import { DynamoPaymentRiskStore, type RiskPaymentItem } from '../store/dynamodb/payment-risk.js';
import type { TableContext } from '../store/dynamodb/table.js';
import { ConcurrentModificationError, ObjectNotFoundError } from '../store/errors.js';
import { paymentFromItem, slotOfId } from '../store/items.js';
import { keys } from '../store/keys.js';
import {
  applyRiskDecisionsAnswer,
  applyRiskDecisionsRequest,
  type RiskDecisionAnswer,
  type RiskDecisionApplier,
  type RiskDecisionInput,
} from './apply-decisions.js';
import { PaymentNotInReviewError } from './errors.js';
import { reviewPayment } from './review-payment.js';

const WRITE_ATTEMPTS = 5;

/** Applies each decision; answers in the same order. Never throws for one decision's failure. */
export function applyRiskDecisions(
  payments: DynamoPaymentRiskStore,
  decisions: readonly RiskDecisionInput[],
  now: Date = new Date(),
): Promise<RiskDecisionAnswer[]> {
  return Promise.all(
    decisions.map((decision) =>
      applyOne(payments, decision, now).catch((error: Error) => {
        logger.warn('risk decision not applied', {
          paymentId: decision.paymentId,
          kind: decision.kind,
          error,
        });
        return {
          paymentId: decision.paymentId,
          outcome: 'failed' as const,
          error: { name: error.name, message: error.message },
        };
      }),
    ),
  );
}

function applyOne(
  payments: DynamoPaymentRiskStore,
  decision: RiskDecisionInput,
  now: Date,
): Promise<RiskDecisionAnswer> {
  switch (decision.kind) {
    case 'assessment':
      return applyAssessment(payments, decision, now);
    case 'review':
      return applyReview(payments, decision, now);
  }
}

async function applyAssessment(
  payments: DynamoPaymentRiskStore,
  decision: Extract<RiskDecisionInput, { kind: 'assessment' }>,
  now: Date,
): Promise<RiskDecisionAnswer> {
  const { paymentId } = decision;
  const risk = { ...decision.risk, assessedAt: now.toISOString() };
  const slot = slotOfId(paymentId, 'pay');
  if (!slot) return { paymentId, outcome: 'unknown_payment' };
  // The write needs the key and the planned status; a stale plan comes back with the item as it is.
  let item = { ...keys.object(slot), id: paymentId, status: decision.status } as RiskPaymentItem;
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const effect = effectOf(risk.decision, item.status, decision.autoRefundOnReject);
    const write = await payments.setRisk(item, risk, effect, now);
    if (write.kind === 'written') return stateOf('written', write.item, payments, now);
    if (!write.current) return { paymentId, outcome: 'unknown_payment' };
    item = write.current;
    // Assessed by a concurrent delivery, or the status moved (e.g. succeeded): re-plan the effect.
    if (item.risk) return stateOf('already_assessed', item, payments, now);
  }
  throw new ConcurrentModificationError();
}

async function applyReview(
  payments: DynamoPaymentRiskStore,
  decision: Extract<RiskDecisionInput, { kind: 'review' }>,
  now: Date,
): Promise<RiskDecisionAnswer> {
  const { paymentId } = decision;
  try {
    const result = await reviewPayment(payments, paymentId, decision.decision, now);
    const item = result.item;
    return {
      ...state(result.replayed ? 'replayed' : 'reviewed', item),
      ...(result.refund ? { refundStatus: result.refund.status } : {}),
      payment: paymentFromItem(item),
    };
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return { paymentId, outcome: 'unknown_payment' };
    if (error instanceof PaymentNotInReviewError) {
      const reviewStatus = error.reviewStatus as RiskPaymentItem['reviewStatus'];
      return { paymentId, outcome: 'not_in_review', ...(reviewStatus ? { reviewStatus } : {}) };
    }
    throw error;
  }
}

/** The answer for an assessed payment, once the refund it may owe is created (or replayed). */
async function stateOf(
  outcome: 'written' | 'already_assessed',
  item: RiskPaymentItem,
  payments: DynamoPaymentRiskStore,
  now: Date,
): Promise<RiskDecisionAnswer> {
  const refund = await payments.completeOwed(item, now);
  return { ...state(outcome, item), ...(refund ? { refundStatus: refund.status } : {}) };
}

function state(outcome: RiskDecisionAnswer['outcome'], item: RiskPaymentItem): RiskDecisionAnswer {
  return {
    paymentId: item.id,
    outcome,
    merchantId: item.merchantId,
    createdAt: item.createdAt,
    ...(item.reviewStatus ? { reviewStatus: item.reviewStatus } : {}),
  };
}

/**
 * The same application in-process, on one table (tests of the risk consumer alone, without Lambda): the
 * payload and the answer still go through JSON and the contract's schemas, as they would through Lambda.
 */
export function inProcessRiskDecisions(table: TableContext): RiskDecisionApplier {
  const payments = new DynamoPaymentRiskStore(table);
  return async (decisions) => {
    const request = z.parse(applyRiskDecisionsRequest, JSON.parse(JSON.stringify({ decisions })));
    const answers = await applyRiskDecisions(payments, request.decisions);
    return z.parse(applyRiskDecisionsAnswer, JSON.parse(JSON.stringify({ answers }))).answers;
  };
}

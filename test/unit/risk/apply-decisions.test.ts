/**
 * The contract between risk and core for risk's decisions (shared/risk/apply-decisions.ts): what risk's
 * consumer and review route send parses on core's side, what core answers parses on risk's, and anything
 * else is refused before a write. Plus the consumer's round: one call to core per batch.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as z from 'zod/mini';
import {
  applyRiskDecisionsAnswer,
  applyRiskDecisionsRequest,
  MAX_DECISIONS,
  type RiskDecisionAnswer,
  type RiskDecisionInput,
} from '../../../shared/risk/apply-decisions.js';
import { DecisionRound } from '../../../shared/risk/decision-round.js';
import { PaymentNotInReviewError } from '../../../shared/risk/errors.js';
import { requestReview } from '../../../shared/risk/request-review.js';
import { ObjectNotFoundError } from '../../../shared/store/errors.js';

const PAY = 'pay_abcdefghijklmnopqrstuvwxyz';
const assessment: RiskDecisionInput = {
  kind: 'assessment',
  paymentId: PAY,
  risk: {
    score: 70,
    decision: 'review',
    reasons: ['new_customer_high_amount'],
    assessedAt: '2026-12-07T05:00:00.000Z',
  },
  status: 'processing',
  autoRefundOnReject: true,
};

describe('risk decisions contract', () => {
  it('parses what the consumer and the review route send', () => {
    const decisions: RiskDecisionInput[] = [
      assessment,
      { kind: 'review', paymentId: PAY, decision: 'reject' },
    ];
    // As sent: through JSON, as Lambda carries it.
    const parsed = z.parse(applyRiskDecisionsRequest, JSON.parse(JSON.stringify({ decisions })));
    assert.deepEqual(parsed.decisions, decisions);
  });

  it('refuses a payload core must not write from', () => {
    for (const bad of [
      { decisions: [] },
      { decisions: [{ ...assessment, paymentId: 're_abc' }] },
      { decisions: [{ ...assessment, risk: { ...assessment.risk, score: 101 } }] },
      { decisions: [{ ...assessment, status: 'refunded' }] },
      { decisions: [{ kind: 'review', paymentId: PAY, decision: 'approve' }] },
      { decisions: [{ kind: 'cancel', paymentId: PAY }] },
      { decisions: [{ kind: 'follow_up', paymentId: PAY }] },
      { decisions: Array.from({ length: MAX_DECISIONS + 1 }, () => assessment) },
    ]) {
      assert.equal(
        z.safeParse(applyRiskDecisionsRequest, bad).success,
        false,
        JSON.stringify(bad).slice(0, 80),
      );
    }
  });

  it('parses what core answers', () => {
    const answers: RiskDecisionAnswer[] = [
      {
        paymentId: PAY,
        outcome: 'written',
        merchantId: 'm_1',
        createdAt: '2026-12-07T05:00:00.000Z',
        reviewStatus: 'held',
      },
      {
        paymentId: PAY,
        outcome: 'already_assessed',
        merchantId: 'm_1',
        createdAt: '2026-12-07T05:00:00.000Z',
        refundStatus: 201,
      },
      { paymentId: PAY, outcome: 'not_in_review', reviewStatus: 'released' },
      { paymentId: PAY, outcome: 'unknown_payment' },
      { paymentId: PAY, outcome: 'failed', error: { name: 'ConcurrentModificationError', message: 'x' } },
    ];
    assert.deepEqual(
      z.parse(applyRiskDecisionsAnswer, JSON.parse(JSON.stringify({ answers }))).answers,
      answers,
    );
    assert.equal(
      z.safeParse(applyRiskDecisionsAnswer, { answers: [{ paymentId: PAY, outcome: 'canceled' }] }).success,
      false,
    );
  });
});

describe('a consumer batch makes one call to core', () => {
  const answerTo = (d: RiskDecisionInput): RiskDecisionAnswer => ({
    paymentId: d.paymentId,
    outcome: 'written',
  });

  it('sends every message’s decision together once the others decided or finished', async () => {
    const calls: RiskDecisionInput[][] = [];
    const round = new DecisionRound(async (ds) => {
      calls.push([...ds]);
      return ds.map(answerTo);
    }, 4);
    round.skip(); // a message that did not parse
    const quiet = round.member(); // a message that ends without a decision (unknown payment)
    const a = round.member();
    const b = round.member();
    const answeredA = a.decisions([{ kind: 'review', paymentId: 'pay_a', decision: 'release' }]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(calls.length, 0, 'waits for the messages still deciding');
    quiet.leave();
    const answeredB = b.decisions([{ kind: 'review', paymentId: 'pay_b', decision: 'release' }]);
    assert.deepEqual(
      (await answeredA).map((x) => x.paymentId),
      ['pay_a'],
    );
    assert.deepEqual(
      (await answeredB).map((x) => x.paymentId),
      ['pay_b'],
    );
    a.leave();
    b.leave();
    assert.equal(calls.length, 1);
    assert.deepEqual(
      calls[0]?.map((d) => d.paymentId),
      ['pay_a', 'pay_b'],
    );
  });

  it('fails every message of the call when the call fails, and a member that failed early holds no one', async () => {
    const round = new DecisionRound(async () => {
      throw new Error('throttled');
    }, 2);
    const failedEarly = round.member();
    const waiting = round.member().decisions([assessment]);
    failedEarly.leave();
    await assert.rejects(waiting, /throttled/);
  });
});

describe('the review route’s answers', () => {
  const holds = { held: [] as string[], released: [] as string[] };
  const deps = (answer: RiskDecisionAnswer) => ({
    decisions: async () => [answer],
    holds: {
      hold: async (_m: string, id: string) => void holds.held.push(id),
      release: async (_m: string, id: string) => void holds.released.push(id),
    },
  });

  it('maps an unknown payment to 404 and a payment not held to 409 without touching holds', async () => {
    await assert.rejects(
      requestReview(deps({ paymentId: PAY, outcome: 'unknown_payment' }), PAY, 'release'),
      ObjectNotFoundError,
    );
    await assert.rejects(
      requestReview(
        deps({ paymentId: PAY, outcome: 'not_in_review', reviewStatus: 'rejected' }),
        PAY,
        'release',
      ),
      (error: unknown) => error instanceof PaymentNotInReviewError && error.reviewStatus === 'rejected',
    );
    await assert.rejects(
      requestReview(deps({ paymentId: PAY, outcome: 'failed' }), PAY, 'release'),
      /not applied/,
    );
    assert.deepEqual(holds, { held: [], released: [] });
  });
});

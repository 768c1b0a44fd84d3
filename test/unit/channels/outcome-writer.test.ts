/**
 * The callers' side of core's channel outcomes function: what they send is the contract (it parses with
 * the schema core reads it with), a batch's operations go in one invocation, and each answer comes back
 * to its caller as the store's port answered in-process.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApplyOutcomesRequest,
  type ApplyResult,
  applyOutcomesAnswerSchema,
  applyOutcomesRequestSchema,
} from '../../../shared/channels/apply-outcomes.js';
import { OutcomeNotAppliedError, outcomeWriter } from '../../../shared/channels/outcome-writer.js';
import { ConcurrentModificationError } from '../../../shared/store/errors.js';

const NOW = new Date('2030-01-01T00:00:00.000Z');
const outcome = (reference: string) => ({
  channel: 'sandbox',
  eventId: `evt_${reference}`,
  reference,
  to: 'succeeded' as const,
  channelReference: 'sbx_1',
  amount: 1_050,
  currency: 'USD',
  occurredAt: '2030-01-01T00:00:00.000Z',
  now: NOW,
});

/** An invoker that records each request (parsed as core parses it) and answers `answer(op index)`. */
function core(answer: (i: number) => ApplyResult = () => ({ kind: 'applied' })) {
  const requests: ApplyOutcomesRequest[] = [];
  const invoke = async (request: ApplyOutcomesRequest) => {
    applyOutcomesRequestSchema.parse(JSON.parse(JSON.stringify(request)));
    requests.push(request);
    const results = request.ops.map((_, i) => answer(i));
    applyOutcomesAnswerSchema.parse({ results });
    return { results };
  };
  return { requests, invoke };
}

describe('channel outcomes: the callers side', () => {
  it('sends what the schema core reads with accepts, for every operation the callers make', async () => {
    // Prepare
    const { requests, invoke } = core();
    const writer = outcomeWriter(invoke);
    const at = NOW;
    // Act
    await writer.applyPaymentOutcome({ ...outcome('pay_1'), cumulativeRefunded: undefined } as never);
    await writer.applyRefundOutcome({ ...outcome('re_1'), cumulativeRefunded: 1_050 });
    await writer.failPayment({
      paymentId: 'pay_1',
      channel: 'sandbox',
      failureCode: 'declined',
      attempt: 'declined',
      at,
    });
    await writer.failRefund({ refundId: 're_1', paymentId: 'pay_1', channel: 'sandbox', amount: 5, at });
    await writer.failOver({ paymentId: 'pay_1', from: 'stripe', to: 'sandbox', at });
    await writer.failOver({
      paymentId: 'pay_1',
      from: 'stripe',
      to: 'sandbox',
      at,
      quota: { merchantId: 'm_1', currency: 'USD', amount: 5, createdAt: at, from: undefined, to: 'sandbox' },
    });
    // Assess: each parsed (core's schema) and carries the caller's fields, instants as ISO 8601.
    assert.deepEqual(
      requests.map((r) => r.ops.map((o) => o.op)),
      [['outcome'], ['outcome'], ['failPayment'], ['failRefund'], ['failOver'], ['failOver']],
    );
    assert.deepEqual(requests[0]?.ops[0], {
      op: 'outcome',
      subject: 'payment',
      ...outcome('pay_1'),
      now: '2030-01-01T00:00:00.000Z',
    });
    assert.equal(
      (requests[1]?.ops[0] as { cumulativeRefunded?: number } | undefined)?.cumulativeRefunded,
      1_050,
    );
    assert.deepEqual((requests[5]?.ops[0] as { quota?: unknown } | undefined)?.quota, {
      merchantId: 'm_1',
      currency: 'USD',
      amount: 5,
      createdAt: '2030-01-01T00:00:00.000Z',
      to: 'sandbox',
    });
  });

  it('accepts whatever the stores applied in-process: a trade closed unpaid has no channel reference', async () => {
    // Prepare
    const { requests, invoke } = core();
    const writer = outcomeWriter(invoke);
    // Act
    await writer.applyPaymentOutcome({ ...outcome('pay_1'), to: 'failed', channelReference: '' });
    // Assess
    assert.equal((requests[0]?.ops[0] as { channelReference?: string } | undefined)?.channelReference, '');
  });

  it('sends the operations of a tracked batch in one invocation, each answer to its own caller', async () => {
    // Prepare
    const answers: ApplyResult[] = [
      { kind: 'applied' },
      { kind: 'already_applied' },
      { kind: 'mismatch', fields: ['amount'] },
    ];
    const { requests, invoke } = core((i) => answers[i] as ApplyResult);
    const writer = outcomeWriter(invoke);
    // Act: three records, each waiting a different time (a channel's answer) before it writes.
    const results = await Promise.all(
      ['pay_1', 'pay_2', 'pay_3'].map((ref, i) =>
        writer.track(async () => {
          await new Promise((resolve) => setTimeout(resolve, 5 * (3 - i)));
          return writer.applyPaymentOutcome(outcome(ref));
        }),
      ),
    );
    // Assess
    assert.equal(requests.length, 1);
    assert.deepEqual(
      requests[0]?.ops.map((o) => (o as { reference: string }).reference),
      ['pay_3', 'pay_2', 'pay_1'],
    );
    assert.deepEqual(results, [answers[2], answers[1], answers[0]]);
  });

  it('does not wait for a record that writes nothing, and starts a second round for a second write', async () => {
    // Prepare
    const { requests, invoke } = core((i) => (i === 0 ? { kind: 'applied' } : { kind: 'stale' }));
    const writer = outcomeWriter(invoke);
    // Act
    const moved = await Promise.all([
      writer.track(async () => undefined),
      writer.track(async () => {
        const first = await writer.failOver({ paymentId: 'pay_1', from: 'stripe', to: 'sandbox', at: NOW });
        const second = await writer.failPayment({
          paymentId: 'pay_1',
          channel: 'sandbox',
          failureCode: 'channel_unavailable',
          attempt: 'unavailable',
          at: NOW,
        });
        return [first, second];
      }),
      writer.track(() =>
        writer.failRefund({ refundId: 're_1', paymentId: 'pay_2', channel: 'sandbox', amount: 5, at: NOW }),
      ),
    ]);
    // Assess: round 1 the failover and the refund; round 2 the payment's failure.
    assert.deepEqual(
      requests.map((r) => r.ops.map((o) => o.op)),
      [['failOver', 'failRefund'], ['failPayment']],
    );
    assert.deepEqual(moved, [undefined, [true, true], false]);
  });

  it('throws for the operation core could not apply, as the store would have, and only for it', async () => {
    // Prepare
    const { invoke } = core((i) =>
      i === 0
        ? { kind: 'error', code: 'concurrent_modification', message: 'retry' }
        : i === 1
          ? { kind: 'error', code: 'ProvisionedThroughputExceededException', message: 'slow down' }
          : { kind: 'applied' },
    );
    const writer = outcomeWriter(invoke);
    // Act
    const results = await Promise.allSettled(
      ['re_1', 're_2', 're_3'].map((ref) => writer.track(() => writer.applyRefundOutcome(outcome(ref)))),
    );
    // Assess
    assert.ok(results[0]?.status === 'rejected' && results[0].reason instanceof ConcurrentModificationError);
    assert.ok(results[1]?.status === 'rejected' && results[1].reason instanceof OutcomeNotAppliedError);
    assert.deepEqual(results[2], { status: 'fulfilled', value: { kind: 'applied' } });
  });

  it('fails every waiting operation when the invocation itself fails', async () => {
    // Prepare
    const writer = outcomeWriter(async () => {
      throw new Error('Rate exceeded');
    });
    // Act
    const results = await Promise.allSettled([
      writer.track(() => writer.applyPaymentOutcome(outcome('pay_1'))),
      writer.track(() => writer.applyPaymentOutcome(outcome('pay_2'))),
    ]);
    // Assess
    assert.deepEqual(
      results.map((r) => r.status === 'rejected' && (r.reason as Error).message),
      ['Rate exceeded', 'Rate exceeded'],
    );
  });
});

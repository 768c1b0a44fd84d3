/**
 * Stripe events signed by stripe-node itself, read by ours. stripe-node exports used: the default
 * export `Stripe` (an instance's `webhooks.generateTestHeaderString({ payload, secret, timestamp })`
 * signs, `webhooks.constructEvent(payload, header, secret, tolerance, cryptoProvider, receivedAt)`
 * verifies).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { NotificationError } from '../../../../shared/channels/protocol.js';
import { signatureHeader } from '../../../../shared/channels/sandbox/signature.js';
import { readStripeEvent } from '../../../../shared/channels/stripe/notifications.js';

const stripe = new Stripe('sk_test_local_stripe');
const SECRET = 'whsec_stripe_local';
const NOW = 1_900_000_000;

function event(type: string, object: Record<string, unknown>, id = 'evt_1PqR2sT3uV4wX5yZ') {
  return JSON.stringify({ id, object: 'event', type, created: NOW - 5, data: { object } });
}
const intent = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'pi_3PqR2sT3uV4wX5yZ0',
  object: 'payment_intent',
  amount: 1050,
  currency: 'usd',
  status,
  metadata: { reference: 'pay_01HZX3' },
  ...extra,
});
const signed = (payload: string, secret = SECRET, timestamp = NOW) => ({
  'Stripe-Signature': stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
});
const refusal = (code: string) => (error: unknown) =>
  error instanceof NotificationError && error.code === code;

describe('Stripe events', () => {
  it('reads payment_intent.succeeded signed by stripe-node', () => {
    // Prepare
    const payload = event('payment_intent.succeeded', intent('succeeded'));
    // Act
    const read = readStripeEvent(signed(payload), Buffer.from(payload), [SECRET], NOW);
    // Assess
    assert.deepEqual(read, {
      kind: 'outcome',
      event: {
        eventId: 'evt_1PqR2sT3uV4wX5yZ',
        subject: 'payment',
        outcome: 'succeeded',
        reference: 'pay_01HZX3',
        channelReference: 'pi_3PqR2sT3uV4wX5yZ0',
        amount: 1050,
        currency: 'USD',
        occurredAt: new Date((NOW - 5) * 1000).toISOString(),
      },
    });
  });

  it('reads payment_intent.payment_failed as a failed payment, in Stripe units rescaled', () => {
    const payload = event(
      'payment_intent.payment_failed',
      intent('requires_payment_method', { amount: 500, currency: 'isk' }),
    );
    const read = readStripeEvent(signed(payload), payload, [SECRET], NOW);
    assert.equal(read.kind, 'outcome');
    if (read.kind !== 'outcome') return;
    assert.equal(read.event.outcome, 'failed');
    assert.equal(read.event.amount, 5);
    assert.equal(read.event.currency, 'ISK');
  });

  it('reads refund.updated succeeded and failed, and ignores a pending one', () => {
    const refund = (status: string) => ({
      id: 're_3PqR2sT3uV4wX5yZ1',
      object: 'refund',
      amount: 300,
      currency: 'jpy',
      status,
      payment_intent: 'pi_3PqR2sT3uV4wX5yZ0',
      metadata: { reference: 're_01HZX4' },
    });
    for (const [status, outcome] of [
      ['succeeded', 'succeeded'],
      ['failed', 'failed'],
    ] as const) {
      const payload = event('refund.updated', refund(status));
      const read = readStripeEvent(signed(payload), payload, [SECRET], NOW);
      assert.equal(read.kind, 'outcome');
      if (read.kind !== 'outcome') return;
      assert.deepEqual(
        { subject: read.event.subject, outcome: read.event.outcome, reference: read.event.reference },
        { subject: 'refund', outcome, reference: 're_01HZX4' },
      );
      assert.equal(read.event.amount, 300);
    }
    const pending = event('refund.updated', refund('pending'));
    assert.equal(readStripeEvent(signed(pending), pending, [SECRET], NOW).kind, 'ignored');
  });

  it("reads an event carrying only the contract's fields, dated by its signature's t", () => {
    // Prepare: no created, no status on the PaymentIntent
    const payload = JSON.stringify({
      id: 'evt_min',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_1', amount: 700, currency: 'EUR', metadata: { reference: 'pay_7' } } },
    });
    // Act
    const read = readStripeEvent(signed(payload, SECRET, NOW - 10), payload, [SECRET], NOW);
    // Assess
    assert.equal(read.kind === 'outcome' && read.event.occurredAt, new Date((NOW - 10) * 1000).toISOString());
    assert.equal(read.kind === 'outcome' && read.event.currency, 'EUR');
  });

  it('acknowledges events it does not act on, and objects that are not ours', () => {
    const other = event('charge.succeeded', { id: 'ch_1' });
    assert.deepEqual(readStripeEvent(signed(other), other, [SECRET], NOW), {
      kind: 'ignored',
      eventId: 'evt_1PqR2sT3uV4wX5yZ',
      type: 'charge.succeeded',
    });
    const foreign = event('payment_intent.succeeded', intent('succeeded', { metadata: {} }));
    assert.equal(readStripeEvent(signed(foreign), foreign, [SECRET], NOW).kind, 'ignored');
  });

  it('accepts a header with several v1 while the secret rotates, under either secret', () => {
    // Prepare: Stripe signs with the old and the new secret during a roll
    const payload = event('payment_intent.succeeded', intent('succeeded'));
    const oldHeader = stripe.webhooks.generateTestHeaderString({
      payload,
      secret: 'whsec_old',
      timestamp: NOW,
    });
    const newHeader = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: NOW });
    const both = `${oldHeader},${newHeader.split(',')[1]}`;
    // Act / Assess: only the old, only the new, or both configured
    for (const secrets of [['whsec_old'], [SECRET], [SECRET, 'whsec_old']]) {
      assert.equal(readStripeEvent({ 'stripe-signature': both }, payload, secrets, NOW).kind, 'outcome');
    }
    assert.throws(
      () => readStripeEvent({ 'stripe-signature': both }, payload, ['whsec_other'], NOW),
      refusal('mismatch'),
    );
  });

  it('refuses a missing, forged, tampered, stale or malformed signature', () => {
    const payload = event('payment_intent.succeeded', intent('succeeded'));
    assert.throws(() => readStripeEvent({}, payload, [SECRET], NOW), refusal('missing'));
    assert.throws(
      () => readStripeEvent(signed(payload, 'whsec_forged'), payload, [SECRET], NOW),
      refusal('mismatch'),
    );
    const tampered = payload.replace('1050', '105000');
    assert.throws(() => readStripeEvent(signed(payload), tampered, [SECRET], NOW), refusal('mismatch'));
    assert.throws(
      () => readStripeEvent(signed(payload, SECRET, NOW - 301), payload, [SECRET], NOW),
      refusal('stale'),
    );
    assert.equal(readStripeEvent(signed(payload, SECRET, NOW - 300), payload, [SECRET], NOW).kind, 'outcome');
    assert.throws(
      () => readStripeEvent({ 'Stripe-Signature': 'v1=abc' }, payload, [SECRET], NOW),
      refusal('malformed'),
    );
  });

  it('gives the same redelivered event the same event id, so applying it twice is a no-op', () => {
    const payload = event('payment_intent.succeeded', intent('succeeded'));
    const first = readStripeEvent(signed(payload, SECRET, NOW - 60), payload, [SECRET], NOW);
    const again = readStripeEvent(signed(payload, SECRET, NOW), payload, [SECRET], NOW);
    assert.deepEqual(first, again);
  });

  it('refuses a verified body that is not a Stripe event', () => {
    for (const payload of ['not json', '{"id":"evt_1"}', event('payment_intent.succeeded', { id: 'pi_1' })]) {
      assert.throws(() => readStripeEvent(signed(payload), payload, [SECRET], NOW), refusal('malformed'));
    }
  });

  it('signs the way stripe-node verifies (our header accepted by constructEvent)', () => {
    const payload = event('payment_intent.succeeded', intent('succeeded'));
    const ours = signatureHeader(['whsec_old', SECRET], NOW, payload);
    const verified = stripe.webhooks.constructEvent(payload, ours, SECRET, 300, undefined, NOW * 1000);
    assert.equal(verified.id, 'evt_1PqR2sT3uV4wX5yZ');
  });
});

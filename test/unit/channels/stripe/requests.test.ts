/**
 * The requests we send to Stripe, and reading its answers. stripe-node export used:
 * `queryStringifyRequestData` (esm/utils.js, the form encoder stripe-node sends request bodies with),
 * loaded by path since the package does not export it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queryStringifyRequestData } from '../../../../node_modules/stripe/esm/utils.js';
import {
  createPaymentIntent,
  createRefund,
  formEncode,
  retrievePaymentIntent,
} from '../../../../shared/channels/stripe/requests.js';
import { readQuery, readSubmission } from '../../../../shared/channels/stripe/responses.js';

const credentials = { secretKey: 'sk_test_local_stripe', apiBase: 'http://127.0.0.1:4242' };
const reply = (status: number, body: unknown) => ({ status, headers: {}, body: JSON.stringify(body) });

describe('Stripe requests', () => {
  it('creates a PaymentIntent form-encoded, with our id as metadata[reference] and Idempotency-Key', () => {
    // Act
    const request = createPaymentIntent(credentials, {
      reference: 'pay_01HZX3',
      amount: 1050,
      currency: 'USD',
      description: "Order #7 (gift) — l'été!",
      metadata: { sandbox_outcome: 'succeed' },
    });
    // Assess
    assert.equal(request.method, 'POST');
    assert.equal(request.url, 'http://127.0.0.1:4242/v1/payment_intents');
    assert.deepEqual(request.headers, {
      authorization: 'Bearer sk_test_local_stripe',
      'content-type': 'application/x-www-form-urlencoded',
      'idempotency-key': 'pay_01HZX3',
    });
    const expected = queryStringifyRequestData({
      amount: 1050,
      currency: 'usd',
      description: "Order #7 (gift) — l'été!",
      metadata: { sandbox_outcome: 'succeed', reference: 'pay_01HZX3' },
    });
    assert.equal(request.body, expected);
    assert.match(request.body ?? '', /metadata\[reference\]=pay_01HZX3/);
  });

  it('encodes nested parameters byte for byte as stripe-node does', () => {
    const params = { a: 'x y&z=1', m: { 'k[1]': "it's (*)!", n: { deep: 'é' } }, n: 3, t: true };
    assert.equal(formEncode(params), queryStringifyRequestData(params));
  });

  it('sends amounts in Stripe units (ISK as two-decimal)', () => {
    const request = createPaymentIntent(credentials, { reference: 'pay_1', amount: 5, currency: 'ISK' });
    assert.match(request.body ?? '', /^amount=500&currency=isk&/);
  });

  it('creates a refund of a PaymentIntent, idempotent on our re_ id', () => {
    const request = createRefund(credentials, {
      reference: 're_01HZX4',
      paymentIntent: 'pi_3PqR',
      amount: 300,
      currency: 'JPY',
    });
    assert.equal(request.url, 'http://127.0.0.1:4242/v1/refunds');
    assert.equal(request.headers['idempotency-key'], 're_01HZX4');
    assert.equal(request.body, 'payment_intent=pi_3PqR&amount=300&metadata[reference]=re_01HZX4');
  });

  it('retrieves a PaymentIntent by its id, without a body', () => {
    const request = retrievePaymentIntent({ secretKey: 'sk_live_x' }, 'pi_3PqR');
    assert.deepEqual(request, {
      method: 'GET',
      url: 'https://api.stripe.com/v1/payment_intents/pi_3PqR',
      headers: { authorization: 'Bearer sk_live_x' },
    });
  });
});

describe("Stripe's answers", () => {
  it('reads an accepted PaymentIntent and its state', () => {
    assert.deepEqual(readSubmission(reply(200, { id: 'pi_1', status: 'processing' })), {
      kind: 'accepted',
      channelReference: 'pi_1',
      state: 'pending',
    });
    assert.equal((readSubmission(reply(200, { id: 'pi_1', status: 'succeeded' })) as any).state, 'succeeded');
  });

  it('reads a card decline as declined, with its decline code', () => {
    const declined = reply(402, {
      error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
      },
    });
    assert.deepEqual(readSubmission(declined), {
      kind: 'declined',
      code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
  });

  it('tells a request Stripe did not take from one it may have taken', () => {
    for (const status of [401, 403, 429, 503])
      assert.equal(readSubmission(reply(status, {})).kind, 'unavailable');
    for (const status of [409, 500, 502, 504])
      assert.equal(readSubmission(reply(status, {})).kind, 'unknown');
    assert.equal(readSubmission({ status: 200, headers: {}, body: '<html>' }).kind, 'unknown');
  });

  it('reads a query: found in our units, not found, or unknown', () => {
    assert.deepEqual(
      readQuery(reply(200, { id: 'pi_1', amount: 500, currency: 'isk', status: 'canceled' }), 'ISK'),
      {
        kind: 'found',
        state: 'failed',
        channelReference: 'pi_1',
        amount: 5,
        currency: 'ISK',
      },
    );
    assert.deepEqual(readQuery(reply(404, { error: { code: 'resource_missing' } }), 'USD'), {
      kind: 'not_found',
    });
    assert.equal(readQuery(reply(500, {}), 'USD').kind, 'unknown');
    assert.equal(readQuery(reply(503, {}), 'USD').kind, 'unavailable');
  });
});

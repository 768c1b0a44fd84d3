/**
 * Merchant webhooks through the local runtime: table stream → publisher → bus → webhook queue →
 * consumer → a receiver on 127.0.0.1 that verifies `Payments-Signature` with the secret it was given,
 * answers 500 to the first delivery and 200 afterwards, and so sees the retry (same event id) within
 * 30 s. The deliveries list shows both attempts; another merchant's endpoint receives nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { isProblem, MERCHANT_2, uniqueKey } from '../support/http.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

const e2e = useLocalRuntime();

describe('merchant webhooks', () => {
  it('refuses a registration without Idempotency-Key, or with a URL that is neither https nor loopback', async () => {
    const noKey = await e2e.api.post('/v1/webhook-endpoints', { url: 'https://merchant.example/hooks' });
    assert.ok(isProblem(noKey, 400), noKey.text);
    const plainHttp = await e2e.api.post(
      '/v1/webhook-endpoints',
      { url: 'http://merchant.example/hooks' },
      { idempotencyKey: uniqueKey() },
    );
    assert.ok(isProblem(plainHttp, 400), plainHttp.text);
    assert.equal(plainHttp.body.errors?.[0]?.path, 'url');
  });

  it('returns the secret once per registration, and the same answer to a retry with the same key', async () => {
    const key = uniqueKey();
    const body = { url: 'https://merchant.example/hooks', events: ['refund.succeeded'] };
    const first = await e2e.api.post('/v1/webhook-endpoints', body, { idempotencyKey: key });
    assert.equal(first.status, 201, first.text);
    assert.match(first.body.id, /^we_/);
    assert.match(first.body.secret, /^whsec_/);
    assert.equal(first.body.url, body.url);
    const retry = await e2e.api.post('/v1/webhook-endpoints', body, { idempotencyKey: key });
    assert.equal(retry.status, 201);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
  });

  it('delivers signed events, retries a 500 with the same event id within 30 s, lists both attempts, and keeps merchants apart', async () => {
    // Prepare: merchant 1's receiver fails its first delivery; merchant 2 has an endpoint too
    const receiver = await startWebhookReceiver([500]);
    const otherReceiver = await startWebhookReceiver();
    try {
      const registered = await e2e.api.post(
        '/v1/webhook-endpoints',
        { url: receiver.url },
        { idempotencyKey: uniqueKey() },
      );
      assert.equal(registered.status, 201, registered.text);
      receiver.setSecret(registered.body.secret);
      const other = await e2e.api.post(
        '/v1/webhook-endpoints',
        { url: otherReceiver.url },
        { idempotencyKey: uniqueKey(), key: MERCHANT_2.key },
      );
      assert.equal(other.status, 201, other.text);
      otherReceiver.setSecret(other.body.secret);

      // Act
      const created = await e2e.api.createPayment({
        amount: 4200,
        currency: 'USD',
        metadata: { sandbox_outcome: 'succeed' },
      });
      assert.equal(created.status, 201, created.text);
      const paymentId = created.body.id;

      // Assess: the first delivery (500), then the same event again, answered 200
      const first = await eventually(() => receiver.deliveries[0], 30_000, 'a first delivery');
      assert.equal(first.status, 500);
      assert.ok(first.verified, 'Payments-Signature verifies with the endpoint secret');
      assert.match(first.body.id, /^evt_/);
      assert.equal(first.body.data.object.id, paymentId);
      const retry = await eventually(
        () => receiver.deliveries.slice(1).find((d) => d.body.id === first.body.id),
        30_000,
        'the retry of the first event',
      );
      assert.ok(retry.at - first.at <= 30_000, `retry after ${retry.at - first.at} ms`);
      assert.equal(retry.status, 200);
      assert.ok(retry.verified);
      assert.deepEqual(retry.body, first.body, 'a retry carries the same payload');
      const types = await eventually(
        () => {
          const seen = receiver.deliveries.map((d) => d.body.type);
          return seen.includes('payment.succeeded') ? seen : undefined;
        },
        30_000,
        'payment.succeeded',
      );
      assert.ok(types.includes('payment.created'));
      for (const d of receiver.deliveries) assert.ok(d.verified);

      const listed = await e2e.api.get(`/v1/webhook-endpoints/${registered.body.id}/deliveries?limit=100`);
      assert.equal(listed.status, 200, listed.text);
      const attempts = listed.body.data.filter((d: any) => d.eventId === first.body.id);
      assert.deepEqual(
        attempts.map((d: any) => [d.attempt, d.outcome, d.responseStatus]),
        [
          [2, 'succeeded', 200],
          [1, 'failed', 500],
        ],
      );

      // Merchant 2's endpoint saw none of merchant 1's events, and cannot read merchant 1's deliveries
      assert.equal(otherReceiver.deliveries.length, 0);
      const foreign = await e2e.api.get(`/v1/webhook-endpoints/${registered.body.id}/deliveries`, {
        key: MERCHANT_2.key,
      });
      assert.ok(isProblem(foreign, 404), foreign.text);
    } finally {
      await Promise.all([receiver.close(), otherReceiver.close()]);
    }
  });
});

/**
 * The gateway controls as one merchant's story, through the local runtime and nothing else: ops onboard a
 * merchant and issue it a key; the merchant takes a payment with it; past the limits ops set it is
 * throttled (429 with Retry-After); once ops require signing, an unsigned request is refused and a signed
 * one served; a card number in a signed payment's description is refused naming the field; and its monthly
 * statement bills what it did, from its metered usage.
 *
 * Containers cache limits (1 s, plus a lease of ≤ 1 s) and the signing requirement (2 s): after each PUT
 * the test waits a little longer than that.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { isProblem, type Reply, requestSignature, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime({ logSubscriptions: { batchWindowMs: 200 } });
const PROBLEMS = 'https://payments.example/problems/';
const PAN = '4242-4242-4242-4242';
const CACHES_EXPIRED_MS = 2_500;

describe('a merchant through the gateway, from onboarding to its monthly statement', () => {
  it('is onboarded, pays, is throttled, signs, is refused card data, and is billed for it', async () => {
    // Ops onboard the merchant and issue its key.
    const created = await e2e.ops.post(
      '/v1/ops/merchants',
      { name: 'Scenario GmbH', country: 'DE', expectedMonthlyVolume: { EUR: 2_000_000 } },
      { idempotencyKey: uniqueKey('onboard') },
    );
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.status, 'pending_review');
    const id: string = created.body.id;
    const approved = await e2e.ops.post(`/v1/ops/merchants/${id}/review`, {
      decision: 'approve',
      riskRating: 'low',
      note: 'documents checked',
    });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.body.status, 'active');
    const issued = await e2e.ops.post(`/v1/ops/merchants/${id}/api-keys`, undefined, {
      idempotencyKey: uniqueKey('key'),
    });
    assert.equal(issued.status, 201, issued.text);
    const key: string = issued.body.secret;
    const as = (
      method: string,
      path: string,
      options: { body?: string; headers?: Record<string, string> } = {},
    ) => e2e.api.request(method, path, { key, ...options });

    // The merchant takes a payment, which succeeds at its channel.
    const paid = await e2e.api.post(
      '/v1/payments',
      { amount: 1_250, currency: 'EUR', description: 'order 1' },
      { key, idempotencyKey: uniqueKey('pay') },
    );
    assert.equal(paid.status, 201, paid.text);
    await eventually(
      async () =>
        (await as('GET', `/v1/payments/${paid.body.id}`)).body.status === 'succeeded' ? true : undefined,
      15_000,
      'the payment succeeds',
    );

    // Past the limits ops set, it is throttled with Retry-After; then the defaults come back. The list
    // route's environments and those of the gateway's flow-lease (which takes the route's leases) are
    // started first, at the default limits: a cold start takes seconds here, longer than a route waits
    // for a lease before it admits anyway (fail open), which would let the burst below through.
    await Promise.all(Array.from({ length: 10 }, () => as('GET', '/v1/payments?limit=1')));
    const limits = `/v1/ops/merchants/${id}/limits`;
    assert.equal(
      (await e2e.ops.request('PUT', limits, { body: { requestsPerSecond: 1, burst: 2 } })).status,
      200,
    );
    await sleep(CACHES_EXPIRED_MS);
    const burst = await Promise.all(Array.from({ length: 10 }, () => as('GET', '/v1/payments?limit=1')));
    const throttled = burst.filter((r) => r.status === 429);
    assert.ok(throttled.length >= 1, burst.map((r) => r.status).join());
    assert.ok(burst.filter((r) => r.status === 200).length <= 4, burst.map((r) => r.status).join());
    for (const r of throttled) {
      assert.match(r.body.type, /\/rate-limited$/);
      assert.match(r.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    }
    assert.equal((await e2e.ops.request('PUT', limits, { body: {} })).status, 200);
    await sleep(CACHES_EXPIRED_MS);

    // Ops require signing: unsigned is refused, signed is served.
    const signing = await e2e.ops.request('PUT', `/v1/ops/merchants/${id}/request-signing`, {
      body: { required: true },
    });
    assert.equal(signing.status, 200, signing.text);
    const secret: string = signing.body.secret;
    await sleep(CACHES_EXPIRED_MS);
    const signed = (method: string, path: string, body = ''): Promise<Reply> =>
      as(method, path, {
        ...(body ? { body } : {}),
        headers: {
          'payments-request-signature': requestSignature(secret, method, path, body),
          ...(method === 'POST' ? { 'idempotency-key': uniqueKey('signed') } : {}),
        },
      });
    const unsigned = await as('GET', '/v1/payments?limit=1');
    assert.ok(isProblem(unsigned, 401), unsigned.text);
    assert.equal(unsigned.body.type, `${PROBLEMS}invalid-request-signature`);
    assert.equal((await signed('GET', '/v1/payments?limit=1')).status, 200);

    // A card number in a signed payment's description is refused, naming the field, never echoing it.
    const carded = await signed(
      'POST',
      '/v1/payments',
      JSON.stringify({ amount: 500, currency: 'EUR', description: `card ${PAN}` }),
    );
    assert.ok(isProblem(carded, 400), carded.text);
    assert.equal(carded.body.type, `${PROBLEMS}card-data-refused`);
    assert.match(carded.text, /description/);
    assert.ok(!carded.text.replaceAll(/\D/g, '').includes(PAN.replaceAll('-', '')));

    // Its monthly statement bills the payment it created and the requests it made, from the metered usage.
    const prices = await e2e.ops.request('PUT', '/v1/ops/billing/prices', {
      body: { currency: 'USD', perRequest: { '*': 100 }, perPayment: 30 },
    });
    assert.equal(prices.status, 200, prices.text);
    const month = new Date().toISOString().slice(0, 7);
    const statement = await eventually(
      async () => {
        await e2e.runtime.flushLogs();
        const reply = await signed('GET', `/v1/billing/statements/${month}`);
        assert.equal(reply.status, 200, reply.text);
        const lines = reply.body.lines as { description: string; quantity: number }[];
        const requests = lines
          .filter((l) => l.description.startsWith('API requests'))
          .reduce((n, l) => n + l.quantity, 0);
        // At least: the create, the polls, the burst (its 429s too), the signing checks, the refusal.
        return requests >= 1 + 1 + 10 + 2 + 1 ? reply : undefined;
      },
      15_000,
      'the statement counts the merchant’s requests',
    );
    const lines = statement.body.lines as { description: string; quantity: number; amount: number }[];
    const payments = lines.find((l) => l.description === 'Payments created');
    assert.equal(payments?.quantity, 1, JSON.stringify(lines));
    assert.equal(payments?.amount, 30);
    assert.equal(
      statement.body.total,
      lines.reduce((n, l) => n + l.amount, 0),
    );
    const refusedCreate = lines.find(
      (l) => l.description === 'API requests: POST /v1/payments (price per 1,000)',
    );
    assert.equal(refusedCreate?.quantity, 2, 'the payment and the refused one with card data');
  });
});

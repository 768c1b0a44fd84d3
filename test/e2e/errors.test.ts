/**
 * Every error path of the contract, over HTTP: auth, tenant isolation, validation, idempotency.
 * Each answer must be a problem+json 4xx, never a 5xx, and nothing may be written by a refused request.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useLocalRuntime } from '../support/e2e.js';
import { Api, isProblem, MERCHANT_2, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime();

const valid = { amount: 1050, currency: 'USD' };

describe('authentication and tenant isolation', () => {
  it('answers 401 problem+json without an API key', async () => {
    const r = await e2e.api.get('/v1/payments', { key: null });
    assert.ok(isProblem(r, 401), `${r.status} ${r.text}`);
  });

  it('answers 401 problem+json for an unknown API key', async () => {
    const r = await e2e.api.createPayment(valid, { key: 'sk_test_nope' });
    assert.ok(isProblem(r, 401), `${r.status} ${r.text}`);
  });

  it('answers 401 for a malformed Authorization header', async () => {
    const r = await e2e.api.get('/v1/payments', { key: null, headers: { authorization: 'Basic abc' } });
    assert.ok(isProblem(r, 401), `${r.status} ${r.text}`);
  });

  it("answers 404 for another merchant's payment and refunds, exactly as for a missing one", async () => {
    const mine = await e2e.api.createPayment(valid);
    const other = new Api(e2e.runtime.url, MERCHANT_2.key);
    const seen = await other.get(`/v1/payments/${mine.body.id}`);
    const missing = await other.get('/v1/payments/pay_doesnotexist');
    assert.ok(isProblem(seen, 404), seen.text);
    assert.ok(isProblem(missing, 404), missing.text);
    assert.equal(seen.body.title, missing.body.title);
    const refunds = await other.get(`/v1/payments/${mine.body.id}/refunds`);
    assert.ok(isProblem(refunds, 404), refunds.text);
    const refund = await other.post(
      `/v1/payments/${mine.body.id}/refunds`,
      {},
      { idempotencyKey: uniqueKey() },
    );
    assert.ok(isProblem(refund, 404), refund.text);
  });
});

describe('validation', () => {
  const cases: Array<[string, unknown, string]> = [
    ['an unknown field', { ...valid, amout: 1 }, ''],
    ['a zero amount', { amount: 0, currency: 'USD' }, 'amount'],
    ['a negative amount', { amount: -5, currency: 'USD' }, 'amount'],
    ['a fractional amount', { amount: 10.5, currency: 'USD' }, 'amount'],
    ['an amount above 10^12', { amount: 1_000_000_000_001, currency: 'USD' }, 'amount'],
    ['an amount as a string', { amount: '1050', currency: 'USD' }, 'amount'],
    ['a lower-case currency', { amount: 1050, currency: 'usd' }, 'currency'],
    ['an unknown currency', { amount: 1050, currency: 'XYZ' }, 'currency'],
    ['a missing currency', { amount: 1050 }, 'currency'],
    ['an unknown channel', { ...valid, channel: 'paypal' }, 'channel'],
    ['a description over 500 characters', { ...valid, description: 'x'.repeat(501) }, 'description'],
    [
      'more than 20 metadata pairs',
      { ...valid, metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) },
      'metadata',
    ],
    ['a non-string metadata value', { ...valid, metadata: { a: 1 } }, 'metadata.a'],
    ['an invalid customer email', { ...valid, customer: { email: 'not-an-email' } }, 'customer.email'],
    ['an unknown customer field', { ...valid, customer: { phone: '1' } }, 'customer'],
    ['an array body', [valid], ''],
  ];
  for (const [name, body, path] of cases) {
    it(`refuses ${name} with 400 naming the field`, async () => {
      const r = await e2e.api.createPayment(body as Record<string, unknown>);
      assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
      if (path) {
        assert.ok(Array.isArray(r.body.errors), r.text);
        assert.ok(
          r.body.errors.some((e: any) => e.path === path || e.path.startsWith(`${path}.`)),
          `expected an error at ${path}: ${r.text}`,
        );
      }
    });
  }

  it('refuses malformed JSON with 400', async () => {
    const r = await e2e.api.post('/v1/payments', '{"amount": 10', { idempotencyKey: uniqueKey() });
    assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
  });

  it('refuses a create without Idempotency-Key with 400', async () => {
    const r = await e2e.api.post('/v1/payments', valid);
    assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
  });

  it('refuses an Idempotency-Key over 255 characters with 400', async () => {
    const r = await e2e.api.post('/v1/payments', valid, { idempotencyKey: 'k'.repeat(256) });
    assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
  });

  it('refuses a refund with an invalid amount or unknown field with 400', async () => {
    const p = await e2e.api.createPayment(valid);
    for (const body of [{ amount: 0 }, { amount: 1.5 }, { amount: 'all' }, { amount: 10, note: 'x' }]) {
      const r = await e2e.api.post(`/v1/payments/${p.body.id}/refunds`, body, {
        idempotencyKey: uniqueKey(),
      });
      assert.ok(isProblem(r, 400), `${JSON.stringify(body)} → ${r.status} ${r.text}`);
    }
  });

  for (const q of [
    'limit=0',
    'limit=101',
    'limit=abc',
    'limit=1.5',
    'cursor=%%%',
    'cursor=bm90LWEtY3Vyc29y',
    'status=done',
  ]) {
    it(`refuses a list with ${q} with 400`, async () => {
      const r = await e2e.api.get(`/v1/payments?${q}`);
      assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
    });
  }

  it('stores nothing for a request refused by validation: the same key then works', async () => {
    const key = uniqueKey();
    const bad = await e2e.api.post('/v1/payments', { amount: -1, currency: 'USD' }, { idempotencyKey: key });
    assert.equal(bad.status, 400);
    const good = await e2e.api.post('/v1/payments', valid, { idempotencyKey: key });
    assert.equal(good.status, 201, good.text);
  });
});

describe('idempotency', () => {
  it('replays the first response for the same key and body, with Idempotent-Replayed: true', async () => {
    const key = uniqueKey();
    const first = await e2e.api.post('/v1/payments', valid, { idempotencyKey: key });
    assert.equal(first.status, 201);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    await e2e.api.waitForPayment(first.body.id, (x) => x.status === 'succeeded');
    const again = await e2e.api.post('/v1/payments', valid, { idempotencyKey: key });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
  });

  it('answers 422 for the same key with a different body', async () => {
    const key = uniqueKey();
    await e2e.api.post('/v1/payments', valid, { idempotencyKey: key });
    const r = await e2e.api.post('/v1/payments', { ...valid, amount: 2000 }, { idempotencyKey: key });
    assert.ok(isProblem(r, 422), `${r.status} ${r.text}`);
  });

  it('scopes keys per merchant', async () => {
    const key = uniqueKey();
    const a = await e2e.api.post('/v1/payments', valid, { idempotencyKey: key });
    const b = await new Api(e2e.runtime.url, MERCHANT_2.key).post('/v1/payments', valid, {
      idempotencyKey: key,
    });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.notEqual(a.body.id, b.body.id);
    assert.equal(b.headers.get('idempotent-replayed'), null);
  });

  it('replays a business refusal as it was, even after the payment changed', async () => {
    const p = await e2e.api.createPayment({ amount: 700, currency: 'USD' });
    const key = uniqueKey();
    const refused = await e2e.api.post(
      `/v1/payments/${p.body.id}/refunds`,
      { amount: 100 },
      { idempotencyKey: key },
    );
    await e2e.api.waitForPayment(p.body.id, (x) => x.status === 'succeeded');
    const replay = await e2e.api.post(
      `/v1/payments/${p.body.id}/refunds`,
      { amount: 100 },
      { idempotencyKey: key },
    );
    if (refused.status === 409) {
      assert.equal(replay.status, 409);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, refused.body);
    } else {
      // The callback won the race: the first answer was a success, replayed as such.
      assert.equal(refused.status, 201);
      assert.equal(replay.status, 201);
      assert.deepEqual(replay.body, refused.body);
    }
  });

  it('replays a refund for the same key and refuses the key on another payment', async () => {
    const p = await e2e.api.createPayment({ amount: 900, currency: 'USD' });
    await e2e.api.waitForPayment(p.body.id, (x) => x.status === 'succeeded');
    const key = uniqueKey();
    const first = await e2e.api.post(
      `/v1/payments/${p.body.id}/refunds`,
      { amount: 100 },
      { idempotencyKey: key },
    );
    const again = await e2e.api.post(
      `/v1/payments/${p.body.id}/refunds`,
      { amount: 100 },
      { idempotencyKey: key },
    );
    assert.equal(first.status, 201, first.text);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
    const list = await e2e.api.get(`/v1/payments/${p.body.id}/refunds`);
    assert.equal(list.body.data.length, 1);
    const q = await e2e.api.createPayment({ amount: 900, currency: 'USD' });
    const reused = await e2e.api.post(
      `/v1/payments/${q.body.id}/refunds`,
      { amount: 100 },
      { idempotencyKey: key },
    );
    assert.ok(isProblem(reused, 422), `${reused.status} ${reused.text}`);
  });
});

describe('routing', () => {
  it('answers 404 for an unknown route', async () => {
    const r = await e2e.api.get('/v1/nothing-here');
    assert.equal(r.status, 404);
  });
});

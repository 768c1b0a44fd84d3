/**
 * Every error path of the contract, over HTTP: auth, tenant isolation, validation, idempotency, routing,
 * and hostile input (key names, oversize ids, SSRF targets, number spellings, bytes that are not UTF-8).
 * Each answer must be a problem+json 4xx, never a 5xx, and nothing may be written by a refused request;
 * what is accepted comes back exactly as sent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPS_KEY, useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { Api, isProblem, MERCHANT_1, MERCHANT_2, uniqueKey } from '../support/http.js';
import { templateRouteKeys } from '../support/routes.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';

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
  it('answers a 404 problem for an unknown route', async () => {
    const r = await e2e.api.get('/v1/nothing-here');
    assert.ok(isProblem(r, 404), `${r.status} ${r.text}`);
  });

  it('answers a 405 problem with Allow for a known path asked with another method', async () => {
    const r = await e2e.api.request('DELETE', '/v1/payments');
    assert.ok(isProblem(r, 405), `${r.status} ${r.text}`);
    assert.equal(r.headers.get('allow'), 'GET, POST');
  });

  it('answers 404, never a 5xx, for an id over any key size on every API route of the template', async () => {
    const long = 'a'.repeat(3000);
    // The API's routes; `/console/{proxy+}` answers the console's page for any path of it (its own router
    // shows what is not found), as a single-page app's deep links need.
    const keyed = templateRouteKeys().filter((key) => key.includes('{') && key.includes(' /v1/'));
    assert.ok(keyed.length >= 15, keyed.join());
    for (const routeKey of keyed) {
      const [method = 'GET', path = ''] = routeKey.split(' ');
      const r = await e2e.api.request(method, path.replace(/\{[^}]+\}/g, long), {
        key: path.startsWith('/v1/ops/') ? OPS_KEY : undefined,
        idempotencyKey: uniqueKey(),
        ...(method === 'GET' ? {} : { body: {} }),
      });
      assert.ok(isProblem(r, 404), `${routeKey} → ${r.status} ${r.text.slice(0, 200)}`);
    }
  });
});

describe('hostile input', () => {
  const HOSTILE_KEYS = [
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'a.b',
    '#',
    'é😀',
    'valueOf',
  ];
  /** JSON.parse keeps `__proto__` as an own key; JSON.stringify then sends it as one. */
  const hostileMetadata = JSON.parse(
    JSON.stringify(Object.fromEntries(HOSTILE_KEYS.map((k) => [k, `v ${k}`]))),
  );

  it('stores any metadata key name and gives it back exactly: create, get, list, webhook', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const endpoint = await e2e.api.post(
        '/v1/webhook-endpoints',
        { url: receiver.url },
        { idempotencyKey: uniqueKey() },
      );
      assert.equal(endpoint.status, 201, endpoint.text);
      const sent = JSON.stringify(hostileMetadata);
      const created = await e2e.api.createPayment({ ...valid, metadata: hostileMetadata });
      assert.equal(created.status, 201, created.text);
      assert.equal(JSON.stringify(created.body.metadata), sent);
      const read = await e2e.api.get(`/v1/payments/${created.body.id}`);
      assert.equal(JSON.stringify(read.body.metadata), sent);
      const listed = await e2e.api.get('/v1/payments?limit=20');
      const inList = listed.body.data.find((p: { id: string }) => p.id === created.body.id);
      assert.equal(JSON.stringify(inList?.metadata), sent);
      const delivered = await eventually(() =>
        receiver.deliveries.find((d) => d.body?.data?.object?.id === created.body.id),
      );
      assert.equal(JSON.stringify(delivered.body.data.object.metadata), sent);
    } finally {
      await receiver.close();
    }
  });

  it('refuses an object under __proto__ in metadata with 400 naming it', async () => {
    const body = JSON.parse('{"amount":1050,"currency":"USD","metadata":{"__proto__":{"a":"b"}}}');
    const r = await e2e.api.createPayment(body);
    assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
    assert.equal(r.body.errors?.[0]?.path, 'metadata.__proto__', r.text);
  });

  it('refuses a __proto__ currency in a risk profile limit with 400 naming it', async () => {
    const body = '{"singleTransactionLimit":{"__proto__":{"USD":5}}}';
    const r = await e2e.api.request('PUT', '/v1/ops/merchants/m_demo_1/risk-profile', { key: OPS_KEY, body });
    assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
    assert.equal(r.body.errors?.[0]?.path, 'singleTransactionLimit.__proto__', r.text);
  });

  it('takes query names that are Object.prototype names as ordinary (unknown) fields', async () => {
    const r = await e2e.api.get('/v1/payments?constructor=x');
    assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
    assert.equal(r.body.errors?.[0]?.path, 'constructor', r.text);
  });

  for (const q of ['limit=0x10', 'limit=1e1', 'limit=%2016%20', 'limit=%2B16', 'limit=16.0']) {
    it(`refuses a list with ${q} with 400`, async () => {
      const r = await e2e.api.get(`/v1/payments?${q}`);
      assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
    });
  }

  for (const url of [
    'https://127.0.0.2:9/',
    'https://[::1]:9/',
    'https://0.0.0.0:9/',
    'https://localhost.:9/',
    'https://169.254.169.254/',
    'https://10.0.0.1/',
    'https://[::ffff:169.254.169.254]/',
    'https://2130706433/',
    'https://merchant.example/hooks',
  ]) {
    it(`refuses the webhook endpoint ${url} with 400 naming url`, async () => {
      const r = await e2e.api.post('/v1/webhook-endpoints', { url }, { idempotencyKey: uniqueKey() });
      assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
      assert.equal(r.body.errors?.[0]?.path, 'url', r.text);
    });
  }

  it('refuses a JSON body that is not UTF-8 with 400 naming the string', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"amount":1050,"currency":"USD","description":"caf'),
      Buffer.from([0xe9, 0x22, 0x7d]),
    ]);
    const r = await rawPost('/v1/payments', bytes, 'application/json', MERCHANT_1.key);
    assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
    assert.deepEqual(r.body.errors, [{ path: 'description', message: 'is not valid UTF-8' }]);
  });

  it('refuses a statement upload that is not UTF-8 with 400 naming the line', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const header = 'channel_reference,reference,type,amount,currency,status,fee,occurred_at\n';
    const bytes = Buffer.concat([
      Buffer.from(`${header}ch_1,pay_x,payment,100,USD,succeeded,0,${day}T00:00:00Z,`),
      Buffer.from([0xff, 0x0a]),
    ]);
    const r = await rawPost(
      `/v1/ops/reconciliation/statements?channel=sandbox&date=${day}`,
      bytes,
      'text/csv',
      OPS_KEY,
    );
    assert.ok(isProblem(r, 400), `${r.status} ${r.text}`);
    assert.deepEqual(r.body.errors, [{ path: 'line 2', message: 'is not valid UTF-8' }]);
  });
});

async function rawPost(path: string, body: Buffer, contentType: string, key: string) {
  const res = await fetch(`${e2e.runtime.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': contentType, 'idempotency-key': uniqueKey() },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
}

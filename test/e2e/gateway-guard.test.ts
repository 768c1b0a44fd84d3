/**
 * The gateway guard over HTTP, through the local runtime: request signing turned on and off by ops (an
 * unsigned, stale or tampered request refused 401, a signed one served), card numbers refused in a
 * payment's description and metadata, a refund's reason and a query (400 naming the field, nothing
 * created), and the security headers on every kind of answer.
 *
 * Merchant routes read the signing requirement through a 2 s per-container cache: after each PUT the
 * tests wait a little longer than that.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { useLocalRuntime } from '../support/e2e.js';
import {
  isProblem,
  MERCHANT_1,
  MERCHANT_2,
  type Reply,
  requestSignature,
  uniqueKey,
} from '../support/http.js';

const e2e = useLocalRuntime();
const SIGNING_TTL_WAIT_MS = 2_300;
const signingPath = (merchantId: string) => `/v1/ops/merchants/${merchantId}/request-signing`;
const PROBLEMS = 'https://payments.example/problems/';
const PAN = '4111 1111 1111 1111';

const now = () => Math.floor(Date.now() / 1000);

/** A merchant 2 request, signed with `secret` at `t` unless `signature` says otherwise. */
function asMerchant2(
  method: string,
  path: string,
  options: { body?: string; secret?: string; t?: number; signature?: string; idempotencyKey?: string } = {},
): Promise<Reply> {
  const body = options.body ?? '';
  const headers: Record<string, string> = {};
  const signature =
    options.signature ??
    (options.secret ? requestSignature(options.secret, method, path, body, options.t ?? now()) : undefined);
  if (signature) headers['payments-request-signature'] = signature;
  return e2e.api2.request(method, path, {
    headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  });
}

function assertRefusedSignature(reply: Reply) {
  assert.ok(isProblem(reply, 401), reply.text);
  assert.equal(reply.body.type, `${PROBLEMS}invalid-request-signature`);
}

describe('request signing', () => {
  it('refuses unsigned, stale and tampered requests of a merchant that signs, serves signed ones, and stops when turned off', async () => {
    // Prepare: ops turn signing on for merchant 2.
    const on = await e2e.ops.request('PUT', signingPath(MERCHANT_2.id), { body: { required: true } });
    const again = await e2e.ops.request('PUT', signingPath(MERCHANT_2.id), { body: { required: true } });
    assert.equal(on.status, 200, on.text);
    const secret: string = on.body.secret;
    assert.match(secret, /^rss_[A-Za-z0-9_-]{43}$/);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { required: true }, 'the secret is shown once');
    await sleep(SIGNING_TTL_WAIT_MS);
    const createBody = JSON.stringify({ amount: 1050, currency: 'USD', description: 'signed' });

    // Act
    const unsigned = await asMerchant2('GET', '/v1/payments?limit=2');
    const signedList = await asMerchant2('GET', '/v1/payments?limit=2', { secret });
    const signedCreate = await asMerchant2('POST', '/v1/payments', {
      body: createBody,
      secret,
      idempotencyKey: uniqueKey('signed'),
    });
    const stale = await asMerchant2('GET', '/v1/payments?limit=2', { secret, t: now() - 301 });
    const future = await asMerchant2('GET', '/v1/payments?limit=2', { secret, t: now() + 301 });
    const otherQuery = await asMerchant2('GET', '/v1/payments?limit=3', {
      signature: requestSignature(secret, 'GET', '/v1/payments?limit=2', '', now()),
    });
    const otherBody = await asMerchant2('POST', '/v1/payments', {
      body: createBody,
      signature: requestSignature(secret, 'POST', '/v1/payments', createBody.replace('1050', '9999'), now()),
      idempotencyKey: uniqueKey('tampered'),
    });
    const wrongSecret = await asMerchant2('GET', '/v1/payments?limit=2', { secret: 'rss_not_the_secret' });
    const rolling = await asMerchant2('GET', '/v1/payments?limit=2', {
      signature: `${requestSignature('rss_old', 'GET', '/v1/payments?limit=2', '', now())},v1=${requestSignature(secret, 'GET', '/v1/payments?limit=2', '', now()).split('v1=')[1]}`,
    });
    const merchant1 = await e2e.api.get('/v1/payments?limit=1');
    const ops = await e2e.ops.get(`/v1/ops/merchants/${MERCHANT_2.id}/routing`);

    // Assess
    for (const refused of [unsigned, stale, future, otherQuery, otherBody, wrongSecret])
      assertRefusedSignature(refused);
    assert.equal(signedList.status, 200, signedList.text);
    assert.equal(signedCreate.status, 201, signedCreate.text);
    assert.equal(rolling.status, 200, 'one matching v1 among several is enough');
    assert.equal(merchant1.status, 200, 'another merchant is not asked to sign');
    assert.equal(ops.status, 200, 'ops keys do not sign');

    // Act: turned off again.
    const off = await e2e.ops.request('PUT', signingPath(MERCHANT_2.id), { body: { required: false } });
    await sleep(SIGNING_TTL_WAIT_MS);
    const afterOff = await asMerchant2('GET', '/v1/payments?limit=2');
    // Assess
    assert.equal(off.status, 200);
    assert.deepEqual(off.body, { required: false });
    assert.equal(afterOff.status, 200, afterOff.text);
  });

  it('answers 404 for an unknown merchant and 400 for a body that is not { required: boolean }', async () => {
    const unknown = await e2e.ops.request('PUT', signingPath('m_nobody'), { body: { required: true } });
    const invalid = await e2e.ops.request('PUT', signingPath(MERCHANT_1.id), { body: { required: 'yes' } });
    const merchantKey = await e2e.api.request('PUT', signingPath(MERCHANT_1.id), {
      body: { required: true },
    });
    assert.ok(isProblem(unknown, 404), unknown.text);
    assert.ok(isProblem(invalid, 400), invalid.text);
    assert.ok(isProblem(merchantKey, 403), merchantKey.text);
  });
});

describe('card data refused', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['description', { description: `Card ${PAN}, exp 12/30` }, 'description'],
    ['metadata', { metadata: { order: '1001', note: `pan: ${PAN.replaceAll(' ', '-')}` } }, 'metadata.note'],
  ];
  for (const [where, extra, path] of cases) {
    it(`refuses a payment with a card number in its ${where}, naming ${path}, and creates nothing`, async () => {
      // Act
      const key = uniqueKey('pan');
      const refused = await e2e.api.createPayment(
        { amount: 1050, currency: 'USD', ...extra },
        { idempotencyKey: key },
      );
      const retried = await e2e.api.createPayment({ amount: 1050, currency: 'USD' }, { idempotencyKey: key });
      // Assess
      assert.ok(isProblem(refused, 400), refused.text);
      assert.equal(refused.body.type, `${PROBLEMS}card-data-refused`);
      assert.deepEqual(refused.body.errors, [{ path, message: 'holds a card number' }]);
      assert.ok(!refused.text.replace(/[\s-]/g, '').includes('4111111111111111'), 'never echoed');
      assert.equal(retried.status, 201, 'the key holds nothing: the refused request was not stored');
      assert.equal(retried.headers.get('idempotent-replayed'), null);
    });
  }

  it('refuses a refund whose reason holds a card number, and refunds nothing', async () => {
    // Prepare
    const created = await e2e.api.createPayment({ amount: 2000, currency: 'USD' });
    assert.equal(created.status, 201, created.text);
    await e2e.api.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    // Act
    const refused = await e2e.api.post(
      `/v1/payments/${created.body.id}/refunds`,
      { amount: 500, reason: `refund to card ${PAN}` },
      { idempotencyKey: uniqueKey('refund') },
    );
    const refunds = await e2e.api.get(`/v1/payments/${created.body.id}/refunds`);
    // Assess
    assert.ok(isProblem(refused, 400), refused.text);
    assert.equal(refused.body.type, `${PROBLEMS}card-data-refused`);
    assert.deepEqual(refused.body.errors, [{ path: 'reason', message: 'holds a card number' }]);
    assert.deepEqual(refunds.body.data, []);
  });

  it('refuses a card number in a query string parameter', async () => {
    const refused = await e2e.api.get('/v1/payments?cursor=4111111111111111');
    assert.ok(isProblem(refused, 400), refused.text);
    assert.deepEqual(refused.body.errors, [{ path: 'cursor', message: 'holds a card number' }]);
  });
});

describe('security headers', () => {
  it('are on 200, 201, 400, 401, 404 and 405 answers, problems and successes alike', async () => {
    // Act
    const answers: Array<[number, Reply]> = [
      [200, await e2e.api.get('/health', { key: null })],
      [200, await e2e.api.get('/v1/payments?limit=1')],
      [201, await e2e.api.createPayment({ amount: 1050, currency: 'USD' })],
      [400, await e2e.api.createPayment({ amount: -1, currency: 'USD' })],
      [401, await e2e.api.get('/v1/payments', { key: null })],
      [404, await e2e.api.get('/v1/payments/pay_abcdefghijklmnopqrstuvwxyz')],
      [404, await e2e.api.get('/v1/no-such-route')],
      [405, await e2e.api.request('DELETE', '/v1/payments')],
    ];
    // Assess
    for (const [status, reply] of answers) {
      assert.equal(reply.status, status, reply.text);
      assert.equal(reply.headers.get('strict-transport-security'), 'max-age=63072000; includeSubDomains');
      assert.equal(reply.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(reply.headers.get('cache-control'), 'no-store');
    }
  });
});

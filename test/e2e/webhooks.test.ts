/**
 * Channel callbacks over HTTP: forged, stale and missing signatures change nothing; duplicates and
 * out-of-order deliveries apply once; an amount that disagrees never marks a payment succeeded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useLocalRuntime } from '../support/e2e.js';
import { isProblem, postSandboxCallback, sandboxSignature, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime();

/** A payment the sandbox will never call back for, so the test drives its callbacks. */
async function quietPayment(amount = 5000, currency = 'USD') {
  const r = await e2e.api.createPayment({ amount, currency, metadata: { sandbox_outcome: 'none' } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

function event(type: string, reference: string, amount: number, currency = 'USD') {
  return {
    id: `evt_${uniqueKey('e').replace(/[^A-Za-z0-9]/g, '')}`,
    type,
    data: {
      reference,
      channelReference: `ch_${reference}`,
      amount,
      currency,
      occurredAt: new Date().toISOString(),
    },
  };
}

describe('sandbox callbacks', () => {
  it('refuses a callback without a signature with 401 and changes nothing', async () => {
    const p = await quietPayment();
    const r = await postSandboxCallback(e2e.runtime.url, event('payment.succeeded', p.id, p.amount), null);
    assert.equal(r.status, 401);
    assert.equal((await e2e.api.get(`/v1/payments/${p.id}`)).body.status, 'processing');
  });

  it('refuses a forged signature with 401 and changes nothing', async () => {
    const p = await quietPayment();
    const e = event('payment.succeeded', p.id, p.amount);
    const r = await postSandboxCallback(
      e2e.runtime.url,
      e,
      sandboxSignature(JSON.stringify(e), 'whsec_wrong'),
    );
    assert.equal(r.status, 401);
    assert.equal((await e2e.api.get(`/v1/payments/${p.id}`)).body.status, 'processing');
  });

  it('refuses a signature over another body with 401', async () => {
    const p = await quietPayment();
    const e = event('payment.succeeded', p.id, p.amount);
    const r = await postSandboxCallback(
      e2e.runtime.url,
      e,
      sandboxSignature(JSON.stringify({ ...e, id: 'evt_other' })),
    );
    assert.equal(r.status, 401);
  });

  it('refuses a signature more than 300 s old or ahead with 401', async () => {
    const p = await quietPayment();
    const e = event('payment.succeeded', p.id, p.amount);
    const now = Math.floor(Date.now() / 1000);
    for (const t of [now - 301, now + 301]) {
      const r = await postSandboxCallback(
        e2e.runtime.url,
        e,
        sandboxSignature(JSON.stringify(e), undefined, t),
      );
      assert.equal(r.status, 401);
    }
    assert.equal((await e2e.api.get(`/v1/payments/${p.id}`)).body.status, 'processing');
  });

  it('accepts a signature among several v1 values (secret rotation)', async () => {
    const p = await quietPayment();
    const e = event('payment.succeeded', p.id, p.amount);
    const raw = JSON.stringify(e);
    const t = Math.floor(Date.now() / 1000);
    const good = sandboxSignature(raw, undefined, t).split(',v1=')[1];
    const wrong = sandboxSignature(raw, 'whsec_old', t).split(',v1=')[1];
    const r = await postSandboxCallback(e2e.runtime.url, e, `t=${t},v1=${wrong},v1=${good}`);
    assert.ok(r.status >= 200 && r.status < 300, `${r.status} ${r.text}`);
    await e2e.api.waitForPayment(p.id, (x) => x.status === 'succeeded');
  });

  it('applies a duplicate delivery once and answers 200 again', async () => {
    const p = await quietPayment();
    const e = event('payment.succeeded', p.id, p.amount);
    const first = await postSandboxCallback(e2e.runtime.url, e);
    assert.ok(first.status >= 200 && first.status < 300, first.text);
    // Wait for the risk assessment too: it also updates the payment (and its updatedAt).
    const succeeded = await e2e.api.waitForPayment(
      p.id,
      (x) => x.status === 'succeeded' && x.risk !== undefined,
    );
    const second = await postSandboxCallback(e2e.runtime.url, e);
    assert.equal(second.status, 200, second.text);
    const after = await e2e.api.get(`/v1/payments/${p.id}`);
    assert.equal(after.body.updatedAt, succeeded.updatedAt);
  });

  it('ignores a failure notice that arrives after the payment succeeded', async () => {
    const p = await quietPayment();
    await postSandboxCallback(e2e.runtime.url, event('payment.succeeded', p.id, p.amount));
    await e2e.api.waitForPayment(p.id, (x) => x.status === 'succeeded');
    const late = await postSandboxCallback(e2e.runtime.url, event('payment.failed', p.id, p.amount));
    assert.equal(late.status, 200, late.text);
    assert.equal((await e2e.api.get(`/v1/payments/${p.id}`)).body.status, 'succeeded');
  });

  it('does not mark a payment succeeded when the channel reports another amount or currency', async () => {
    const p = await quietPayment(5000, 'USD');
    const amount = await postSandboxCallback(e2e.runtime.url, event('payment.succeeded', p.id, 4999));
    const currency = await postSandboxCallback(
      e2e.runtime.url,
      event('payment.succeeded', p.id, 5000, 'EUR'),
    );
    assert.ok(amount.status >= 200 && amount.status < 300, amount.text);
    assert.ok(currency.status >= 200 && currency.status < 300, currency.text);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal((await e2e.api.get(`/v1/payments/${p.id}`)).body.status, 'processing');
  });

  it('applies a refund failure once and releases its amount', async () => {
    const p = await quietPayment(3000);
    await postSandboxCallback(e2e.runtime.url, event('payment.succeeded', p.id, 3000));
    await e2e.api.waitForPayment(p.id, (x) => x.status === 'succeeded');
    const refund = await e2e.api.post(
      `/v1/payments/${p.id}/refunds`,
      { amount: 1000 },
      { idempotencyKey: uniqueKey() },
    );
    assert.equal(refund.status, 201, refund.text);
    assert.equal((await e2e.api.get(`/v1/payments/${p.id}`)).body.amountRefunded, 1000);
    const failure = event('refund.failed', refund.body.id, 1000);
    assert.equal((await postSandboxCallback(e2e.runtime.url, failure)).status, 200);
    assert.equal((await postSandboxCallback(e2e.runtime.url, failure)).status, 200);
    const payment = await e2e.api.waitForPayment(p.id, (x) => x.amountRefunded === 0);
    assert.equal(payment.amountRefunded, 0);
    const refunds = await e2e.api.get(`/v1/payments/${p.id}/refunds`);
    assert.equal(refunds.body.data[0].status, 'failed');
    // The released amount can be refunded again, in full.
    const again = await e2e.api.post(`/v1/payments/${p.id}/refunds`, {}, { idempotencyKey: uniqueKey() });
    assert.equal(again.body.amount, 3000);
  });

  it('refuses a callback for an unknown channel with a 4xx problem', async () => {
    const e = event('payment.succeeded', 'pay_unknown', 1);
    const raw = JSON.stringify(e);
    const res = await fetch(`${e2e.runtime.url}/v1/channels/nopay/callbacks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sandbox-signature': sandboxSignature(raw) },
      body: raw,
    });
    assert.ok(res.status >= 400 && res.status < 500);
    const body = { status: res.status, headers: res.headers, body: await res.json() };
    assert.ok(isProblem(body, res.status));
  });
});

/**
 * Risk before over HTTP, through the local runtime: the ops profile routes, and creates refused by the
 * profile (blocklists, frequency) with 422 risk-rejected, no payment stored.
 *
 * create-payment caches a merchant's profile for RISK_PROFILE_TTL_MS (1 s): after each PUT the tests wait
 * a little longer than that before creating.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RISK_PROFILE } from '../../shared/schemas/risk-profile.js';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { isProblem, MERCHANT_1, MERCHANT_2, uniqueKey } from '../support/http.js';

const profilePath = (merchantId: string) => `/v1/ops/merchants/${merchantId}/risk-profile`;
const PROFILE_TTL_WAIT_MS = 1_100;

const e2e = useLocalRuntime();

async function putProfile(merchantId: string, profile: Record<string, unknown>) {
  const r = await e2e.ops.request('PUT', profilePath(merchantId), { body: profile });
  assert.equal(r.status, 200, r.text);
  await sleep(PROFILE_TTL_WAIT_MS);
  return r;
}

describe('ops risk profile routes', () => {
  it('answers the documented defaults for a merchant that never set a profile, a valid PUT body', async () => {
    // Act
    const r = await e2e.ops.get(profilePath(MERCHANT_2.id));
    const back = await e2e.ops.request('PUT', profilePath(MERCHANT_2.id), { body: r.body });
    // Assess
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, DEFAULT_RISK_PROFILE);
    assert.match(r.headers.get('risk-rating') ?? '', /^standard; fraud-reports-30d=0$/);
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.body, DEFAULT_RISK_PROFILE);
  });

  it('refuses a merchant key (403) and no key (401)', async () => {
    const merchant = await e2e.api.get(profilePath(MERCHANT_1.id));
    const anonymous = await e2e.ops.request('PUT', profilePath(MERCHANT_1.id), { key: null, body: {} });
    assert.ok(isProblem(merchant, 403), merchant.text);
    assert.ok(isProblem(anonymous, 401), anonymous.text);
  });

  it('answers 400 naming the fields of an invalid profile, and stores nothing', async () => {
    // Act
    const unknownField = await e2e.ops.request('PUT', profilePath(MERCHANT_2.id), {
      body: { singleTransactionLimit: { USD: 100 }, dailyLimit: { USD: 1 } },
    });
    const inverted = await e2e.ops.request('PUT', profilePath(MERCHANT_2.id), {
      body: { reviewScore: 90, rejectScore: 80 },
    });
    const badLimit = await e2e.ops.request('PUT', profilePath(MERCHANT_2.id), {
      body: { dailyAmountLimit: { USD: -5, usd: 10 } },
    });
    const after = await e2e.ops.get(profilePath(MERCHANT_2.id));
    // Assess
    assert.ok(isProblem(unknownField, 400), unknownField.text);
    assert.deepEqual(unknownField.body.errors, [{ path: 'dailyLimit', message: 'is not a known field' }]);
    assert.ok(isProblem(inverted, 400), inverted.text);
    assert.deepEqual(
      inverted.body.errors.map((e: { path: string }) => e.path),
      ['rejectScore'],
    );
    assert.ok(isProblem(badLimit, 400), badLimit.text);
    assert.deepEqual(after.body, DEFAULT_RISK_PROFILE);
  });

  it('answers 404 for a merchant that does not exist', async () => {
    const get = await e2e.ops.get(profilePath('m_nobody'));
    const put = await e2e.ops.request('PUT', profilePath('m_nobody'), { body: {} });
    assert.ok(isProblem(get, 404), get.text);
    assert.ok(isProblem(put, 404), put.text);
  });
});

describe('before-checks on create', () => {
  it('refuses a blocklisted customer with 422 risk-rejected and reasons, replays it, and stores no payment', async () => {
    // Prepare
    const stored = await putProfile(MERCHANT_1.id, {
      blockedCustomers: ['cus_fraudster'],
      blockedEmails: ['Fraud@Example.com'],
    });
    assert.deepEqual(stored.body.blockedCustomers, ['cus_fraudster']);
    const body = {
      amount: 4200,
      currency: 'USD',
      customer: { id: 'cus_fraudster', email: 'fraud@example.com', country: 'US' },
    };
    const idempotencyKey = uniqueKey('risk');
    const summaryPath = `/v1/ops/merchants/${MERCHANT_1.id}/risk-summary?date=${new Date().toISOString().slice(0, 10)}`;
    const refusedBefore = (await e2e.ops.get(summaryPath)).body.refusedBefore;
    // Act
    const refused = await e2e.api.createPayment(body, { idempotencyKey });
    const replay = await e2e.api.createPayment(body, { idempotencyKey });
    const allowed = await e2e.api.createPayment({ ...body, customer: { id: 'cus_fine' } });
    const list = await e2e.api.get('/v1/payments?limit=100');
    // Assess
    assert.ok(isProblem(refused, 422), refused.text);
    assert.match(refused.body.type, /\/risk-rejected$/);
    assert.deepEqual(refused.body.reasons, ['blocked_customer', 'blocked_email']);
    assert.equal(replay.status, 422);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(replay.text, refused.text);
    assert.equal(allowed.status, 201, allowed.text);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.filter((p: { customer: { id?: string } | null }) => p.customer?.id === 'cus_fraudster'),
      [],
    );
    // The ops daily summary counts the refusal once (the replay is not a second attempt). Risk counts it
    // from an asynchronous invocation (count-refusal), so it shows shortly after the 422; a moment later
    // it still shows once.
    await eventually(
      async () => {
        const body = (await e2e.ops.get(summaryPath)).body;
        return body.refusedBefore > refusedBefore ? body : undefined;
      },
      10_000,
      'the refusal in the risk summary',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const summary = await e2e.ops.get(summaryPath);
    assert.equal(summary.body.refusedBefore, refusedBefore + 1, summary.text);
    assert.equal(summary.body.amounts.refusedBefore.USD >= 4200, true, summary.text);
  });

  it('allows N payments of a customer per minute and refuses the N+1th', async () => {
    // Prepare
    await putProfile(MERCHANT_1.id, { customerPaymentsPerMinute: 3 });
    // Keep the N+1 creates inside one UTC minute (the counter's window).
    const second = new Date().getUTCSeconds();
    if (second > 50) await sleep((61 - second) * 1000);
    // Base 36: a 13-digit timestamp could pass Luhn and be refused as a card number.
    const customer = { id: `cus_freq_${Date.now().toString(36)}` };
    // Act
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await e2e.api.createPayment({ amount: 1000 + i, currency: 'USD', customer }));
    const otherCustomer = await e2e.api.createPayment({
      amount: 1000,
      currency: 'USD',
      customer: { id: 'cus_other' },
    });
    // Assess
    assert.deepEqual(
      answers.map((a) => a.status),
      [201, 201, 201, 422],
      answers.map((a) => a.text).join('\n'),
    );
    assert.deepEqual(answers[3]?.body.reasons, ['customer_frequency_limit']);
    assert.equal(otherCustomer.status, 201, otherCustomer.text);
  });
});

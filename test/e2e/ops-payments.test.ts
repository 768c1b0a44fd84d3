/**
 * The ops payment search and an ops payment, end to end through the local runtime (docs/contract.md,
 * "Ops console"): across merchants newest first, narrowed by merchant, status, channel and review, paged
 * with an exact cursor; `reviewStatus` from null to held to released; ops key only; problems on bad input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OPS_KEY, useLocalRuntime } from '../support/e2e.js';
import { isProblem, MERCHANT_1, MERCHANT_2, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime();
const ops = { key: OPS_KEY };

/** Every page of an ops search, the ids in the order they came. */
async function searchAll(query: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await e2e.api.get(`/v1/ops/payments?limit=${limit}${query}${suffix}`, ops);
    assert.equal(page.status, 200, page.text);
    assert.ok(page.body.data.length <= limit);
    ids.push(...page.body.data.map((p: { id: string }) => p.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}

describe('ops payments (local runtime)', () => {
  it('searches across merchants newest first, narrowed by merchant, status and channel, page by page', async () => {
    // Prepare: payments of two merchants, one of them failed by the sandbox.
    const mine: string[] = [];
    for (const amount of [1_001, 1_002, 1_003]) {
      const created = await e2e.api.createPayment({ amount, currency: 'USD', channel: 'sandbox' });
      assert.equal(created.status, 201, created.text);
      mine.push(created.body.id as string);
    }
    const failing = await e2e.api.createPayment(
      { amount: 1_004, currency: 'USD', channel: 'sandbox', metadata: { sandbox_outcome: 'fail' } },
      { key: MERCHANT_2.key },
    );
    assert.equal(failing.status, 201, failing.text);
    await e2e.api.waitForPayment(failing.body.id, (p) => p.status === 'failed', 30_000, {
      key: MERCHANT_2.key,
    });

    // Act
    const all = await searchAll('', 100);
    const paged = await searchAll('', 2);
    const first = await e2e.api.get(`/v1/ops/payments?merchantId=${MERCHANT_1.id}&limit=3`, ops);
    const ofMerchant2 = await searchAll(`&merchantId=${MERCHANT_2.id}`, 5);
    const failed = await searchAll('&status=failed&channel=sandbox', 10);
    const elsewhere = await searchAll(`&merchantId=${MERCHANT_2.id}&channel=stripe`, 10);

    // Assess
    assert.deepEqual(paged, all, 'paging yields the same payments in the same order');
    assert.ok(all.indexOf(failing.body.id) < all.indexOf(mine[2] as string), 'newest first');
    assert.ok(all.indexOf(mine[2] as string) < all.indexOf(mine[0] as string));
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(
      first.body.data.map((p: { id: string }) => p.id),
      [...mine].reverse(),
    );
    assert.ok(
      first.body.data.every((p: { reviewStatus: unknown; merchantId: string }) => p.reviewStatus === null),
    );
    assert.ok(ofMerchant2.includes(failing.body.id));
    assert.ok(!ofMerchant2.some((id) => mine.includes(id)));
    assert.ok(failed.includes(failing.body.id));
    assert.ok(!failed.some((id) => mine.includes(id)));
    assert.deepEqual(elsewhere, []);
  });

  it('shows a held payment in the review queue until ops release it, with its reviewStatus', async () => {
    // Prepare: a fraud report blocklists an email; a near-miss of it, new and high, is held for review.
    const local = uniqueKey('eve').replace(/[^a-z0-9]/gi, '');
    const reported = await e2e.api.createPayment({
      amount: 1_000,
      currency: 'USD',
      customer: { id: uniqueKey('cus'), email: `${local}@gmail.com` },
    });
    assert.equal(reported.status, 201, reported.text);
    const report = await e2e.api.post(
      `/v1/payments/${reported.body.id}/fraud-reports`,
      { reason: 'card holder disputed' },
      { idempotencyKey: uniqueKey('fr') },
    );
    assert.equal(report.status, 201, report.text);
    const created = await e2e.api.createPayment({
      amount: 150_000,
      currency: 'USD',
      customer: { id: uniqueKey('cus'), email: `${local.slice(0, 3)}.${local.slice(3)}+2@gmail.com` },
      metadata: { sandbox_outcome: 'succeed' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    await e2e.api.waitForPayment(id, (p) => p.risk && p.status === 'succeeded', 30_000);
    await e2e.api.waitForPayment(reported.body.id, (p) => p.risk, 30_000);

    // Act
    const never = await e2e.api.get(`/v1/ops/payments/${reported.body.id}`, ops);
    const held = await e2e.api.get(`/v1/ops/payments/${id}`, ops);
    const queue = await searchAll('&risk=review', 50);
    const queueOfMerchant2 = await searchAll(`&risk=review&merchantId=${MERCHANT_2.id}`, 50);
    const released = await e2e.api.post(`/v1/ops/payments/${id}/review`, { decision: 'release' }, ops);
    const after = await e2e.api.get(`/v1/ops/payments/${id}`, ops);
    const queueAfter = await searchAll('&risk=review', 50);

    // Assess
    assert.equal(never.status, 200, never.text);
    assert.equal(never.body.reviewStatus, null, 'never held');
    assert.equal(held.status, 200, held.text);
    assert.equal(held.body.merchantId, MERCHANT_1.id);
    assert.equal(held.body.reviewStatus, 'held', held.text);
    assert.equal(held.body.risk.decision, 'review');
    assert.ok(queue.includes(id), 'the held payment is in the review queue');
    assert.ok(!queue.includes(reported.body.id));
    assert.ok(!queueOfMerchant2.includes(id));
    assert.equal(released.status, 200, released.text);
    assert.equal(after.body.reviewStatus, 'released');
    assert.ok(!queueAfter.includes(id), 'a released payment leaves the review queue');
  });

  it('answers ops keys only, and problems for bad input', async () => {
    const id = 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa';
    const asMerchant = await e2e.api.get('/v1/ops/payments');
    const oneAsMerchant = await e2e.api.get(`/v1/ops/payments/${id}`);
    const anonymous = await e2e.api.get('/v1/ops/payments', { key: null });
    const missing = await e2e.api.get(`/v1/ops/payments/${id}`, ops);
    const notAnId = await e2e.api.get('/v1/ops/payments/re_abc', ops);
    const bad = await Promise.all(
      [
        'limit=0',
        'limit=101',
        'risk=approve',
        'status=paid',
        'channel=paypal',
        'merchantId=%20',
        'cursor=not-a-cursor',
        'unknown=1',
      ].map((query) => e2e.api.get(`/v1/ops/payments?${query}`, ops)),
    );
    const merchantCursor = (await e2e.api.get('/v1/payments?limit=1')).body.nextCursor;

    assert.ok(isProblem(asMerchant, 403), asMerchant.text);
    assert.ok(isProblem(oneAsMerchant, 403), oneAsMerchant.text);
    assert.ok(isProblem(anonymous, 401), anonymous.text);
    assert.ok(isProblem(missing, 404), missing.text);
    assert.ok(isProblem(notAnId, 404), notAnId.text);
    for (const reply of bad) assert.ok(isProblem(reply, 400), reply.text);
    if (merchantCursor) {
      const foreign = await e2e.api.get(`/v1/ops/payments?cursor=${encodeURIComponent(merchantCursor)}`, ops);
      assert.ok(isProblem(foreign, 400), foreign.text);
    }
  });
});

/**
 * Flow control through the local runtime: the ops limits routes (defaults, validation, unknown merchant),
 * and a merchant throttled under concurrent load spread over two functions and several execution
 * environments of each (worker threads, as Lambda runs containers) that share its one bucket: 429
 * rate-limited with an honest Retry-After past its limits, while the other demo merchant is not slowed.
 *
 * Each container caches a merchant's limits for 1 s and holds a lease for at most 1 s: after a PUT the
 * tests wait a little longer than both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalMetering } from '../../local/src/metering.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/src/runtime.js';
import { MAX_BURST, MAX_REQUESTS_PER_SECOND } from '../../shared/domain/flow/token-bucket.js';
import { OPS_KEY } from '../support/e2e.js';
import { Api, isProblem, MERCHANT_1, MERCHANT_2, type Reply } from '../support/http.js';

const limitsPath = (merchantId: string) => `/v1/ops/merchants/${merchantId}/limits`;
const LIMITS_APPLIED_MS = 2_100;
const DEFAULTS = { requestsPerSecond: 100, burst: 200 };

let runtime: LocalRuntime | undefined;
const metering = new LocalMetering();
let api: Api;
let api2: Api;
let ops: Api;

before(async () => {
  runtime = await startLocalRuntime({ port: 0, quiet: process.env.LOCAL_RUNTIME_LOGS !== '1', metering });
  api = new Api(runtime.url, MERCHANT_1.key);
  api2 = new Api(runtime.url, MERCHANT_2.key);
  ops = new Api(runtime.url, OPS_KEY);
});
after(async () => {
  await ops?.request('PUT', limitsPath(MERCHANT_1.id), { body: {} });
  await runtime?.stop();
});

/** A merchant's read: half list, half one (unknown) payment, so that two functions serve the load. */
function read(client: Api, i: number): Promise<Reply & { at: number }> {
  const path = i % 2 === 0 ? '/v1/payments?limit=1' : '/v1/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa';
  return client.get(path).then((r) => ({ ...r, at: performance.now() }));
}

/** Execution environments started so far for the function whose logical id contains `name`. */
const environments = (name: string) =>
  Object.entries(metering.snapshot().lambda)
    .filter(([id]) => id.includes(name))
    .reduce((sum, [, tally]) => sum + tally.coldStarts, 0);

describe('ops flow limits routes', () => {
  it('answers the defaults, then what was PUT; {} resets', async () => {
    const before = await ops.get(limitsPath(MERCHANT_2.id));
    const put = await ops.request('PUT', limitsPath(MERCHANT_2.id), {
      body: { requestsPerSecond: 50, burst: 75 },
    });
    const after = await ops.get(limitsPath(MERCHANT_2.id));
    const reset = await ops.request('PUT', limitsPath(MERCHANT_2.id), { body: {} });
    assert.equal(before.status, 200, before.text);
    assert.deepEqual(before.body, DEFAULTS);
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, { requestsPerSecond: 50, burst: 75 });
    assert.deepEqual(after.body, { requestsPerSecond: 50, burst: 75 });
    assert.deepEqual(reset.body, DEFAULTS);
  });

  it('answers 400 naming the field of limits that are not positive integers within bounds', async () => {
    const cases: [unknown, string][] = [
      [{ requestsPerSecond: 0 }, 'requestsPerSecond'],
      [{ requestsPerSecond: -5 }, 'requestsPerSecond'],
      [{ burst: 1.5 }, 'burst'],
      [{ burst: '10' }, 'burst'],
      [{ requestsPerSecond: MAX_REQUESTS_PER_SECOND + 1 }, 'requestsPerSecond'],
      [{ burst: MAX_BURST + 1 }, 'burst'],
      [{ requestsPerSecond: 10, burst: 10, perKey: true }, 'perKey'],
    ];
    for (const [body, field] of cases) {
      const r = await ops.request('PUT', limitsPath(MERCHANT_2.id), { body });
      assert.ok(isProblem(r, 400), `${JSON.stringify(body)}: ${r.status} ${r.text}`);
      assert.ok(
        r.body.errors?.some((e: { path: string }) => e.path === field),
        `${JSON.stringify(body)} names ${field}: ${r.text}`,
      );
    }
    assert.deepEqual((await ops.get(limitsPath(MERCHANT_2.id))).body, DEFAULTS, 'nothing stored');
  });

  it('answers 404 for an unknown merchant, and the limits routes to ops keys only', async () => {
    assert.ok(isProblem(await ops.get(limitsPath('m_nobody')), 404));
    assert.ok(isProblem(await ops.request('PUT', limitsPath('m_nobody'), { body: {} }), 404));
    assert.ok(isProblem(await api.get(limitsPath(MERCHANT_1.id)), 403));
  });
});

describe('flow control under concurrent load', () => {
  it('throttles one merchant across functions and environments, and never the other', async () => {
    // Prepare: environments started by a first round at the default limits (a cold start takes seconds
    // here, which would stretch the burst below), then merchant 1 at 2 requests a second, bursts of 4
    await Promise.all(Array.from({ length: 40 }, (_, i) => read(api, i)));
    const limits = { requestsPerSecond: 2, burst: 4 };
    assert.equal((await ops.request('PUT', limitsPath(MERCHANT_1.id), { body: limits })).status, 200);
    await sleep(LIMITS_APPLIED_MS);
    // Act: 40 requests of merchant 1 at once, and 20 of merchant 2 alongside
    const started = performance.now();
    const [first, second] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, (_, i) => read(api, i))),
      Promise.all(Array.from({ length: 20 }, (_, i) => read(api2, i))),
    ]);
    const elapsedS = (Math.max(...first.map((r) => r.at)) - started) / 1000;
    // Assess: merchant 1 within its bucket, refused with problem+json and Retry-After
    const admitted = first.filter((r) => r.status !== 429);
    const refused = first.filter((r) => r.status === 429);
    assert.ok(
      admitted.every((r) => r.status === 200 || r.status === 404),
      admitted.map((r) => r.status).join(),
    );
    assert.ok(admitted.length >= 1, 'some were admitted');
    assert.ok(refused.length >= 1, `none refused in ${elapsedS.toFixed(2)} s`);
    assert.ok(
      admitted.length <= limits.burst + limits.requestsPerSecond * elapsedS,
      `${admitted.length} admitted in ${elapsedS.toFixed(2)} s`,
    );
    for (const r of refused) {
      assert.ok(isProblem(r, 429), r.text);
      assert.match(r.body.type, /\/rate-limited$/);
      const retryAfter = r.headers.get('retry-after') ?? '';
      assert.match(retryAfter, /^[1-9]\d*$/, 'whole seconds ≥ 1');
    }
    // Merchant 2 not refused, and the load really ran on more than one environment
    assert.deepEqual(
      second.filter((r) => r.status === 429).map((r) => r.text),
      [],
    );
    const list = environments('ListPaymentsFunction');
    const get = environments('GetPaymentFunction');
    assert.ok(list >= 1 && get >= 1 && list + get >= 3, `${list} + ${get} environments`);
  });

  it('admits the merchant again once its Retry-After has passed', async () => {
    // Prepare: drain what is left
    let refusal: Reply | undefined;
    for (let i = 0; i < 20 && !refusal; i++) {
      const r = await read(api, i);
      if (r.status === 429) refusal = r;
    }
    assert.ok(refusal, 'refused once the bucket is empty');
    // Act
    await sleep(Number(refusal.headers.get('retry-after')) * 1000);
    const again = await read(api, 0);
    // Assess
    assert.equal(again.status, 200, again.text);
  });

  it('does not limit ops keys or the health route', async () => {
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, () => ops.get(limitsPath(MERCHANT_1.id))),
      ...Array.from({ length: 10 }, () => api.get('/health', { key: null })),
    ]);
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(20).fill(200),
    );
  });
});

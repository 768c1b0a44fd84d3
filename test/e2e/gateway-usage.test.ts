/**
 * Usage metering and billing through the local runtime: every answer to a merchant key is counted once by
 * route and outcome, exactly, with concurrent requests of two merchants and every log batch delivered twice
 * (the runtime's at-least-once mode); the ops usage route and its validation; the price list; the
 * merchant's monthly statement computed from the same counts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { type Api, isProblem, MERCHANT_1, MERCHANT_2, uniqueKey } from '../support/http.js';

const e2e = useLocalRuntime({ logSubscriptions: { batchWindowMs: 200, deliverTwice: true } });

const TODAY = new Date().toISOString().slice(0, 10);
const usagePath = (merchantId: string, query = '') => `/v1/ops/merchants/${merchantId}/usage${query}`;

interface UsageRow {
  date: string;
  route: string;
  requests: number;
  errors: number;
}
type Counts = Record<string, { requests: number; errors: number }>;

async function usageOf(merchantId: string): Promise<Counts> {
  const r = await e2e.ops.get(usagePath(merchantId, `?from=${TODAY}&to=${TODAY}`));
  assert.equal(r.status, 200, r.text);
  const counts: Counts = {};
  for (const row of r.body.data as UsageRow[])
    counts[row.route] = { requests: row.requests, errors: row.errors };
  return counts;
}

/**
 * Waits until the merchant's counts are `expected` (log batches travel for a moment), and stay so.
 * @returns how long they took to show (batches are delivered by their window, not flushed).
 */
async function expectUsage(merchantId: string, expected: Counts): Promise<number> {
  const started = Date.now();
  let shownAfter = 0;
  await eventually(
    async () => {
      const counts = await usageOf(merchantId);
      if (JSON.stringify(counts) === JSON.stringify(sorted(expected))) {
        shownAfter = Date.now() - started;
        return counts;
      }
      return undefined;
    },
    15_000,
    `usage of ${merchantId} = ${JSON.stringify(expected)}`,
    50,
  ).catch(async (error) => {
    assert.deepEqual(await usageOf(merchantId), sorted(expected), String(error));
  });
  // Nothing arrives later (a second delivery of a batch adds nothing).
  await new Promise((r) => setTimeout(r, 500));
  await e2e.runtime.flushLogs();
  assert.deepEqual(await usageOf(merchantId), sorted(expected));
  return shownAfter;
}

function sorted(counts: Counts): Counts {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** What `traffic(api, n)` counts. */
const expected = (n: number): Counts => ({
  'GET /v1/payments': { requests: n / 4, errors: 0 },
  'GET /v1/payments/{id}': { requests: n / 4, errors: n / 4 },
  'POST /v1/payments': { requests: n / 2, errors: n / 4 },
});
const N1 = 80;
const N2 = 48;

/**
 * Runs `tasks` with at most `limit` in flight. Unbounded bursts would start a cold environment per request
 * on this shared machine, and a request that outlives its function's timeout is never answered by it, so
 * never metered (docs/architecture.md, "Usage metering and billing": what is not counted).
 */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** A mix of answers, 8 in flight at a time: created, read, not found, refused by validation. */
async function traffic(api: Api, n: number): Promise<number[]> {
  const calls: (() => Promise<{ status: number }>)[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) calls.push(() => api.createPayment({ amount: 1000 + i, currency: 'USD' }));
    else if (kind === 1) calls.push(() => api.get('/v1/payments?limit=1'));
    else if (kind === 2) calls.push(() => api.get('/v1/payments/pay_doesnotexist'));
    else calls.push(() => api.post('/v1/payments', { amount: 5, currency: 'USD' })); // no Idempotency-Key: 400
  }
  return (await pool(calls, 8)).map((r) => r.status);
}

describe('usage metering through the local runtime', () => {
  it('counts every request of two merchants exactly once by route and outcome, under concurrency and double delivery', async () => {
    // Prepare
    const [n1, n2] = [N1, N2];
    // Act: both merchants at once, plus requests that are nobody's usage.
    const [s1, s2] = await Promise.all([
      traffic(e2e.api, n1),
      traffic(e2e.api2, n2),
      e2e.api.get('/v1/payments', { key: 'sk_test_unknown' }),
      e2e.api.get('/v1/payments', { key: null }),
      e2e.ops.get('/v1/ops/channels'),
      e2e.api.get('/health'),
    ]);
    // Assess
    for (const [statuses, n] of [
      [s1, n1],
      [s2, n2],
    ] as const) {
      const tally = (status: number) => statuses.filter((s) => s === status).length;
      assert.deepEqual(
        [tally(201), tally(200), tally(404), tally(400)],
        [n / 4, n / 4, n / 4, n / 4],
        String(statuses),
      );
    }
    const cold = await expectUsage(MERCHANT_1.id, expected(n1));
    await expectUsage(MERCHANT_2.id, expected(n2));
    console.log(`# usage shown ${cold} ms after the last answer (cold aggregator, batch window 200 ms)`);
  });

  it('counts refusals of a known key on any route, under the route API Gateway matched', async () => {
    // Prepare
    const before = await usageOf(MERCHANT_2.id);
    // Act: a merchant key on an ops route (403), a replayed create (201, not a second payment).
    const forbidden = await e2e.api2.get('/v1/ops/channels');
    const key = uniqueKey();
    const first = await e2e.api2.createPayment({ amount: 777, currency: 'USD' }, { idempotencyKey: key });
    const replay = await e2e.api2.createPayment({ amount: 777, currency: 'USD' }, { idempotencyKey: key });
    // Assess
    assert.equal(forbidden.status, 403);
    assert.equal(first.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    const post = before['POST /v1/payments'] ?? { requests: 0, errors: 0 };
    const lag = await expectUsage(MERCHANT_2.id, {
      ...before,
      'GET /v1/ops/channels': { requests: 1, errors: 1 },
      'POST /v1/payments': { requests: post.requests + 2, errors: post.errors },
    });
    console.log(`# usage shown ${lag} ms after the last answer (warm, batch window 200 ms)`);
  });

  it('replays a dead-lettered batch through the ops redrive, counting it once even if it was dead-lettered twice', async () => {
    // Prepare: a batch the aggregator failed (as Lambda leaves it in the DLQ: the event itself), twice.
    const before = await usageOf(MERCHANT_2.id);
    const line = JSON.stringify({
      level: 'INFO',
      message: 'api usage',
      usage: {
        merchantId: MERCHANT_2.id,
        route: 'GET /v1/payments',
        status: 503,
        at: new Date().toISOString(),
      },
    });
    const data = gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        logGroup: 'replayed',
        logStream: 's',
        subscriptionFilters: ['usage'],
        logEvents: [{ id: `replay-${Date.now()}`, timestamp: Date.now(), message: line }],
      }),
    ).toString('base64');
    const listed = await e2e.ops.get('/v1/ops/dead-letter-queues');
    const dlq = listed.body.data.find((q: { name: string }) => q.name === 'usage-aggregator');
    assert.ok(dlq, listed.text);
    for (let i = 0; i < 2; i++)
      await e2e.sqs.send(
        new SendMessageCommand({ QueueUrl: dlq.url, MessageBody: JSON.stringify({ awslogs: { data } }) }),
      );
    // Act
    const redrive = await e2e.ops.request('POST', '/v1/ops/dead-letter-queues/usage-aggregator/redrive', {
      body: {},
      idempotencyKey: uniqueKey('redrive'),
    });
    // Assess
    assert.equal(redrive.status, 202, redrive.text);
    const list = before['GET /v1/payments'] ?? { requests: 0, errors: 0 };
    await expectUsage(MERCHANT_2.id, {
      ...before,
      'GET /v1/payments': { requests: list.requests + 1, errors: list.errors + 1 },
    });
  });

  it('answers usage over a validated, bounded range of days, and 404 for an unknown merchant', async () => {
    // Act
    const defaults = await e2e.ops.get(usagePath(MERCHANT_1.id));
    const cases = await Promise.all(
      [
        '?from=2026-13-01&to=2026-12-01',
        '?from=2026-12-02&to=2026-12-01',
        '?from=2026-01-01&to=2026-12-31',
        '?day=1',
      ].map((q) => e2e.ops.get(usagePath(MERCHANT_1.id, q))),
    );
    const unknown = await e2e.ops.get(usagePath('m_nobody'));
    const asMerchant = await e2e.api.get(usagePath(MERCHANT_1.id));
    // Assess
    assert.equal(defaults.status, 200, defaults.text);
    assert.equal(defaults.body.to, TODAY);
    assert.equal(defaults.body.from, `${TODAY.slice(0, 8)}01`);
    assert.equal(
      defaults.body.totals.requests,
      (defaults.body.data as UsageRow[]).reduce((s, r) => s + r.requests, 0),
    );
    for (const r of cases) assert.ok(isProblem(r, 400), r.text);
    assert.equal(cases[0]?.body.errors[0].path, 'from');
    assert.equal(cases[2]?.body.errors[0].path, 'from');
    assert.ok(isProblem(unknown, 404), unknown.text);
    assert.ok(isProblem(asMerchant, 403), asMerchant.text);
  });
});

describe('billing through the local runtime', () => {
  const PRICES = { currency: 'USD', perRequest: { '*': 100, 'POST /v1/payments': 250 }, perPayment: 30 };

  it('stores a valid price list and refuses an invalid one, naming the field', async () => {
    // Act
    const unset = await e2e.ops.get('/v1/ops/billing/prices');
    const bad = await Promise.all(
      [
        { ...PRICES, perRequest: { 'GET /v1/nothing': 1 } },
        { ...PRICES, perPayment: -1 },
        { ...PRICES, perRequest: { '*': 1.5 } },
        { ...PRICES, currency: 'usd' },
        { ...PRICES, discount: 5 },
      ].map((body) => e2e.ops.request('PUT', '/v1/ops/billing/prices', { body })),
    );
    const put = await e2e.ops.request('PUT', '/v1/ops/billing/prices', { body: PRICES });
    const got = await e2e.ops.get('/v1/ops/billing/prices');
    // Assess
    assert.deepEqual(unset.body, { currency: 'USD', perRequest: {}, perPayment: 0 });
    assert.deepEqual(
      bad.map((r) => [r.status, r.body.errors?.[0]?.path]),
      [
        [400, 'perRequest.GET /v1/nothing'],
        [400, 'perPayment'],
        [400, 'perRequest.*'],
        [400, 'currency'],
        [400, 'discount'],
      ],
    );
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(got.body, PRICES);
  });

  it('bills the merchant’s month from its metered usage: per-1,000 lines rounded half up, payments created', async () => {
    // Prepare: merchant 1's requests so far all counted (its traffic, and one 403 on the ops usage route).
    await expectUsage(MERCHANT_1.id, {
      ...expected(N1),
      'GET /v1/ops/merchants/{merchantId}/usage': { requests: 1, errors: 1 },
    });
    const month = TODAY.slice(0, 7);
    const usage = await e2e.ops.get(usagePath(MERCHANT_1.id, `?from=${month}-01&to=${TODAY}`));
    // Act
    const statement = await e2e.api.get(`/v1/billing/statements/${month}`);
    const malformed = await e2e.api.get('/v1/billing/statements/2026-13');
    const asOps = await e2e.ops.get(`/v1/billing/statements/${month}`);
    // Assess
    assert.equal(statement.status, 200, statement.text);
    const byRoute = new Map<string, number>();
    for (const row of usage.body.data as UsageRow[])
      byRoute.set(row.route, (byRoute.get(row.route) ?? 0) + row.requests);
    const lines = statement.body.lines as {
      description: string;
      quantity: number;
      unitPrice: number;
      amount: number;
    }[];
    for (const [route, requests] of byRoute) {
      const line = lines.find((l) => l.description === `API requests: ${route} (price per 1,000)`);
      assert.ok(line, route);
      assert.equal(line.quantity, requests);
      const price = route === 'POST /v1/payments' ? 250 : 100;
      assert.equal(line.unitPrice, price);
      assert.equal(line.amount, Math.floor((requests * price + 500) / 1000));
    }
    const payments = lines.find((l) => l.description === 'Payments created');
    assert.deepEqual(payments && [payments.quantity, payments.unitPrice, payments.amount], [
      N1 / 4,
      30,
      (N1 / 4) * 30,
    ]);
    assert.equal(
      statement.body.total,
      lines.reduce((s, l) => s + l.amount, 0),
    );
    assert.equal(statement.body.currency, 'USD');
    assert.ok(isProblem(malformed, 404), malformed.text);
    assert.ok(isProblem(asOps, 403), asOps.text);
  });
});

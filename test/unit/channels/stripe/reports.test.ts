/**
 * The Stripe statement through the Reporting API: against the local simulator (which stripe-node's own
 * report-run calls are checked against too), and against a scripted Stripe for what the simulator never
 * does (data not there yet, a run that fails or never ends, a file named off Stripe's host, a key refused).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import type { SimulatorServer } from '../../../../local/src/channels/common.js';
import { startStripeSimulator } from '../../../../local/src/channels/stripe.js';
import { type Receiver, startReceiver } from '../../../../local/test/channels/receiver.js';
import { StatementFetchError } from '../../../../shared/channels/errors.js';
import { createStripeStatements } from '../../../../shared/channels/stripe/adapter.js';
import { STRIPE_REPORT_COLUMNS, STRIPE_REPORT_TYPE } from '../../../../shared/channels/stripe/reports.js';
import { parseNativeStatement } from '../../../../shared/domain/reconciliation/native/index.js';

const KEY = 'sk_test_local_stripe';
const DATE = '2026-03-01';
const DAY_START = Date.parse(`${DATE}T00:00:00Z`) / 1000;

async function drain(chunks: AsyncIterable<Uint8Array | string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  return text;
}

/** A Stripe that answers each path from a script; records what it was asked. */
function scripted(answers: Record<string, (url: URL) => Response | Promise<Response>>) {
  const asked: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    asked.push(url.pathname);
    const answer = answers[url.pathname] ?? answers[`${url.origin}${url.pathname}`];
    return answer ? answer(url) : Response.json({ error: { message: 'no such path' } }, { status: 404 });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
}

const json =
  (body: unknown, status = 200) =>
  () =>
    Response.json(body, { status });
const typeAnswer = (dataEnd: number) =>
  json({
    id: STRIPE_REPORT_TYPE,
    data_available_start: DAY_START - 86_400 * 400,
    data_available_end: dataEnd,
  });
const afterTheDay = new Date(`2026-03-05T00:00:00Z`);

async function refusal(statements: ReturnType<typeof createStripeStatements>): Promise<StatementFetchError> {
  try {
    await drain(statements.fetchStatement(DATE));
  } catch (error) {
    assert.ok(error instanceof StatementFetchError, String(error));
    return error;
  }
  assert.fail('the statement was fetched');
}

describe('Stripe statements through the Reporting API', () => {
  let receiver: Receiver;
  let sim: SimulatorServer;
  before(async () => {
    receiver = await startReceiver({ status: 200, body: '{"received":true}' });
    sim = await startStripeSimulator({ callbackUrl: () => receiver.url, delayMs: 10 });
  });
  after(async () => {
    await sim.close();
    await receiver.close();
  });

  it("runs today's report on the simulator, polls it and reads the file natively", async () => {
    // Prepare: a payment settled on the simulator
    const reference = `pay_R${Date.now()}`;
    const create = await fetch(`${sim.url}/v1/payment_intents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: `amount=1234&currency=usd&metadata[reference]=${reference}`,
    });
    assert.equal(create.status, 200);
    await receiver.next((d) => d.body.includes(reference));
    const pauses: number[] = [];
    const statements = createStripeStatements({
      webhookSecrets: [],
      secretKey: KEY,
      baseUrl: sim.url,
      sleep: async (ms) => void pauses.push(ms),
    });
    const today = new Date().toISOString().slice(0, 10);

    // Act
    const rows = [];
    for await (const row of parseNativeStatement('stripe', statements.fetchStatement(today), {
      channel: 'stripe',
      date: today,
    }))
      rows.push(row);

    // Assess: one poll, the payment in Stripe's units read back in ours
    assert.deepEqual(pauses, [500]);
    const row = rows.find((r) => r.reference === reference);
    assert.equal(row?.amount, 1234);
    assert.equal(row?.type, 'payment');
  });

  it("takes stripe-node's own report-run calls, and ours ask for the same run", async () => {
    const url = new URL(sim.url);
    const stripe = new Stripe(KEY, { host: url.hostname, port: Number(url.port), protocol: 'http' });
    const end = Math.floor(Date.now() / 1000);
    const type = await stripe.reporting.reportTypes.retrieve(STRIPE_REPORT_TYPE);
    assert.ok(type.data_available_end >= end);
    const run = await stripe.reporting.reportRuns.create({
      report_type: STRIPE_REPORT_TYPE,
      parameters: {
        interval_start: end - 3600,
        interval_end: end,
        timezone: 'Etc/UTC',
        columns: [...STRIPE_REPORT_COLUMNS],
      },
    });
    assert.equal(run.status, 'pending');
    const done = await stripe.reporting.reportRuns.retrieve(run.id);
    assert.equal(done.status, 'succeeded');
    const file = await fetch(String(done.result?.url), { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal((await file.text()).split('\n')[0], STRIPE_REPORT_COLUMNS.join(','));
    await assert.rejects(
      stripe.reporting.reportRuns.create({
        report_type: STRIPE_REPORT_TYPE,
        parameters: { interval_start: end, interval_end: end + 86_400 },
      }),
      (e: Error) => /data availability/.test(e.message),
    );
  });

  it('waits for data Stripe has not prepared yet: retryable, and no run is made', async () => {
    const stripe = scripted({
      [`/v1/reporting/report_types/${STRIPE_REPORT_TYPE}`]: typeAnswer(DAY_START + 43_200),
    });
    const statements = createStripeStatements({
      webhookSecrets: [],
      secretKey: KEY,
      fetch: stripe.fetch,
      now: () => afterTheDay,
    });
    const error = await refusal(statements);
    assert.equal(error.retryable, true);
    assert.match(error.message, /reaches 2026-03-01T12:00:00\.000Z/);
    assert.deepEqual(stripe.asked, [`/v1/reporting/report_types/${STRIPE_REPORT_TYPE}`]);
  });

  it('gives up on a run still pending after the wait (retryable) and on a failed run (final)', async () => {
    const pending = json({ id: 'frr_1', status: 'pending', result: null });
    const slow = scripted({
      [`/v1/reporting/report_types/${STRIPE_REPORT_TYPE}`]: typeAnswer(DAY_START + 2 * 86_400),
      '/v1/reporting/report_runs': pending,
      '/v1/reporting/report_runs/frr_1': pending,
    });
    let slept = 0;
    const waiting = createStripeStatements({
      webhookSecrets: [],
      secretKey: KEY,
      fetch: slow.fetch,
      now: () => afterTheDay,
      reportWaitMs: 20_000,
      sleep: async (ms) => {
        slept += ms;
      },
    });
    const late = await refusal(waiting);
    assert.equal(late.retryable, true);
    assert.ok(slept <= 20_000 && slept >= 10_000, `slept ${slept} ms`);

    const failed = scripted({
      [`/v1/reporting/report_types/${STRIPE_REPORT_TYPE}`]: typeAnswer(DAY_START + 2 * 86_400),
      '/v1/reporting/report_runs': json({ id: 'frr_2', status: 'failed', error: 'internal', result: null }),
    });
    const broken = await refusal(
      createStripeStatements({
        webhookSecrets: [],
        secretKey: KEY,
        fetch: failed.fetch,
        now: () => afterTheDay,
      }),
    );
    assert.equal(broken.retryable, false);
    assert.match(broken.message, /frr_2 failed: internal/);
  });

  it('never sends the secret key to a file host that is not Stripe’s, and a refused key is final', async () => {
    const stripe = scripted({
      [`/v1/reporting/report_types/${STRIPE_REPORT_TYPE}`]: typeAnswer(DAY_START + 2 * 86_400),
      '/v1/reporting/report_runs': json({
        id: 'frr_3',
        status: 'succeeded',
        result: { id: 'file_1', url: 'https://files.example.com/v1/files/file_1/contents' },
      }),
    });
    const offHost = await refusal(
      createStripeStatements({
        webhookSecrets: [],
        secretKey: KEY,
        fetch: stripe.fetch,
        now: () => afterTheDay,
      }),
    );
    assert.equal(offHost.retryable, false);
    assert.ok(!stripe.asked.includes('/v1/files/file_1/contents'));

    const refused = scripted({
      [`/v1/reporting/report_types/${STRIPE_REPORT_TYPE}`]: json(
        { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_***' } },
        401,
      ),
    });
    const denied = await refusal(
      createStripeStatements({
        webhookSecrets: [],
        secretKey: 'sk_test_wrong',
        fetch: refused.fetch,
        now: () => afterTheDay,
      }),
    );
    assert.equal(denied.retryable, false);
    assert.equal(denied.status, 401);
  });

  it('refuses a day Stripe has no data for at all, for good', async () => {
    const stripe = scripted({
      [`/v1/reporting/report_types/${STRIPE_REPORT_TYPE}`]: json({
        id: STRIPE_REPORT_TYPE,
        data_available_start: DAY_START + 86_400,
        data_available_end: DAY_START + 3 * 86_400,
      }),
    });
    const error = await refusal(
      createStripeStatements({
        webhookSecrets: [],
        secretKey: KEY,
        fetch: stripe.fetch,
        now: () => afterTheDay,
      }),
    );
    assert.equal(error.retryable, false);
  });
});

/**
 * Stopping the local runtime never strands a payment (`--persist`). The runtime runs as a child process
 * on a data directory of its own; creates and refunds go at it 8 at a time; it is stopped in the middle
 * (Ctrl-C, or SIGKILL of its whole process group) and started again on the same data. Then every payment
 * (answered or not) reaches a final status and is assessed for risk, every refund is final, no refund
 * counts twice, and reconciling the day against the sandbox PSP's statement finds nothing: no outcome is
 * missing on either side, because the queues, the PSP's pending callbacks and its statement outlived the
 * stop.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assemblyIsFresh, synthesize } from '../../local/src/synth.js';
import { eventually } from '../support/eventually.js';
import { expectedOutcomeCount } from '../support/expected-outcomes.js';
import { Api, uniqueKey } from '../support/http.js';
import {
  type ChildRuntime,
  interrupt,
  kill,
  processesUsing,
  startChildRuntime,
} from '../support/persistent-runtime.js';

const OPS_KEY = 'sk_test_ops';
const CONCURRENCY = 8;
/** Answered creates before the stop; the load goes on through the stop until `stopped` resolves. */
const CREATES_BEFORE_STOP = 24;

const running = new Map<string, ChildRuntime>();

before(async () => {
  if (!assemblyIsFresh()) await synthesize({ quiet: true });
});

after(async () => {
  for (const [dataDir, runtime] of running) {
    await kill(runtime, dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function start(dataDir: string): Promise<ChildRuntime> {
  const runtime = await startChildRuntime({
    dataDir,
    // The template's visibility timeouts and batching windows: a message in flight at the stop must come
    // back at the restart, not minutes later.
    callbackDelayMs: 200,
  });
  running.set(dataDir, runtime);
  return runtime;
}

interface Load {
  created: number;
  refunded: number;
  /** Set once the runtime is down: the workers end. */
  done: boolean;
}

/** Creates and refunds, `CONCURRENCY` at a time, until `load.done`; failed requests are ignored. */
async function generate(api: Api, load: Load): Promise<void> {
  const payments: { id: string; at: number }[] = [];
  const worker = async () => {
    while (!load.done) {
      try {
        // Refunds go to payments old enough to have heard back from the sandbox (most succeed).
        const old = payments.filter((p) => p.at < Date.now() - 1_000);
        const target = old[Math.floor(Math.random() * old.length)]?.id;
        if (target && Math.random() < 0.4) {
          const r = await api.post(
            `/v1/payments/${target}/refunds`,
            { amount: 100 },
            { idempotencyKey: uniqueKey('re') },
          );
          if (r.status === 201) load.refunded += 1;
        } else {
          // Some amounts end in 13: the sandbox fails those.
          const amount = 1_000 + Math.floor(Math.random() * 50) * 100 + (Math.random() < 0.2 ? 13 : 0);
          const r = await api.createPayment({ amount, currency: 'USD' });
          if (r.status === 201) {
            payments.push({ id: r.body.id, at: Date.now() });
            load.created += 1;
          }
        }
      } catch {
        // The runtime is stopped: the request may or may not have been committed.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function allPayments(api: Api): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | undefined;
  do {
    const r = await api.get(`/v1/payments?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    out.push(...r.body.data);
    cursor = r.body.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** Waits for every payment to be final and assessed, every refund final (30–50 s on a busy 2-core machine). */
async function settled(api: Api): Promise<{ payments: any[]; refunds: any[] }> {
  return eventually(
    async () => {
      const payments = await allPayments(api);
      if (payments.some((p) => p.status === 'processing' || !p.risk)) return undefined;
      const lists = await Promise.all(payments.map((p) => api.get(`/v1/payments/${p.id}/refunds`)));
      const refunds: any[] = [];
      for (const r of lists) {
        assert.equal(r.status, 200, r.text);
        refunds.push(...r.body.data);
      }
      if (refunds.some((r) => r.status === 'pending')) return undefined;
      return { payments, refunds };
    },
    90_000,
    'every payment final and assessed, every refund final',
    500,
  );
}

async function reconcileToday(ops: Api) {
  const started = await ops.post(
    '/v1/ops/reconciliation/runs',
    { channel: 'sandbox', date: new Date().toISOString().slice(0, 10) },
    { idempotencyKey: uniqueKey('recon') },
  );
  assert.equal(started.status, 202, started.text);
  return eventually(
    async () => {
      const run = await ops.get(`/v1/ops/reconciliation/runs/${started.body.id}`);
      return run.body.status === 'running' ? undefined : run.body;
    },
    20_000,
    'the reconciliation run to end',
  );
}

async function stopMidLoadAndRestart(how: 'SIGINT' | 'SIGKILL') {
  const answered: Load = { created: 0, refunded: 0, done: false };
  try {
    return await stopAndRestart(how, answered);
  } finally {
    answered.done = true;
  }
}

const began = Date.now();
const phase = (what: string) =>
  process.stderr.write(`# ${((Date.now() - began) / 1000).toFixed(1)} s: ${what}\n`);

async function stopAndRestart(how: 'SIGINT' | 'SIGKILL', answered: Load) {
  // Prepare
  const dataDir = mkdtempSync(join(tmpdir(), `payments-persist-${how}-`));
  phase(`${how}: starting`);
  const first = await start(dataDir);
  phase('started; warming up');
  const warm = new Api(first.url);
  // Warm the functions (cold starts are seconds on a busy machine) so the stop meets a steady flow.
  const warmUp = await warm.createPayment({ amount: 1_000, currency: 'USD' });
  await warm.waitForPayment(warmUp.body.id, (p) => p.status === 'succeeded' && p.risk, 30_000);
  await warm.post(
    `/v1/payments/${warmUp.body.id}/refunds`,
    { amount: 100 },
    { idempotencyKey: uniqueKey('re') },
  );
  phase('warm; loading');
  const loading = generate(warm, answered);

  // Act: stop in the middle of the load, then start again on the same data
  await eventually(() => (answered.created >= CREATES_BEFORE_STOP ? true : undefined), 30_000, 'load');
  phase(`${answered.created} creates answered; ${how}`);
  await (how === 'SIGINT' ? interrupt(first, dataDir) : kill(first, dataDir));
  phase('stopped');
  running.delete(dataDir);
  answered.done = true;
  await loading;
  assert.equal(processesUsing(dataDir).length, 0, 'nothing of the first runtime is left');
  const second = await start(dataDir);
  phase('restarted');
  const api = new Api(second.url);
  const ops = new Api(second.url, OPS_KEY);

  // Assess: nothing stranded
  assert.ok(answered.created > 0, 'some payments were created before the stop');
  const { payments, refunds } = await settled(api);
  phase('all final');
  assert.ok(payments.length >= answered.created, `${payments.length} payments, ${answered.created} answered`);
  for (const p of payments) {
    assert.ok(['succeeded', 'failed', 'canceled'].includes(p.status), `${p.id} ${p.status}`);
    const own = refunds.filter((r) => r.paymentId === p.id);
    assert.equal(new Set(own.map((r) => r.id)).size, own.length);
    const applied = own.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0);
    assert.equal(p.amountRefunded, applied, `${p.id}: refunded ${p.amountRefunded}, refunds say ${applied}`);
  }
  assert.ok(refunds.every((r) => r.status === 'succeeded' || r.status === 'failed'));

  // Assess: our outcomes all recorded, then the statement agrees with them
  const outcomes = payments.filter((p) => p.status !== 'canceled').length + refunds.length;
  const today = new Date().toISOString().slice(0, 10);
  await eventually(
    async () => ((await expectedOutcomeCount(second, 'sandbox', today)) >= outcomes ? true : undefined),
    20_000,
    `${outcomes} outcomes indexed`,
  );
  phase('outcomes indexed');
  const run = await reconcileToday(ops);
  phase('reconciled');
  assert.equal(run.status, 'completed', JSON.stringify(run));
  assert.deepEqual(
    { channelMissing: run.counts.channelMissing, localMissing: run.counts.localMissing },
    { channelMissing: 0, localMissing: 0 },
    JSON.stringify(run.counts),
  );
  assert.equal(run.counts.mismatched + run.counts.duplicates, 0, JSON.stringify(run.counts));
  assert.equal(run.counts.matched, outcomes);
  await interrupt(second, dataDir);
  running.delete(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  return {
    answeredCreates: answered.created,
    answeredRefunds: answered.refunded,
    payments: payments.length,
    refunds: refunds.length,
  };
}

describe('stopping the local runtime with --persist', { concurrency: 1 }, () => {
  it('strands nothing when stopped with Ctrl-C in the middle of creates and refunds', async () => {
    const figures = await stopMidLoadAndRestart('SIGINT');
    process.stdout.write(`# SIGINT: ${JSON.stringify(figures)}\n`);
  });

  it('strands nothing when its whole process group is killed in the middle of creates and refunds', async () => {
    const figures = await stopMidLoadAndRestart('SIGKILL');
    process.stdout.write(`# SIGKILL: ${JSON.stringify(figures)}\n`);
  });
});

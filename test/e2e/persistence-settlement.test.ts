/**
 * A settlement run caught by a kill of the local runtime (`--persist`) completes after the restart, and
 * pays out once. The run's payout is made to fail once, so the execution sits in the PayOut retry wait
 * (5 s) when its runtime's whole process group is SIGKILLed; the restart starts the execution again
 * from the beginning (stepfunctions-journal.ts), the bank still remembers the failure it owes, and the
 * run ends `succeeded` with the settlement `paid` by exactly one payout, never stuck `running`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assemblyIsFresh, synthesize } from '../../local/src/synth.js';
import { eventually } from '../support/eventually.js';
import { expectedOutcomeCount } from '../support/expected-outcomes.js';
import { Api, MERCHANT_1, uniqueKey } from '../support/http.js';
import { type ChildRuntime, kill, startChildRuntime } from '../support/persistent-runtime.js';

const OPS_KEY = 'sk_test_ops';
const dataDir = mkdtempSync(join(tmpdir(), 'payments-persist-settle-'));
let runtime: ChildRuntime | undefined;

before(async () => {
  if (!assemblyIsFresh()) await synthesize({ quiet: true });
});

after(async () => {
  if (runtime) await kill(runtime, dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

const start = async () => {
  runtime = await startChildRuntime({
    dataDir,
    callbackDelayMs: 200,
    maxBatchingWindowSeconds: 1,
  });
  return runtime;
};

async function bank(pspUrl: string, path: string, body?: unknown) {
  const response = await fetch(`${pspUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(response.ok, `${path}: ${response.status}`);
  return response.json() as Promise<any>;
}

describe('a settlement run interrupted by a kill (--persist)', () => {
  it('completes after the restart and pays out once', async () => {
    // Prepare: a succeeded payment, indexed as a line item; the bank fails the first payout
    const first = await start();
    const api = new Api(first.url);
    const today = new Date().toISOString().slice(0, 10);
    const paid = await api.createPayment({ amount: 5_000, currency: 'USD' });
    await api.waitForPayment(paid.body.id, (p) => p.status === 'succeeded' && p.risk, 30_000);
    await eventually(
      async () => ((await expectedOutcomeCount(first, 'sandbox', today)) >= 1 ? true : undefined),
      20_000,
      'the outcome indexed',
    );
    await bank(first.pspUrl, '/payouts/failures', { merchantId: MERCHANT_1.id, times: 2 });

    // Act: start the run; once its settlement is written the payout is failing and being retried: kill
    const ops = new Api(first.url, OPS_KEY);
    const started = await ops.post(
      '/v1/ops/settlements/runs',
      { date: today },
      { idempotencyKey: uniqueKey('settle') },
    );
    assert.equal(started.status, 202, started.text);
    await eventually(
      async () => ((await api.get('/v1/settlements')).body.data.length > 0 ? true : undefined),
      30_000,
      'the settlement written',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const interrupted = await ops.get(`/v1/ops/settlements/runs/${started.body.id}`);
    assert.equal(interrupted.body.status, 'running', 'the run was caught in the middle');
    await kill(first, dataDir);
    const second = await start();

    // Assess: the run ends, its settlement paid by one payout
    const opsAgain = new Api(second.url, OPS_KEY);
    const run = await eventually(
      async () => {
        const r = await opsAgain.get(`/v1/ops/settlements/runs/${started.body.id}`);
        assert.equal(r.status, 200, r.text);
        return r.body.status === 'running' ? undefined : r.body;
      },
      90_000,
      'the interrupted run to end',
      500,
    );
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    const settlements = (await new Api(second.url).get('/v1/settlements')).body.data;
    assert.equal(settlements.length, 1);
    assert.equal(settlements[0].status, 'paid');
    const payouts = (await bank(second.pspUrl, '/payouts')).data.filter(
      (p: { id: string }) => p.id === settlements[0].id,
    );
    assert.equal(payouts.length, 1);
    assert.equal(payouts[0].amount, settlements[0].netAmount);
  });
});

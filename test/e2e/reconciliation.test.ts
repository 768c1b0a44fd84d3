/**
 * Reconciliation end to end on the local runtime: payments through the sandbox PSP, its daily statement
 * with every kind of discrepancy injected, a run started by ops (table stream → publisher →
 * ReconciliationRunStarted → runs queue → consumer), each kind found exactly once, the missed callback
 * repaired, a rerun idempotent, ops resolving a finding, and a statement uploaded as CSV (a malformed one
 * refused naming its line, nothing stored).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStatementCsv } from '../../shared/domain/reconciliation/format.js';
import type { StatementRow } from '../../shared/domain/reconciliation/row.js';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { expectedOutcomeCount } from '../support/expected-outcomes.js';
import { isProblem, uniqueKey } from '../support/http.js';

// Outcomes are recorded in batches every 10 s in the template; 1 s keeps the test short.
const e2e = useLocalRuntime({ maxBatchingWindowSeconds: 1 });

const today = () => new Date().toISOString().slice(0, 10);

const expectedOutcomes = (date: string) => expectedOutcomeCount(e2e.runtime, 'sandbox', date);

async function psp(method: string, path: string, body?: unknown) {
  const response = await fetch(`${e2e.runtime.pspUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response;
}

async function runToEnd(date: string) {
  const started = await e2e.ops.post(
    '/v1/ops/reconciliation/runs',
    { channel: 'sandbox', date },
    {
      idempotencyKey: uniqueKey('run'),
    },
  );
  assert.equal(started.status, 202, started.text);
  assert.equal(started.body.status, 'running');
  return eventually(
    async () => {
      const run = await e2e.ops.get(`/v1/ops/reconciliation/runs/${started.body.id}`);
      assert.equal(run.status, 200, run.text);
      return run.body.status === 'running' ? undefined : run.body;
    },
    20_000,
    'the run to end',
  );
}

describe('reconciliation (local runtime)', () => {
  it('finds every kind of discrepancy once, repairs the missed callback, and reruns the same', async () => {
    // Prepare: five payments; the third never hears back from the channel
    const create = (amount: number, metadata?: Record<string, string>) =>
      e2e.api.createPayment({ amount, currency: 'USD', ...(metadata ? { metadata } : {}) });
    const [p1, p2, missed, dropped, altered] = await Promise.all([
      create(1_100),
      create(1_200),
      create(1_300, { sandbox_outcome: 'none' }),
      create(1_400),
      create(1_500),
    ]);
    for (const p of [p1, p2, missed, dropped, altered]) assert.equal(p.status, 201, p.text);
    for (const p of [p1, p2, dropped, altered]) {
      await e2e.api.waitForPayment(p.body.id, (x) => x.status === 'succeeded');
    }
    const date = today();
    await eventually(
      async () => ((await expectedOutcomes(date)) >= 4 ? true : undefined),
      20_000,
      'outcomes',
    );

    // The channel's statement: p4 dropped, p5's amount altered, p1 twice, the missed callback's success,
    // and a payment we never issued.
    const row = (reference: string | null, channelReference: string, amount: number): StatementRow => ({
      channelReference,
      reference,
      type: 'payment',
      amount,
      currency: 'USD',
      status: 'succeeded',
      fee: 68,
      occurredAt: new Date().toISOString(),
    });
    await psp('POST', `/statements/${date}/discrepancies`, {
      drop: [dropped.body.id],
      alter: [{ reference: altered.body.id, amount: 1_501 }],
      duplicate: [p1.body.id],
      add: [row(missed.body.id, 'sbx_missed_1', 1_300), row('pay_neverissuedneverissuednev', 'sbx_x', 900)],
    });

    // Act
    const run = await runToEnd(date);

    // Assess
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.source, 'channel');
    assert.deepEqual(run.counts, {
      matched: 2,
      localMissing: 2,
      channelMissing: 1,
      mismatched: 1,
      duplicates: 1,
    });
    assert.equal(run.repaired, 1);
    const listed = await e2e.ops.get(`/v1/ops/reconciliation/runs/${run.id}/discrepancies?limit=3`);
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.body.data.length, 3);
    const rest = await e2e.ops.get(
      `/v1/ops/reconciliation/runs/${run.id}/discrepancies?limit=3&cursor=${listed.body.nextCursor}`,
    );
    const found = [...listed.body.data, ...rest.body.data];
    assert.equal(found.length, 5);
    assert.equal(rest.body.nextCursor, null);
    const byKind = (kind: string, reference: string) =>
      found.find((d: { kind: string; reference: string }) => d.kind === kind && d.reference === reference);
    assert.equal(byKind('local_missing', missed.body.id)?.status, 'repaired');
    assert.equal(byKind('local_missing', 'pay_neverissuedneverissuednev')?.status, 'open');
    assert.equal(byKind('channel_missing', dropped.body.id)?.status, 'open');
    assert.deepEqual(byKind('mismatch', altered.body.id)?.fields, ['amount']);
    assert.equal(byKind('duplicate', p1.body.id)?.status, 'open');
    const repaired = await e2e.api.get(`/v1/payments/${missed.body.id}`);
    assert.equal(repaired.body.status, 'succeeded');
    assert.equal(repaired.body.channelReference, 'sbx_missed_1');

    // Act: the same channel-day again
    const rerun = await runToEnd(date);

    // Assess: the same findings under the same ids, nothing repaired twice
    assert.deepEqual(rerun.counts, run.counts);
    assert.equal(rerun.repaired, 1);
    const again = await e2e.ops.get(`/v1/ops/reconciliation/runs/${rerun.id}/discrepancies?limit=10`);
    assert.deepEqual(
      again.body.data.map((d: { id: string }) => d.id).sort(),
      found.map((d: { id: string }) => d.id).sort(),
    );

    // Act: ops resolve the mismatch; a repaired finding cannot be
    const mismatch = byKind('mismatch', altered.body.id);
    const resolved = await e2e.ops.post(`/v1/ops/reconciliation/discrepancies/${mismatch.id}/resolve`, {
      note: 'the channel corrected its amount',
    });
    const refused = await e2e.ops.post(
      `/v1/ops/reconciliation/discrepancies/${byKind('local_missing', missed.body.id).id}/resolve`,
      { note: 'nothing to do' },
    );
    const third = await runToEnd(date);

    // Assess
    assert.equal(resolved.status, 200, resolved.text);
    assert.equal(resolved.body.status, 'resolved');
    assert.ok(isProblem(refused, 409), refused.text);
    assert.match(refused.body.type, /\/discrepancy-repaired$/);
    const kept = await e2e.ops.get(`/v1/ops/reconciliation/runs/${third.id}/discrepancies?limit=10`);
    const stillResolved = kept.body.data.find((d: { id: string }) => d.id === mismatch.id);
    assert.equal(stillResolved.status, 'resolved');
    assert.equal(stillResolved.note, 'the channel corrected its amount');
  });

  it('takes an uploaded statement instead of the channel’s, and refuses a malformed one naming its line', async () => {
    // Prepare
    const date = '2026-01-15';
    const good = formatStatementCsv([
      {
        channelReference: 'sbx_up_1',
        reference: null,
        type: 'payment',
        amount: 2_000,
        currency: 'EUR',
        status: 'succeeded',
        fee: 88,
        occurredAt: `${date}T08:00:00Z`,
      },
    ]);
    const bad = `${good}sbx_up_2,,payment,12.5,EUR,succeeded,0,${date}T09:00:00Z\n`;
    const upload = (csv: string, contentType = 'text/csv') =>
      e2e.ops.request('POST', `/v1/ops/reconciliation/statements?channel=sandbox&date=${date}`, {
        body: csv,
        headers: { 'content-type': contentType },
      });

    // Act
    const refused = await upload(bad);
    const wrongType = await upload(good, 'application/json');
    const stored = await upload(good);
    const run = await runToEnd(date);

    // Assess
    assert.ok(isProblem(refused, 400), refused.text);
    assert.equal(refused.body.errors[0].path, 'line 3, amount');
    assert.ok(isProblem(wrongType, 415), wrongType.text);
    assert.equal(stored.status, 200, stored.text);
    assert.deepEqual(stored.body, {
      object: 'reconciliation_statement',
      channel: 'sandbox',
      date,
      rows: 1,
      bytes: Buffer.byteLength(good),
    });
    assert.equal(run.status, 'completed', run.error);
    assert.equal(run.source, 'upload');
    assert.deepEqual(run.counts, {
      matched: 0,
      localMissing: 1,
      channelMissing: 0,
      mismatched: 0,
      duplicates: 0,
    });
    assert.equal(run.repaired, 0);
  });

  it('answers 400 for a day in the future, 404 for an unknown run, and 401 without a key', async () => {
    const future = await e2e.ops.post(
      '/v1/ops/reconciliation/runs',
      { channel: 'sandbox', date: '2999-01-01' },
      { idempotencyKey: uniqueKey('run') },
    );
    assert.ok(isProblem(future, 400), future.text);
    const unknown = await e2e.ops.get('/v1/ops/reconciliation/runs/rcr_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.ok(isProblem(unknown, 404), unknown.text);
    const anonymous = await e2e.ops.get('/v1/ops/reconciliation/runs/rcr_aaaaaaaaaaaaaaaaaaaaaaaaaa', {
      key: null,
    });
    assert.ok(isProblem(anonymous, 401), anonymous.text);
    const merchant = await e2e.api.get('/v1/ops/reconciliation/runs/rcr_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.ok(isProblem(merchant, 403), merchant.text);
  });
});

/**
 * Reconciliation runs on DynamoDB Local: the outcomes we applied (the payments and refunds themselves,
 * GSI3) against a channel statement; each kind of discrepancy found exactly once, a missed callback
 * repaired through the callback's transition, reruns idempotent (same ids and counts, no second repair,
 * `repaired: 0`, resolved stays resolved), holds on payments, a payment that succeeded just before a run
 * started matched by that run, and a malformed statement failing the run without writing anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatStatementCsv } from '../../shared/domain/reconciliation/format.js';
import { readStatement } from '../../shared/domain/reconciliation/native/index.js';
import type { StatementRow } from '../../shared/domain/reconciliation/row.js';
import {
  executeRun,
  type ReconciliationDeps,
  StatementUnavailableError,
} from '../../shared/reconciliation/run.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import { DynamoPaymentStore } from '../../shared/store/dynamodb/payments.js';
import {
  type DiscrepancyItem,
  DynamoReconciliationStore,
} from '../../shared/store/dynamodb/reconciliation.js';
import { requestFingerprint } from '../../shared/store/idempotency.js';
import { slotOfId } from '../../shared/store/items.js';
import { LOCAL_INDEX_LAG_MS, startTestTable, type TestTable } from '../support/dynamodb.js';

const DATE = '2026-11-20';
const AT = `${DATE}T10:00:00.000Z`;

describe('reconciliation runs on DynamoDB Local', () => {
  let table: TestTable;
  let payments: DynamoPaymentStore;
  let outcomes: DynamoChannelOutcomeStore;
  let store: DynamoReconciliationStore;
  let n = 0;

  before(async () => {
    table = await startTestTable();
    const context = { client: table.client, tableName: table.tableName };
    payments = new DynamoPaymentStore(context);
    outcomes = new DynamoChannelOutcomeStore(context);
    store = new DynamoReconciliationStore(context);
  });
  after(async () => table.stop());

  /** A payment, and its success applied as the callback applies it (occurring `at`). */
  async function payment(amount: number, outcome: 'succeeded' | 'processing', at = AT) {
    const body = { channel: 'sandbox' as const, amount, currency: 'USD' };
    const created = await payments.create({
      merchantId: 'm_recon',
      idempotencyKey: `recon-${++n}`,
      requestFingerprint: requestFingerprint('POST', '/v1/payments', body),
      body,
      now: new Date(at),
    });
    const p = created.body as { id: string; amount: number; currency: string };
    if (outcome === 'succeeded') {
      const applied = await outcomes.applyPaymentOutcome({
        channel: 'sandbox',
        eventId: `evt_cb_${p.id}`,
        reference: p.id,
        to: 'succeeded',
        channelReference: `ch_${p.id}`,
        amount,
        currency: 'USD',
        occurredAt: at,
        now: new Date(at),
      });
      assert.equal(applied.kind, 'applied');
    }
    return p;
  }

  const row = (p: { id: string; amount: number }, overrides: Partial<StatementRow> = {}): StatementRow => ({
    channelReference: `ch_${p.id}`,
    reference: p.id,
    type: 'payment',
    amount: p.amount,
    currency: 'USD',
    status: 'succeeded',
    fee: 30,
    occurredAt: AT,
    ...overrides,
  });

  function depsFor(csv: string | undefined): ReconciliationDeps {
    return {
      store,
      outcomes,
      indexLagMs: LOCAL_INDEX_LAG_MS,
      statement: async (channel, date) => {
        if (csv === undefined) throw new StatementUnavailableError('no statement for sandbox 2026-11-20');
        return { source: 'channel', rows: () => readStatement(csv, { channel, date }) };
      },
    };
  }

  async function startRun(key: string, date = DATE) {
    const started = await store.createRun({
      callerId: 'ops',
      idempotencyKey: key,
      requestFingerprint: `fp-${key}`,
      channel: 'sandbox',
      date,
      now: new Date(),
    });
    return started.body.id;
  }

  async function discrepanciesOf(runId: string): Promise<DiscrepancyItem[]> {
    const run = await store.getRun(runId);
    const page = await store.listForRun(run, { limit: 100 });
    return page.data as DiscrepancyItem[];
  }

  it('finds each kind once, repairs the missed callback, and a rerun finds the same without repairing twice', async () => {
    // Prepare: matched ×2, a missed callback, one the channel does not list, an amount mismatch, an
    // unknown row, and a duplicated row
    const a = await payment(1_000, 'succeeded');
    const b = await payment(2_000, 'succeeded');
    const missed = await payment(3_000, 'processing');
    const dropped = await payment(4_000, 'succeeded');
    const altered = await payment(5_000, 'succeeded');
    const csv = formatStatementCsv([
      row(a),
      row(b),
      row(missed),
      row(altered, { amount: 5_001 }),
      row({ id: 'pay_unknownunknownunknownunk', amount: 700 }),
      row(a),
    ]);

    // Act
    const first = await executeRun(depsFor(csv), await startRun('run-1'));

    // Assess
    assert.equal(first.status, 'completed');
    assert.deepEqual(first.counts, {
      matched: 2,
      localMissing: 2,
      channelMissing: 1,
      mismatched: 1,
      duplicates: 1,
    });
    assert.equal(first.repaired, 1);
    const found = await discrepanciesOf(first.id);
    const byRef = new Map(found.map((d) => [`${d.kind}:${d.reference}`, d]));
    assert.equal(found.length, 5);
    assert.equal(byRef.get(`local_missing:${missed.id}`)?.status, 'repaired');
    assert.equal(byRef.get('local_missing:pay_unknownunknownunknownunk')?.status, 'open');
    assert.equal(byRef.get(`channel_missing:${dropped.id}`)?.status, 'open');
    assert.deepEqual(byRef.get(`mismatch:${altered.id}`)?.fields, ['amount']);
    assert.equal(byRef.get(`duplicate:${a.id}`)?.line, 7);
    const repairedPayment = await store.objectAt(slotOfId(missed.id, 'pay') as string);
    assert.equal(repairedPayment?.status, 'succeeded');
    // Open findings hold their payments out of settlement; the repaired one does not.
    assert.deepEqual(
      (await store.objectAt(slotOfId(altered.id, 'pay') as string))?.reconHolds,
      new Set([byRef.get(`mismatch:${altered.id}`)?.id]),
    );
    assert.equal((repairedPayment?.reconHolds as Set<string> | undefined)?.size ?? 0, 0);

    // The repair is the callback's transition: the repaired payment is now in the channel-day's outcomes.
    const indexed = [];
    for await (const e of store.expectations('sandbox', DATE)) indexed.push(e.reference);
    assert.ok(indexed.includes(missed.id));

    // Act: the same channel-day again
    const second = await executeRun(depsFor(csv), await startRun('run-2'));

    // Assess: same counts and ids, the finding still listed repaired, the repair not applied (nor counted)
    // again
    assert.deepEqual(second.counts, first.counts);
    assert.equal(second.repaired, 0);
    const again = await discrepanciesOf(second.id);
    assert.deepEqual(again.map((d) => d.id).sort(), found.map((d) => d.id).sort());
    assert.equal(
      again.find((d) => d.kind === 'local_missing' && d.reference === missed.id)?.status,
      'repaired',
    );
    assert.equal(
      (await store.objectAt(slotOfId(missed.id, 'pay') as string))?.lastChannelEventId,
      `recon_${byRef.get(`local_missing:${missed.id}`)?.id}`,
    );
  });

  it('matches a payment that succeeded 50 ms before the run started, never reporting it missing', async () => {
    // Prepare: today's channel-day; the success is applied, then the run starts 50 ms later
    const today = new Date().toISOString().slice(0, 10);
    const p = await payment(1_234, 'succeeded', new Date().toISOString());
    const csv = formatStatementCsv([
      row(p, { occurredAt: (await store.objectAt(slotOfId(p.id, 'pay') as string))?.outcomeAt as string }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Act
    const run = await executeRun(depsFor(csv), await startRun('run-just-after', today));

    // Assess
    assert.equal(run.status, 'completed');
    assert.deepEqual(run.counts, {
      matched: 1,
      localMissing: 0,
      channelMissing: 0,
      mismatched: 0,
      duplicates: 0,
    });
    assert.equal(run.repaired, 0);
  });

  it('indexes an outcome only under the channel that reported it: another channel’s is recorded', async () => {
    // Prepare
    const p = await payment(2_345, 'processing');

    // Act
    const result = await outcomes.applyPaymentOutcome({
      channel: 'stripe',
      eventId: `evt_other_${p.id}`,
      reference: p.id,
      to: 'succeeded',
      channelReference: 'ch_other',
      amount: p.amount,
      currency: 'USD',
      occurredAt: AT,
      now: new Date(AT),
    });

    // Assess: not applied, recorded as a mismatch of the channel, nothing indexed
    assert.deepEqual(result, { kind: 'mismatch', fields: ['channel'] });
    const item = await store.objectAt(slotOfId(p.id, 'pay') as string);
    assert.equal(item?.status, 'processing');
    assert.equal(item?.GSI3PK, undefined);
    assert.equal(item?.GSI2SK, undefined);
  });

  it('keeps what ops resolved resolved on a rerun, and releases the payment', async () => {
    // Prepare
    const altered = await payment(6_000, 'succeeded');
    const csv = formatStatementCsv([row(altered, { currency: 'EUR', fee: 99 })]);
    const first = await executeRun(depsFor(csv), await startRun('run-3'));
    const [finding] = (await discrepanciesOf(first.id)).filter((d) => d.reference === altered.id);
    assert.ok(finding);
    assert.deepEqual(finding.fields, ['currency']);

    // Act
    const resolved = await store.setStatus(
      finding.id,
      'resolved',
      ['open'],
      'refunded by the channel on 11-21',
      new Date(),
    );
    await store.setPaymentHold(
      { slot: slotOfId(altered.id, 'pay') as string, merchantId: 'm_recon' },
      finding.id,
      false,
    );
    const second = await executeRun(depsFor(csv), await startRun('run-4'));

    // Assess
    assert.equal(resolved?.status, 'resolved');
    const [after] = (await discrepanciesOf(second.id)).filter((d) => d.reference === altered.id);
    assert.equal(after?.status, 'resolved');
    assert.equal(after?.note, 'refunded by the channel on 11-21');
    const released = await store.objectAt(slotOfId(altered.id, 'pay') as string);
    assert.equal((released?.reconHolds as Set<string> | undefined)?.size ?? 0, 0);
  });

  it('fails a run on a malformed statement, naming the line, and writes no discrepancy', async () => {
    // Prepare
    const csv = `channel_reference,reference,type,amount,currency,status,fee,occurred_at\nch_1,,payment,12x,USD,succeeded,0,${AT}\n`;
    const before = await store.known('sandbox', DATE);

    // Act
    const run = await executeRun(depsFor(csv), await startRun('run-5'));

    // Assess
    assert.equal(run.status, 'failed');
    assert.match(String(run.error), /line 2/);
    assert.equal((await store.known('sandbox', DATE)).size, before.size);
  });

  it('fails a run when there is no statement, and leaves a finished run alone', async () => {
    const run = await executeRun(depsFor(undefined), await startRun('run-6'));
    assert.equal(run.status, 'failed');
    assert.match(String(run.error), /no statement/);
    const again = await executeRun(depsFor('not even a header'), run.id);
    assert.equal(again.status, 'failed');
    assert.equal(again.completedAt, run.completedAt);
  });

  it('lets one executor hold a run: a concurrent delivery leaves it to the first', async () => {
    // Prepare
    const p = await payment(7_000, 'succeeded');
    let opened = 0;
    const deps: ReconciliationDeps = {
      store,
      outcomes,
      statement: async (channel, date) => ({
        source: 'channel',
        rows: () => {
          opened += 1;
          return readStatement(formatStatementCsv([row(p)]), { channel, date });
        },
      }),
    };
    const id = await startRun('run-lease');

    // Act
    const [a, b] = await Promise.all([
      executeRun({ ...deps, executor: 'a' }, id),
      executeRun({ ...deps, executor: 'b' }, id),
    ]);

    // Assess: the statement was read by one execution only (twice: checked, then classified)
    assert.equal(opened, 2);
    assert.ok([a.status, b.status].includes('completed'));
    assert.equal((await store.getRun(id)).status, 'completed');
  });

  it('replays a run for the same Idempotency-Key and refuses the key for another request', async () => {
    const first = await store.createRun({
      callerId: 'ops',
      idempotencyKey: 'dup',
      requestFingerprint: 'fp-a',
      channel: 'sandbox',
      date: DATE,
      now: new Date(),
    });
    const again = await store.createRun({
      callerId: 'ops',
      idempotencyKey: 'dup',
      requestFingerprint: 'fp-a',
      channel: 'sandbox',
      date: DATE,
      now: new Date(),
    });
    assert.equal(again.replayed, true);
    assert.deepEqual(again.body, first.body);
    await assert.rejects(
      store.createRun({
        callerId: 'ops',
        idempotencyKey: 'dup',
        requestFingerprint: 'fp-b',
        channel: 'sandbox',
        date: DATE,
        now: new Date(),
      }),
      { name: 'IdempotencyKeyReusedError' },
    );
  });
});

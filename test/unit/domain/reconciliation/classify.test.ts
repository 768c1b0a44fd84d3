import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classify,
  type Discrepancy,
  type Expectation,
  ExpectationIndex,
  ReconciliationError,
  type StatementLine,
} from '../../../../shared/domain/reconciliation/index.js';

const expectation = (n: number, over: Partial<Expectation> = {}): Expectation => ({
  type: 'payment',
  reference: `pay_${n}`,
  channelReference: `sbx_${n}`,
  amount: 1000 + n,
  currency: 'USD',
  status: 'succeeded',
  ...over,
});

/** The statement row that matches `e` exactly, on line `line`. */
const rowOf = (e: Expectation, line: number, over: Partial<StatementLine> = {}): StatementLine => ({
  line,
  channelReference: e.channelReference ?? `chan_${e.reference}`,
  reference: e.reference,
  type: e.type,
  amount: e.amount,
  currency: e.currency,
  status: e.status,
  fee: e.fee ?? 0,
  occurredAt: '2026-03-01T10:00:00Z',
  ...over,
});

async function* stream<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function reconcile(expected: readonly Expectation[], rows: readonly StatementLine[]) {
  const run = classify(await ExpectationIndex.from(expected), stream(rows));
  const discrepancies: Discrepancy[] = [];
  for await (const d of run) discrepancies.push(d);
  return { discrepancies, counts: run.counts };
}

describe('reconciliation classifier', () => {
  it('matches rows that agree with what we hold and reports nothing', async () => {
    // Prepare
    const held = [expectation(1), expectation(2, { type: 'refund', reference: 're_2', status: 'failed' })];
    // Act
    const { discrepancies, counts } = await reconcile(held, [rowOf(held[1]!, 2), rowOf(held[0]!, 3)]);
    // Assess
    assert.deepEqual(discrepancies, []);
    assert.deepEqual(counts, {
      matched: 2,
      localMissing: 0,
      channelMissing: 0,
      mismatched: 0,
      duplicates: 0,
    });
  });

  it('reports a success we hold no outcome for as local_missing and repairable', async () => {
    const row = rowOf(expectation(9), 2);
    const { discrepancies, counts } = await reconcile([], [row]);
    assert.deepEqual(discrepancies, [
      {
        type: 'payment',
        reference: 'pay_9',
        channelReference: 'sbx_9',
        fields: [],
        row,
        held: null,
        kind: 'local_missing',
        repairable: true,
      },
    ]);
    assert.equal(counts.localMissing, 1);
  });

  it('reports a success we hold as failed as local_missing, with what we hold, not repairable', async () => {
    // Prepare
    const held = expectation(1, { status: 'failed' });
    // Act
    const { discrepancies, counts } = await reconcile([held], [rowOf(held, 2, { status: 'succeeded' })]);
    // Assess
    assert.equal(discrepancies.length, 1);
    const [d] = discrepancies;
    assert.equal(d?.kind, 'local_missing');
    assert.deepEqual(d?.fields, ['status']);
    assert.deepEqual(d?.held, held);
    assert.equal(d?.repairable, false);
    assert.deepEqual(counts, {
      matched: 0,
      localMissing: 1,
      channelMissing: 0,
      mismatched: 0,
      duplicates: 0,
    });
  });

  it('reports a failure we hold as succeeded as a status mismatch', async () => {
    const held = expectation(1);
    const { discrepancies } = await reconcile([held], [rowOf(held, 2, { status: 'failed' })]);
    assert.deepEqual(
      discrepancies.map((d) => [d.kind, d.fields]),
      [['mismatch', ['status']]],
    );
  });

  it('reports what we hold and the statement lacks as channel_missing', async () => {
    const held = [expectation(1), expectation(2, { channelReference: null })];
    const { discrepancies, counts } = await reconcile(held, [rowOf(held[0]!, 2)]);
    assert.deepEqual(discrepancies, [
      {
        kind: 'channel_missing',
        type: 'payment',
        reference: 'pay_2',
        channelReference: null,
        fields: [],
        row: null,
        held: held[1],
        repairable: false,
      },
    ]);
    assert.deepEqual(counts, {
      matched: 1,
      localMissing: 0,
      channelMissing: 1,
      mismatched: 0,
      duplicates: 0,
    });
  });

  it('lists exactly the fields that differ in a mismatch', async () => {
    // Prepare
    const held = expectation(1);
    const row = rowOf(held, 2, { amount: 1, currency: 'EUR' });
    // Act
    const { discrepancies, counts } = await reconcile([held], [row]);
    // Assess
    assert.equal(discrepancies[0]?.kind, 'mismatch');
    assert.deepEqual(discrepancies[0]?.fields, ['amount', 'currency']);
    assert.equal(counts.mismatched, 1);
  });

  it('compares the fee only when we know ours', async () => {
    const known = expectation(1, { fee: 30 });
    const unknown = expectation(2);
    const { discrepancies } = await reconcile(
      [known, unknown],
      [rowOf(known, 2, { fee: 31 }), rowOf(unknown, 3, { fee: 999 })],
    );
    assert.deepEqual(
      discrepancies.map((d) => [d.kind, d.reference, d.fields]),
      [['mismatch', 'pay_1', ['fee']]],
    );
  });

  it('matches a row without our reference by its channel reference, and reports our reference', async () => {
    // Prepare
    const held = [
      expectation(1),
      expectation(2, { type: 'refund', reference: 're_2', channelReference: 'sbx_1' }),
    ];
    // Act
    const { discrepancies, counts } = await reconcile(held, [
      rowOf(held[0]!, 2, { reference: null }),
      rowOf(held[1]!, 3, { reference: null, amount: 5 }),
    ]);
    // Assess
    assert.equal(counts.matched, 1);
    assert.deepEqual(
      discrepancies.map((d) => [d.kind, d.type, d.reference, d.fields]),
      [['mismatch', 'refund', 're_2', ['amount']]],
    );
  });

  it('reports a second row for the same object as duplicate, however it names the object', async () => {
    // Prepare
    const held = expectation(1);
    const unknown = rowOf(expectation(7), 5);
    const rows = [
      rowOf(held, 2),
      rowOf(held, 3, { reference: null }),
      rowOf(held, 4),
      unknown,
      { ...unknown, line: 6, reference: null },
      { ...unknown, line: 7, channelReference: 'sbx_other' },
    ];
    // Act
    const { discrepancies, counts } = await reconcile([held], rows);
    // Assess
    assert.deepEqual(
      discrepancies.map((d) => [d.kind, d.row?.line, d.reference, d.held?.reference ?? null]),
      [
        ['duplicate', 3, 'pay_1', 'pay_1'],
        ['duplicate', 4, 'pay_1', 'pay_1'],
        ['local_missing', 5, 'pay_7', null],
        ['duplicate', 6, null, null],
        ['duplicate', 7, 'pay_7', null],
      ],
    );
    assert.deepEqual(counts, {
      matched: 1,
      localMissing: 1,
      channelMissing: 0,
      mismatched: 0,
      duplicates: 4,
    });
  });

  it('tells a payment and a refund with the same reference apart', async () => {
    const payment = expectation(1);
    const { discrepancies } = await reconcile(
      [payment],
      [rowOf(payment, 2), rowOf(payment, 3, { type: 'refund' })],
    );
    assert.deepEqual(
      discrepancies.map((d) => [d.kind, d.type]),
      [['local_missing', 'refund']],
    );
  });

  it('does not offer to repair an unknown row without our reference', async () => {
    const { discrepancies } = await reconcile([], [rowOf(expectation(1), 2, { reference: null })]);
    assert.equal(discrepancies[0]?.kind, 'local_missing');
    assert.equal(discrepancies[0]?.repairable, false);
  });

  it('gives counts only once iterated to the end, and streams the rows only once', async () => {
    // Prepare
    const index = await ExpectationIndex.from([expectation(1)]);
    const run = classify(index, stream([]));
    const isRunState = (e: unknown) => e instanceof ReconciliationError && e.code === 'run_state';
    // Act, Assess
    assert.throws(() => run.counts, isRunState);
    for await (const _ of run) assert.throws(() => run.counts, isRunState);
    assert.equal(run.counts.channelMissing, 1);
    assert.throws(() => run[Symbol.asyncIterator](), isRunState);
  });

  it('can run twice on one index: a run does not change it', async () => {
    const index = await ExpectationIndex.from([expectation(1)]);
    for (let i = 0; i < 2; i += 1) {
      const run = classify(index, stream([rowOf(expectation(1), 2)]));
      for await (const _ of run);
      assert.equal(run.counts.matched, 1);
    }
  });
});

describe('expectation index', () => {
  it('refuses the same type and reference twice', () => {
    const index = new ExpectationIndex();
    index.add(expectation(1));
    index.add(expectation(1, { type: 'refund' }));
    assert.throws(
      () => index.add(expectation(1, { amount: 5 })),
      (e: unknown) => e instanceof ReconciliationError && e.code === 'duplicate_expectation',
    );
  });

  it('takes outcome records carrying more than it compares as they are', async () => {
    // Prepare
    const outcome = {
      channel: 'sandbox',
      day: '2026-03-01',
      type: 'refund' as const,
      reference: 're_1',
      channelReference: 'sbx_r1',
      merchantId: 'm_demo_1',
      amount: 500,
      currency: 'USD',
      status: 'failed' as const,
      occurredAt: '2026-03-01T10:00:00Z',
      eventId: 'evt_1',
    };
    // Act
    const { counts } = await reconcile([outcome], [rowOf(outcome, 2, { reference: null, fee: 12 })]);
    // Assess
    assert.equal(counts.matched, 1);
  });

  it('refuses an expectation that is no valid outcome', () => {
    const index = new ExpectationIndex();
    for (const bad of [{ amount: 0 }, { amount: 1.5 }, { fee: -1 }, { currency: 'usd' }, { reference: '' }]) {
      assert.throws(
        () => index.add(expectation(1, bad)),
        (e: unknown) => e instanceof ReconciliationError && e.code === 'invalid_expectation',
      );
    }
  });

  it('gives back what was added, across growth of its arrays', () => {
    const index = new ExpectationIndex();
    const added = Array.from({ length: 3000 }, (_, n) =>
      expectation(n, n % 3 === 0 ? { fee: n, status: 'failed', currency: 'EUR' } : {}),
    );
    for (const e of added) index.add(e);
    assert.equal(index.size, 3000);
    for (const n of [0, 1023, 1024, 2999]) assert.deepEqual(index.at(n), added[n]);
    assert.equal(index.findByChannelReference('payment', 'sbx_2048'), 2048);
    index.add(expectation(5000));
    assert.equal(index.findByChannelReference('payment', 'sbx_5000'), 3000);
  });
});

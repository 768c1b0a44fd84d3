import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { StatementRow } from '../src/sandbox/statement-csv.js';
import { RETAINED_DAYS, StatementBook, sandboxFee } from '../src/sandbox/statements.js';

const row = (reference: string, overrides: Partial<StatementRow> = {}): StatementRow => ({
  channelReference: `sbx_${reference}`,
  reference,
  type: reference.startsWith('re_') ? 'refund' : 'payment',
  amount: 1000,
  currency: 'USD',
  status: 'succeeded',
  fee: 59,
  occurredAt: '2026-03-01T10:00:00.000Z',
  ...overrides,
});

describe('sandbox fee', () => {
  it('charges a succeeded payment 2.9% rounded half up plus 30 minor units', () => {
    // Act & Assess
    assert.equal(sandboxFee({ type: 'payment', status: 'succeeded', amount: 1000 }), 59);
    assert.equal(sandboxFee({ type: 'payment', status: 'succeeded', amount: 1050 }), 60); // 30.45
    assert.equal(sandboxFee({ type: 'payment', status: 'succeeded', amount: 500 }), 45); // 14.5 → 15
    assert.equal(sandboxFee({ type: 'payment', status: 'succeeded', amount: 1500 }), 74); // 43.5 → 44
    assert.equal(sandboxFee({ type: 'payment', status: 'succeeded', amount: 17 }), 30); // 0.493
    assert.equal(sandboxFee({ type: 'payment', status: 'succeeded', amount: 1 }), 30);
    assert.equal(sandboxFee({ type: 'payment', status: 'succeeded', amount: 1e12 }), 29_000_000_030);
  });

  it('charges nothing for a failed payment nor for a refund', () => {
    // Act & Assess
    assert.equal(sandboxFee({ type: 'payment', status: 'failed', amount: 1000 }), 0);
    assert.equal(sandboxFee({ type: 'refund', status: 'succeeded', amount: 1000 }), 0);
    assert.equal(sandboxFee({ type: 'refund', status: 'failed', amount: 1000 }), 0);
  });

  it('is the exact half-up rounding of 2.9% for every amount the contract accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), (amount) => {
        // Act
        const fee = sandboxFee({ type: 'payment', status: 'succeeded', amount });
        // Assess: |fee − 30 − amount × 0.029| ≤ 0.5, the half rounded up, in exact integers
        const scaled = BigInt(fee - 30) * 1000n - BigInt(amount) * 29n;
        return Number.isSafeInteger(fee) && scaled > -500n && scaled <= 500n;
      }),
    );
  });
});

describe('sandbox statement book', () => {
  it('files each outcome under the UTC day of its occurredAt', () => {
    // Prepare
    const book = new StatementBook();
    const late = row('pay_b', { occurredAt: '2026-03-01T23:30:00-02:00' });
    // Act
    book.record(row('pay_a'));
    book.record(late);
    // Assess
    assert.deepEqual([...book.rows('2026-03-01')], [row('pay_a')]);
    assert.deepEqual([...book.rows('2026-03-02')], [late]);
    assert.deepEqual([...book.rows('2026-03-03')], []);
  });

  it('does not list in a statement being read the rows recorded or added after it began', () => {
    // Prepare
    const book = new StatementBook();
    book.record(row('pay_a'));
    const rows = book.rows('2026-03-01');
    // Act
    const first = rows.next();
    book.record(row('pay_b'));
    book.inject('2026-03-01', { add: [row('pay_c')] });
    // Assess
    assert.deepEqual(first.value, row('pay_a'));
    assert.equal(rows.next().done, true);
    assert.equal([...book.rows('2026-03-01')].length, 3);
  });

  it('applies injections to the statement, not to the record: clearing them restores it', () => {
    // Prepare
    const book = new StatementBook();
    for (const r of ['pay_a', 'pay_b', 'pay_c', 're_d']) book.record(row(r));
    // Act
    const answer = book.inject('2026-03-01', {
      drop: ['pay_a'],
      alter: [{ reference: 'pay_b', amount: 999 }],
      duplicate: ['pay_c', 'pay_c'],
      blankReference: ['re_d', 'pay_b'],
    });
    book.inject('2026-03-01', { alter: [{ reference: 'pay_b', status: 'failed' }] });
    const injected = [...book.rows('2026-03-01')];
    book.clear('2026-03-01');
    // Assess
    assert.deepEqual(answer, { unknown: [] });
    const b = row('pay_b', { amount: 999, status: 'failed', reference: null });
    assert.deepEqual(injected, [
      b,
      row('pay_c'),
      row('pay_c'),
      row('pay_c'),
      row('re_d', { reference: null }),
    ]);
    assert.deepEqual(
      [...book.rows('2026-03-01')],
      ['pay_a', 'pay_b', 'pay_c', 're_d'].map((r) => row(r)),
    );
  });

  it('refuses, whole, injections naming a reference not recorded that day', () => {
    // Prepare
    const book = new StatementBook();
    book.record(row('pay_a'));
    // Act
    const answer = book.inject('2026-03-01', { drop: ['pay_a'], duplicate: ['pay_zz'], add: [row('pay_x')] });
    // Assess
    assert.deepEqual(answer, { unknown: ['pay_zz'] });
    assert.deepEqual([...book.rows('2026-03-01')], [row('pay_a')]);
  });

  it('answers the injections in the shape it takes them', () => {
    // Prepare
    const book = new StatementBook();
    book.record(row('pay_a'));
    const injections = {
      drop: ['pay_a'],
      alter: [{ reference: 'pay_a', fee: 0 }],
      duplicate: ['pay_a', 'pay_a'],
      add: [row('pay_x')],
      blankReference: ['pay_a'],
    };
    // Act
    book.inject('2026-03-01', injections);
    // Assess
    assert.deepEqual(book.injected('2026-03-01'), injections);
    assert.deepEqual(book.injected('2026-03-09'), {
      drop: [],
      alter: [],
      duplicate: [],
      add: [],
      blankReference: [],
    });
  });

  it(`forgets the oldest day beyond ${RETAINED_DAYS}`, () => {
    // Prepare
    const book = new StatementBook();
    const dayOf = (i: number) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
    // Act
    for (let i = 0; i <= RETAINED_DAYS; i += 1)
      book.record(row('pay_a', { occurredAt: `${dayOf(i)}T12:00:00Z` }));
    // Assess
    assert.equal([...book.rows(dayOf(0))].length, 0);
    assert.equal([...book.rows(dayOf(1))].length, 1);
    assert.equal([...book.rows(dayOf(RETAINED_DAYS))].length, 1);
  });
});

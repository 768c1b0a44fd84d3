import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SettlementError, settlementId } from '../../../../shared/domain/settlement/index.js';

const END = '2026-03-02T00:00:00.000Z';

describe('settlement ids', () => {
  it('gives a rerun of the same merchant, currency and period the same id', () => {
    // Act
    const first = settlementId('mer_1', 'USD', END);
    const rerun = settlementId('mer_1', 'USD', END);
    // Assess
    assert.equal(rerun, first);
    assert.match(first, /^stl_[a-z2-7]{26}$/);
  });

  it('names the same instant with the same id however it is written', () => {
    const id = settlementId('mer_1', 'USD', END);
    assert.equal(settlementId('mer_1', 'USD', '2026-03-02T00:00:00Z'), id);
    assert.equal(settlementId('mer_1', 'USD', '2026-03-02T02:00:00+02:00'), id);
  });

  it('gives each merchant, currency and period its own id', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(
            fc.constantFrom('mer_1', 'mer_2', 'mer_10'),
            fc.constantFrom('USD', 'EUR'),
            fc.integer({ min: 0, max: 1000 }),
          ),
          { selector: ([m, c, d]) => `${m}|${c}|${d}` },
        ),
        (keys) => {
          const ids = keys.map(([m, c, day]) =>
            settlementId(m, c, new Date(Date.parse(END) + day * 86_400_000).toISOString()),
          );
          assert.equal(new Set(ids).size, ids.length);
        },
      ),
    );
  });

  it('refuses a period end that is not an instant, an unknown currency and an empty merchant', () => {
    for (const periodEnd of ['2026-03-02', '2026-03-02T00:00:00', 'March 2, 2026', '2026-02-30T00:00:00Z']) {
      assert.throws(
        () => settlementId('mer_1', 'USD', periodEnd),
        (e: unknown) => e instanceof SettlementError && e.code === 'invalid_period',
        periodEnd,
      );
    }
    assert.throws(() => settlementId('mer_1', 'USX', END), /no settlement id/);
    assert.throws(() => settlementId('', 'USD', END), /no settlement id/);
  });
});

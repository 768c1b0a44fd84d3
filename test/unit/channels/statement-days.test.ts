import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scheduledDayOf, statementDaysOf } from '../../../shared/channels/statement-days.js';

describe('statement days', () => {
  it('are the UTC day itself for the sandbox and Stripe', () => {
    assert.deepEqual(statementDaysOf('sandbox', '2026-12-31'), ['2026-12-31']);
    assert.deepEqual(statementDaysOf('stripe', '2026-12-31'), ['2026-12-31']);
  });

  it('are the two Beijing days overlapping the UTC day for Alipay and WeChat Pay, across month and year ends', () => {
    assert.deepEqual(statementDaysOf('alipay', '2026-12-31'), ['2026-12-31', '2027-01-01']);
    assert.deepEqual(statementDaysOf('wechatpay', '2028-02-28'), ['2028-02-28', '2028-02-29']);
  });

  it('cover every instant of the UTC day: its first and last milliseconds fall in one of them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), (n) => {
        const date = new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
        const days = statementDaysOf('alipay', date);
        const start = Date.parse(`${date}T00:00:00Z`);
        const beijingDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
        return (
          days.length === 2 && beijingDay(start) === days[0] && beijingDay(start + 86_399_999) === days[1]
        );
      }),
    );
  });

  it('are reconciled by the schedule once the vendor has them: the next day for the sandbox, two days on otherwise', () => {
    const fired = new Date('2027-01-02T02:30:00Z');
    assert.equal(scheduledDayOf('sandbox', fired), '2027-01-01');
    assert.equal(scheduledDayOf('stripe', fired), '2026-12-31');
    assert.equal(scheduledDayOf('alipay', fired), '2026-12-31');
    assert.equal(scheduledDayOf('wechatpay', fired), '2026-12-31');
  });
});

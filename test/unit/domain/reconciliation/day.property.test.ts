import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { utcDayOf } from '../../../../shared/domain/reconciliation/day.js';

const two = (n: number) => String(n).padStart(2, '0');

describe('UTC day of a timestamp with an offset', () => {
  it('is the day Date gives for the same instant, on either side of midnight', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('1970-01-02T00:00:00Z'), max: Date.parse('9999-12-30T00:00:00Z') }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (ms, offsetMinutes) => {
          // Prepare: the instant's wall-clock time at that offset, written with the offset
          const t = Math.floor(ms / 1000) * 1000;
          const wall = new Date(t + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const abs = Math.abs(offsetMinutes);
          const ts = `${wall}${offsetMinutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
          // Act + Assess
          assert.equal(utcDayOf(ts), new Date(t).toISOString().slice(0, 10), ts);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

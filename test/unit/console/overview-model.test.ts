import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runsCsv } from '../../../console/src/csv.js';
import { figuresOf, seriesOf } from '../../../console/src/overview-model.js';

describe('console overview model', () => {
  it('shows the open work as figures, naming the discrepancies’ window, and leaves out what is absent', () => {
    const figures = figuresOf({
      object: 'overview',
      openReviews: 3,
      openDiscrepancies: { count: 1, days: 7 },
      deadLetters: { total: 4, queues: [{ name: 'risk', messages: 4 }] },
      channels: [],
    });
    assert.deepEqual(figures, [
      { label: 'Open reviews', value: 3 },
      { label: 'Open discrepancies (runs of the last 7 days)', value: 1 },
      { label: 'Dead letters', value: 4 },
    ]);
    assert.deepEqual(figuresOf({ openReviews: 0 }), [{ label: 'Open reviews', value: 0 }]);
    assert.deepEqual(figuresOf(null), []);
  });

  it('reads each channel’s hours as volume and authorization rate, oldest first, beside its 24 h totals', () => {
    const series = seriesOf({
      channels: [
        {
          channel: 'sandbox',
          volume: 4,
          authorizationRate: 0.75,
          hours: [
            { hour: '2026-01-01T00:00:00Z', succeeded: 3, failed: 1, unavailable: 2 },
            { hour: '2026-01-01T01:00:00Z', succeeded: 0, failed: 0, unavailable: 0 },
          ],
        },
        { channel: 'stripe', volume: 0, authorizationRate: null, hours: [] },
        { channel: 'alipay' },
      ],
    });
    assert.deepEqual(series, [
      { channel: 'sandbox', volume: [4, 0], authorizationRate: [0.75, 0], total: 4, rate: 0.75 },
      { channel: 'stripe', volume: [], authorizationRate: [], total: 0, rate: null },
    ]);
  });

  it('writes settlement runs as CSV, quoting what needs it', () => {
    assert.equal(
      runsCsv([
        { id: 'str_1', date: '2026-01-01', status: 'succeeded', settlements: 2 },
        { id: 'str_"2"', date: '2026-01-02', status: 'running' },
      ]),
      'id,date,status,settlements\r\nstr_1,2026-01-01,succeeded,2\r\n"str_""2""",2026-01-02,running,\r\n',
    );
  });
});

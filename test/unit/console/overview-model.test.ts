import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runsCsv } from '../../../console/src/csv.js';
import { figuresOf, humanize, seriesOf } from '../../../console/src/overview-model.js';

describe('console overview model', () => {
  it('makes a figure of every number, one level deep, with a readable label', () => {
    const figures = figuresOf({
      openReviews: 3,
      open_discrepancies: 1,
      deadLetters: { total: 4 },
      asOf: '2026-01-01T00:00:00Z',
      channels: [],
    });
    assert.deepEqual(figures, [
      { label: 'Open reviews', value: 3 },
      { label: 'Open discrepancies', value: 1 },
      { label: 'Dead letters total', value: 4 },
    ]);
    assert.equal(humanize('paymentsLast24h'), 'Payments last24h');
    assert.deepEqual(figuresOf(null), []);
  });

  it('reads each channel’s hourly points as volume and authorization rate, oldest first', () => {
    const series = seriesOf({
      channels: [
        { channel: 'sandbox', hourly: [{ succeeded: 3, failed: 1 }, { attempts: 0 }] },
        { id: 'stripe', series: [{ payments: 5, authorizationRate: 0.8 }] },
        { id: 'alipay' },
      ],
    });
    assert.deepEqual(series, [
      { channel: 'sandbox', volume: [4, 0], authorizationRate: [0.75, 0] },
      { channel: 'stripe', volume: [5], authorizationRate: [0.8] },
    ]);
    assert.deepEqual(
      seriesOf({ channels: { wechatpay: { hours: [{ count: 2, succeeded: 2, failed: 0 }] } } }),
      [{ channel: 'wechatpay', volume: [2], authorizationRate: [1] }],
    );
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

import assert from 'node:assert/strict';
import { afterEach, describe, it, mock } from 'node:test';
import { logger } from '../../../shared/http/logger.js';
import { emitMetrics } from '../../../shared/http/metric-line.js';
import { countChannelMetric, countChannelOutcomes } from '../../../shared/store/dynamodb/channel-metrics.js';

/** The (message, fields) of every WARN line written while `act` runs; nothing written at INFO. */
function linesOf(act: () => void): [string, any][] {
  const warn = mock.method(logger, 'warn', () => {});
  const info = mock.method(logger, 'info', () => {});
  act();
  assert.equal(info.mock.callCount(), 0, 'a metric line at INFO is dropped by Lambda at WARN');
  return warn.mock.calls.map((c) => c.arguments as unknown as [string, any]);
}

describe('metric lines (EMF)', () => {
  afterEach(() => mock.restoreAll());

  it('writes one EMF line at WARN with the values, dimensions and the Payments namespace', () => {
    // Act
    const lines = linesOf(() =>
      emitMetrics('reconciliation run ended', {
        dimensions: { channel: 'stripe' },
        metrics: { ReconciliationMatched: 7, ReconciliationRepaired: 1 },
        fields: { runId: 'rcr_x' },
      }),
    );
    // Assess
    assert.equal(lines.length, 1);
    const [message, fields] = lines[0] ?? [];
    assert.equal(message, 'reconciliation run ended');
    assert.equal(fields.channel, 'stripe');
    assert.equal(fields.ReconciliationMatched, 7);
    assert.equal(fields.runId, 'rcr_x');
    assert.deepEqual(fields._aws.CloudWatchMetrics, [
      {
        Namespace: 'Payments',
        Dimensions: [['channel']],
        Metrics: [
          { Name: 'ReconciliationMatched', Unit: 'Count' },
          { Name: 'ReconciliationRepaired', Unit: 'Count' },
        ],
      },
    ]);
    assert.equal(typeof fields._aws.Timestamp, 'number');
  });

  it('counts a breaker change per channel and across channels, as its alarm reads it', () => {
    const [[, fields] = []] = linesOf(() => countChannelMetric('ChannelBreakerOpened', 'alipay', 'opened'));
    assert.equal(fields.ChannelBreakerOpened, 1);
    assert.deepEqual(fields._aws.CloudWatchMetrics[0].Dimensions, [['channel'], []]);
  });

  it("writes a batch's outcomes as one line per channel", () => {
    const lines = linesOf(() =>
      countChannelOutcomes(
        new Map([
          ['sandbox', { succeeded: 90, failed: 8, unavailable: 2 }],
          ['stripe', { succeeded: 1, failed: 0, unavailable: 0 }],
        ]),
      ),
    );
    assert.deepEqual(
      lines.map(([, f]) => [f.channel, f.ChannelSucceeded, f.ChannelFailed, f.ChannelUnavailable]),
      [
        ['sandbox', 90, 8, 2],
        ['stripe', 1, 0, 0],
      ],
    );
  });
});

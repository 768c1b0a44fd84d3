import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BREAKER_SETTINGS } from '../../../../shared/domain/breaker.js';
import {
  channelRoutingState,
  decideRoute,
  emptyWindow,
  type RoutingConfig,
  type RoutingTarget,
  recordOutcome,
  submissionOrder,
} from '../../../../shared/domain/routing/index.js';

function only(target: RoutingTarget, quotas: RoutingConfig['quotas'] = {}): RoutingConfig {
  return { rules: [], default: target, quotas };
}

describe('channel routing state from stored facts', () => {
  it('derives half-open from an open breaker past its cooldown, and counts the windows at now', () => {
    // Prepare
    const now = Date.parse('2026-03-01T12:00:40.000Z');
    const opened = Date.parse('2026-03-01T12:00:05.000Z');
    const merchantWindow = recordOutcome(
      recordOutcome(emptyWindow(), now - 60_000, 'succeeded', 3),
      now,
      'failed',
    );
    // Act
    const state = channelRoutingState(
      {
        breaker: {
          state: { state: 'open', openedAt: opened, failures: [], probeTakenAt: null },
          settings: DEFAULT_BREAKER_SETTINGS,
        },
        merchantWindow,
      },
      now,
    );
    // Assess
    assert.deepEqual(state, {
      breaker: { state: 'half_open', probeAvailable: true },
      stats: { merchant: { succeeded: 3, failed: 1 } },
    });
    assert.deepEqual(channelRoutingState({}, now), {});
  });

  it('submits to the chosen channel and at most two more', () => {
    const config = only({ strategy: 'priority', channels: ['stripe', 'sandbox', 'alipay', 'wechatpay'] });
    const decision = decideRoute({
      payment: { amount: 100, currency: 'CNY' },
      config,
      channels: {},
      random: 0,
    });
    assert.equal(decision.candidates.length, 4);
    assert.deepEqual(submissionOrder(decision), ['stripe', 'sandbox', 'alipay']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ChannelStates,
  decideRoute,
  EXPLORATION_SHARE,
  MIN_RATE_ATTEMPTS,
  type RoutingConfig,
  type RoutingTarget,
} from '../../../../shared/domain/routing/index.js';

const usd = { amount: 10_000, currency: 'USD' };

function only(target: RoutingTarget, quotas: RoutingConfig['quotas'] = {}): RoutingConfig {
  return { rules: [], default: target, quotas };
}

describe('decideRoute: volume_split', () => {
  const config = only({
    strategy: 'volume_split',
    channels: ['sandbox', 'stripe'],
    weights: { sandbox: 30, stripe: 70 },
  });

  it('splits by weight with the random number and fails over to the rest by weight', () => {
    assert.deepEqual(decideRoute({ payment: usd, config, channels: {}, random: 0.29 }).candidates, [
      'sandbox',
      'stripe',
    ]);
    assert.deepEqual(decideRoute({ payment: usd, config, channels: {}, random: 0.3 }).candidates, [
      'stripe',
      'sandbox',
    ]);
  });

  it('accepts weights aligned with the channels', () => {
    const aligned = only({ strategy: 'volume_split', channels: ['sandbox', 'stripe'], weights: [30, 70] });
    assert.equal(
      decideRoute({ payment: usd, config: aligned, channels: {}, random: 0.29 }).chosen,
      'sandbox',
    );
    assert.equal(decideRoute({ payment: usd, config: aligned, channels: {}, random: 0.31 }).chosen, 'stripe');
  });

  it('renormalises over the healthy channels', () => {
    const decision = decideRoute({
      payment: usd,
      config,
      channels: { stripe: { breaker: { state: 'open' } } },
      random: 0.99,
    });
    assert.deepEqual(decision.candidates, ['sandbox']);
    assert.equal(decision.code, 'weighted');
  });
});

describe('decideRoute: lowest_fee', () => {
  const config = only({ strategy: 'lowest_fee', channels: ['sandbox', 'stripe'] });

  it('chooses the lowest fee for this amount and currency', () => {
    // Prepare: sandbox 2.9% + 30 = 320; stripe 1.5% + 100 = 250 on 10,000.
    const channels: ChannelStates = {
      sandbox: { fees: { USD: { percentBps: 290, fixed: 30 } } },
      stripe: { fees: { USD: { percentBps: 150, fixed: 100 } } },
    };
    // Act
    const big = decideRoute({ payment: usd, config, channels, random: 0 });
    const small = decideRoute({ payment: { amount: 1000, currency: 'USD' }, config, channels, random: 0 });
    // Assess: on 1,000 sandbox is 59, stripe 115.
    assert.deepEqual(big.candidates, ['stripe', 'sandbox']);
    assert.match(big.reason, /fee 250 is the lowest/);
    assert.deepEqual(small.candidates, ['sandbox', 'stripe']);
  });

  it('breaks ties by listed order and ranks a channel without a fee last', () => {
    const same = { fees: { USD: { percentBps: 100, fixed: 0 } } };
    assert.equal(
      decideRoute({ payment: usd, config, channels: { sandbox: same, stripe: same }, random: 0 }).chosen,
      'sandbox',
    );
    assert.equal(
      decideRoute({ payment: usd, config, channels: { stripe: same }, random: 0 }).chosen,
      'stripe',
    );
  });
});

describe('decideRoute: success_rate', () => {
  const config = only({ strategy: 'success_rate', channels: ['sandbox', 'stripe'] });
  const counts = (succeeded: number, failed: number) => ({ succeeded, failed });

  it("chooses the best rate of the merchant's own recent attempts", () => {
    const channels: ChannelStates = {
      sandbox: { stats: { merchant: counts(80, 20), global: counts(990, 10) } },
      stripe: { stats: { merchant: counts(45, 5) } },
    };
    const decision = decideRoute({ payment: usd, config, channels, random: 0.5 });
    assert.deepEqual(decision.candidates, ['stripe', 'sandbox']);
    assert.equal(decision.code, 'best_rate');
    assert.match(decision.reason, /90\.0% over 50 attempts \(merchant\)/);
  });

  it('falls back to the rate over all merchants below the minimum of attempts', () => {
    const channels: ChannelStates = {
      sandbox: { stats: { merchant: counts(MIN_RATE_ATTEMPTS - 1, 0), global: counts(700, 300) } },
      stripe: { stats: { merchant: counts(9, 10), global: counts(800, 200) } },
    };
    const decision = decideRoute({ payment: usd, config, channels, random: 0.5 });
    assert.equal(decision.chosen, 'stripe');
    assert.match(decision.reason, /all merchants/);
  });

  it('explores another healthy channel when the random number is below the exploration share', () => {
    const channels: ChannelStates = { stripe: { stats: { merchant: counts(99, 1) } } };
    const explored = decideRoute({ payment: usd, config, channels, random: EXPLORATION_SHARE / 2 });
    assert.equal(explored.code, 'exploration');
    assert.deepEqual(explored.candidates, ['sandbox', 'stripe']);
    const exploited = decideRoute({ payment: usd, config, channels, random: EXPLORATION_SHARE });
    assert.deepEqual(exploited.candidates, ['stripe', 'sandbox']);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BREAKER_SETTINGS } from '../../../../shared/domain/breaker.js';
import {
  type ChannelStates,
  channelRoutingState,
  decideRoute,
  EXPLORATION_SHARE,
  emptyWindow,
  MIN_RATE_ATTEMPTS,
  type RoutingConfig,
  type RoutingTarget,
  recordOutcome,
  submissionOrder,
} from '../../../../shared/domain/routing/index.js';

const usd = { amount: 10_000, currency: 'USD' };

function only(target: RoutingTarget, quotas: RoutingConfig['quotas'] = {}): RoutingConfig {
  return { rules: [], default: target, quotas };
}

describe('decideRoute: rules', () => {
  const config: RoutingConfig = {
    rules: [
      { name: 'cny', when: { currencies: ['CNY'] }, strategy: 'priority', channels: ['alipay', 'wechatpay'] },
      {
        name: 'big-eu',
        when: { amountMin: 100_000, countries: ['DE', 'FR'] },
        strategy: 'priority',
        channels: ['stripe'],
      },
      { name: 'small', when: { amountMax: 999 }, strategy: 'priority', channels: ['sandbox', 'stripe'] },
    ],
    default: { strategy: 'priority', channels: ['stripe', 'sandbox'] },
    quotas: {},
  };

  it('routes a merchant without configuration to the sandbox by priority', () => {
    // Act
    const decision = decideRoute({ payment: usd, channels: {}, random: 0.5 });
    // Assess
    assert.equal(decision.outcome, 'routed');
    assert.equal(decision.strategy, 'priority');
    assert.equal(decision.rule, null);
    assert.deepEqual(decision.candidates, ['sandbox']);
    assert.equal(decision.chosen, 'sandbox');
  });

  it('takes the first rule whose conditions all hold, in order', () => {
    assert.equal(
      decideRoute({ payment: { amount: 500, currency: 'CNY' }, config, channels: {}, random: 0 }).rule,
      'cny',
    );
    const eu = decideRoute({
      payment: { amount: 100_000, currency: 'EUR', country: 'DE' },
      config,
      channels: {},
      random: 0,
    });
    assert.equal(eu.rule, 'big-eu');
    assert.deepEqual(eu.candidates, ['stripe']);
    assert.equal(
      decideRoute({ payment: { amount: 999, currency: 'EUR' }, config, channels: {}, random: 0 }).rule,
      'small',
    );
  });

  it('treats amount bounds as inclusive and needs the customer country when a rule names countries', () => {
    const below = decideRoute({
      payment: { amount: 99_999, currency: 'EUR', country: 'DE' },
      config,
      channels: {},
      random: 0,
    });
    assert.equal(below.rule, null);
    const noCountry = decideRoute({
      payment: { amount: 200_000, currency: 'EUR' },
      config,
      channels: {},
      random: 0,
    });
    assert.equal(noCountry.rule, null);
    assert.equal(noCountry.chosen, 'stripe');
    const otherCountry = decideRoute({
      payment: { amount: 200_000, currency: 'EUR', country: 'US' },
      config,
      channels: {},
      random: 0,
    });
    assert.equal(otherCountry.rule, null);
  });

  it('does not fall through to a later rule when the matching rule has no healthy channel', () => {
    // Prepare
    const channels: ChannelStates = {
      alipay: { breaker: { state: 'open' } },
      wechatpay: { breaker: { state: 'half_open', probeAvailable: false } },
    };
    // Act
    const decision = decideRoute({ payment: { amount: 500, currency: 'CNY' }, config, channels, random: 0 });
    // Assess
    assert.equal(decision.outcome, 'unavailable');
    assert.equal(decision.code, 'no_healthy_candidate');
    assert.equal(decision.chosen, null);
    assert.deepEqual(decision.candidates, []);
    assert.deepEqual(decision.excluded, [
      { channel: 'alipay', why: 'breaker_open' },
      { channel: 'wechatpay', why: 'probe_taken' },
    ]);
    assert.match(decision.reason, /rule "cny".*no healthy channel.*alipay \(breaker open\)/);
  });

  it('leaves out channels that do not take the currency and says so', () => {
    const decision = decideRoute({
      payment: usd,
      config: only({ strategy: 'priority', channels: ['alipay', 'stripe'] }),
      channels: {},
      random: 0,
    });
    assert.deepEqual(decision.candidates, ['stripe']);
    assert.deepEqual(decision.excluded, [{ channel: 'alipay', why: 'currency_not_supported' }]);
    assert.match(decision.reason, /alipay \(does not take the currency\)/);
  });
});

describe('decideRoute: priority', () => {
  const config = only({ strategy: 'priority', channels: ['stripe', 'sandbox'] }, { stripe: { USD: 50_000 } });

  it('chooses the first healthy channel and fails over to the rest in listed order', () => {
    const decision = decideRoute({ payment: usd, config, channels: {}, random: 0.99 });
    assert.deepEqual(decision.candidates, ['stripe', 'sandbox']);
    assert.equal(decision.code, 'first_healthy');
    assert.equal(decision.reason, 'default, priority: stripe, first healthy in order');
  });

  it('counts a half-open channel as healthy only while its probe is free', () => {
    const free = decideRoute({
      payment: usd,
      config,
      channels: { stripe: { breaker: { state: 'half_open', probeAvailable: true } } },
      random: 0,
    });
    assert.equal(free.chosen, 'stripe');
    const taken = decideRoute({
      payment: usd,
      config,
      channels: { stripe: { breaker: { state: 'half_open' } } },
      random: 0,
    });
    assert.equal(taken.chosen, 'sandbox');
  });

  it('keeps a channel while used + amount stays within the quota, and skips it past that', () => {
    const fits = decideRoute({
      payment: usd,
      config,
      channels: { stripe: { quotaUsed: { USD: 40_000 } } },
      random: 0,
    });
    assert.equal(fits.chosen, 'stripe');
    const over = decideRoute({
      payment: usd,
      config,
      channels: { stripe: { quotaUsed: { USD: 40_001 } } },
      random: 0,
    });
    assert.equal(over.chosen, 'sandbox');
    assert.deepEqual(over.excluded, [{ channel: 'stripe', why: 'quota_reached' }]);
    // A quota in another currency does not apply.
    const eur = decideRoute({
      payment: { amount: 90_000, currency: 'EUR' },
      config,
      channels: {},
      random: 0,
    });
    assert.equal(eur.chosen, 'stripe');
  });
});

describe('decideRoute: pinned payments', () => {
  const config = only({ strategy: 'priority', channels: ['stripe', 'sandbox'] }, { stripe: { USD: 50_000 } });

  it('goes to the pinned channel alone, without failover', () => {
    const decision = decideRoute({
      payment: { ...usd, channel: 'sandbox' },
      config,
      channels: {},
      random: 0,
    });
    assert.equal(decision.outcome, 'routed');
    assert.equal(decision.strategy, 'pinned');
    assert.deepEqual(decision.candidates, ['sandbox']);
    assert.equal(decision.code, 'pinned');
  });

  it('is over quota, a distinct outcome, when the pinned channel has no room left', () => {
    const decision = decideRoute({
      payment: { ...usd, amount: 50_001, channel: 'stripe' },
      config,
      channels: {},
      random: 0,
    });
    assert.equal(decision.outcome, 'quota_exceeded');
    assert.equal(decision.chosen, null);
    assert.deepEqual(decision.candidates, []);
  });

  it('is unavailable when the pinned channel is open, and refused for a currency it does not take', () => {
    const open = decideRoute({
      payment: { ...usd, channel: 'stripe' },
      config,
      channels: { stripe: { breaker: { state: 'open' } } },
      random: 0,
    });
    assert.equal(open.outcome, 'unavailable');
    assert.deepEqual(open.candidates, []);
    const currency = decideRoute({ payment: { ...usd, channel: 'alipay' }, config, channels: {}, random: 0 });
    assert.equal(currency.outcome, 'currency_not_supported');
  });
});

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

describe('decideRoute: input', () => {
  it('refuses a random number outside [0, 1)', () => {
    assert.throws(() => decideRoute({ payment: usd, channels: {}, random: 1 }), RangeError);
    assert.throws(() => decideRoute({ payment: usd, channels: {}, random: Number.NaN }), RangeError);
  });
});

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

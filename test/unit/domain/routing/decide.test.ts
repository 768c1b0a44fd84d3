import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ChannelStates,
  decideRoute,
  type RoutingConfig,
  type RoutingTarget,
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

describe('decideRoute: input', () => {
  it('refuses a random number outside [0, 1)', () => {
    assert.throws(() => decideRoute({ payment: usd, channels: {}, random: 1 }), RangeError);
    assert.throws(() => decideRoute({ payment: usd, channels: {}, random: Number.NaN }), RangeError);
  });
});

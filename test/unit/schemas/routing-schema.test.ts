import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as z from 'zod/mini';
import { DEFAULT_ROUTING_CONFIG, type RoutingConfig } from '../../../shared/domain/routing/index.js';
import {
  channelSettingsSchema,
  DEFAULT_CHANNEL_SETTINGS,
  MAX_RULES,
  routingConfigSchema,
  unsupportedFeeCurrencies,
} from '../../../shared/schemas/routing.js';
import { configArb } from '../domain/routing/arbitraries.js';

function issues(body: unknown): string[] {
  const result = routingConfigSchema.safeParse(body);
  assert.equal(result.success, false, 'expected the body to be refused');
  return (result.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
}

const base = { default: { strategy: 'priority', channels: ['sandbox'] } };

describe('routing configuration schema', () => {
  it('accepts the default configuration and answers it unchanged', () => {
    const parsed: RoutingConfig = routingConfigSchema.parse(structuredClone(DEFAULT_ROUTING_CONFIG));
    assert.deepEqual(parsed, DEFAULT_ROUTING_CONFIG);
    assert.deepEqual(routingConfigSchema.parse(base), { rules: [], quotas: {}, ...base });
    assert.deepEqual(routingConfigSchema.parse({}), DEFAULT_ROUTING_CONFIG);
  });

  it('reads a rule without conditions as matching every payment', () => {
    const parsed = routingConfigSchema.parse({
      ...base,
      rules: [{ name: 'all', strategy: 'priority', channels: ['stripe'] }],
    });
    assert.deepEqual(parsed.rules[0]?.when, {});
  });

  it('converts to JSON Schema for the OpenAPI document', () => {
    const schema = z.toJSONSchema(routingConfigSchema, { io: 'input', unrepresentable: 'any' }) as {
      additionalProperties?: unknown;
    };
    assert.equal(schema.additionalProperties, false);
    assert.ok(z.toJSONSchema(channelSettingsSchema, { io: 'output', unrepresentable: 'any' }));
  });

  it('round-trips: what GET returns is a valid PUT body that parses to itself', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        const first = routingConfigSchema.safeParse(JSON.parse(JSON.stringify(config)));
        fc.pre(first.success);
        const again = routingConfigSchema.parse(JSON.parse(JSON.stringify(first.data)));
        assert.deepEqual(again, first.data);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses unknown fields at every level', () => {
    assert.deepEqual(issues({ ...base, extra: 1 }), [': Unrecognized key: "extra"']);
    assert.deepEqual(
      issues({
        ...base,
        rules: [{ name: 'a', when: { amountMaxx: 5 }, strategy: 'priority', channels: ['stripe'] }],
      }),
      ['rules.0.when: Unrecognized key: "amountMaxx"'],
    );
  });

  it('requires weights for volume_split, one per listed channel, summing to 100', () => {
    const split = (weights: unknown) => ({
      default: { strategy: 'volume_split', channels: ['stripe', 'sandbox'], weights },
    });
    assert.deepEqual(issues({ default: { strategy: 'volume_split', channels: ['stripe'] } }), [
      'default.weights: volume_split requires weights',
    ]);
    assert.deepEqual(issues(split({ stripe: 60, sandbox: 30 })), [
      'default.weights: must sum to 100 (they sum to 90)',
    ]);
    assert.deepEqual(issues(split({ stripe: 100 })), [
      'default.weights.sandbox: a weight for sandbox is required',
    ]);
    assert.deepEqual(issues(split({ stripe: 50, sandbox: 25, alipay: 25 })), [
      'default.weights.alipay: alipay is not in channels',
    ]);
    assert.deepEqual(issues(split([100])), ['default.weights: must have one weight per channel (2)']);
    assert.deepEqual(issues({ default: { strategy: 'priority', channels: ['stripe'], weights: [100] } }), [
      'default.weights: only volume_split takes weights',
    ]);
    assert.equal(routingConfigSchema.safeParse(split({ stripe: 70, sandbox: 30 })).success, true);
    assert.equal(routingConfigSchema.safeParse(split([70, 30])).success, true);
  });

  it('refuses duplicate rule names, inverted amount bounds, unknown channels and currencies', () => {
    const rule = (name: string, when: object = {}) => ({
      name,
      when,
      strategy: 'priority',
      channels: ['stripe'],
    });
    assert.deepEqual(issues({ ...base, rules: [rule('a'), rule('b'), rule('a')] }), [
      'rules.2.name: duplicate rule name "a" (first at rules[0])',
    ]);
    assert.deepEqual(issues({ ...base, rules: [rule('a', { amountMin: 10, amountMax: 9 })] }), [
      'rules.0.when.amountMax: must be at least amountMin',
    ]);
    assert.deepEqual(issues({ default: { strategy: 'priority', channels: ['paypal'] } }), [
      'default.channels.0: must be one of: sandbox, stripe, alipay, wechatpay',
    ]);
    assert.deepEqual(issues({ default: { strategy: 'priority', channels: ['stripe', 'stripe'] } }), [
      'default.channels: must not list a channel twice',
    ]);
    assert.ok(
      issues({ ...base, rules: [rule('a', { currencies: ['USX'] })] }).includes(
        'rules.0.when.currencies.0: is not an active ISO 4217 currency',
      ),
    );
    assert.ok(
      issues({ default: { strategy: 'cheapest', channels: ['stripe'] } })[0]?.startsWith(
        'default.strategy: must be one of',
      ),
    );
  });

  it('caps the number of rules and refuses quotas in a currency the channel does not take', () => {
    const rules = Array.from({ length: MAX_RULES + 1 }, (_, i) => ({
      name: `r${i}`,
      when: {},
      strategy: 'priority',
      channels: ['stripe'],
    }));
    assert.deepEqual(issues({ ...base, rules }), [`rules: at most ${MAX_RULES} rules`]);
    assert.deepEqual(issues({ ...base, quotas: { alipay: { USD: 100 } } }), [
      'quotas.alipay.USD: alipay does not take USD',
    ]);
    assert.deepEqual(issues({ ...base, quotas: { stripe: { USD: -1 } } }), [
      'quotas.stripe.USD: must be at least 0',
    ]);
  });
});

describe('channel settings schema', () => {
  it('defaults the breaker to 5 failures in 60 s, 30 s cooldown, and no fees', () => {
    assert.deepEqual(DEFAULT_CHANNEL_SETTINGS, {
      fees: {},
      breaker: { failureThreshold: 5, windowSeconds: 60, cooldownSeconds: 30 },
    });
    assert.deepEqual(channelSettingsSchema.parse({ breaker: { cooldownSeconds: 10 } }).breaker, {
      failureThreshold: 5,
      windowSeconds: 60,
      cooldownSeconds: 10,
    });
  });

  it('refuses malformed fees and names fees in a currency the channel does not take', () => {
    assert.equal(
      channelSettingsSchema.safeParse({ fees: { USD: { percentBps: 290.5, fixed: 30 } } }).success,
      false,
    );
    assert.equal(
      channelSettingsSchema.safeParse({ fees: { USD: { percentBps: 290, fixed: 30, cap: 1 } } }).success,
      false,
    );
    const settings = channelSettingsSchema.parse({
      fees: { USD: { percentBps: 290, fixed: 30 }, CNY: { percentBps: 60, fixed: 0 } },
    });
    assert.deepEqual(unsupportedFeeCurrencies('alipay', settings), [
      { path: 'fees.USD', message: 'alipay does not take USD' },
    ]);
    assert.deepEqual(unsupportedFeeCurrencies('stripe', settings), []);
  });
});

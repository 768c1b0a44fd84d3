/** fast-check arbitraries of routing inputs: configurations, channel states and payments. */
import fc from 'fast-check';
import {
  type ChannelRoutingState,
  type ChannelStates,
  ROUTING_CHANNELS,
  ROUTING_STRATEGIES,
  type RoutingChannel,
  type RoutingConfig,
  type RoutingRule,
  type RoutingTarget,
} from '../../../../shared/domain/routing/index.js';

export const CURRENCIES = ['USD', 'EUR', 'JPY', 'CNY', 'KWD'] as const;
const COUNTRIES = ['US', 'DE', 'CN', 'JP'] as const;

export const channelListArb = fc.uniqueArray(fc.constantFrom(...ROUTING_CHANNELS), {
  minLength: 1,
  maxLength: 4,
});

/** Integer percents, one per channel, summing to 100. */
export function weightsArb(count: number): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 0, max: 100 }), { minLength: count, maxLength: count }).map((raw) => {
    const total = raw.reduce((s, w) => s + w, 0);
    if (total === 0) return raw.map((_, i) => (i === 0 ? 100 : 0));
    const scaled = raw.map((w) => Math.floor((w * 100) / total));
    scaled[0] = (scaled[0] as number) + 100 - scaled.reduce((s, w) => s + w, 0);
    return scaled;
  });
}

export const targetArb: fc.Arbitrary<RoutingTarget> = fc
  .record({ strategy: fc.constantFrom(...ROUTING_STRATEGIES), channels: channelListArb })
  .chain(
    ({ strategy, channels }): fc.Arbitrary<RoutingTarget> =>
      strategy === 'volume_split'
        ? weightsArb(channels.length).map((w) => ({
            strategy,
            channels,
            weights: Object.fromEntries(channels.map((c, i) => [c, w[i]])) as Record<RoutingChannel, number>,
          }))
        : fc.constant({ strategy, channels }),
  );

const ruleArb: fc.Arbitrary<RoutingRule> = fc
  .record({
    target: targetArb,
    currencies: fc.option(fc.uniqueArray(fc.constantFrom(...CURRENCIES), { minLength: 1 }), {
      nil: undefined,
    }),
    amountMin: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
    amountMax: fc.option(fc.integer({ min: 100_000, max: 1_000_000_000_000 }), { nil: undefined }),
    countries: fc.option(fc.uniqueArray(fc.constantFrom(...COUNTRIES), { minLength: 1 }), { nil: undefined }),
  })
  .map(({ target, ...when }) => ({ name: 'r', when, ...target }));

const quotasArb = fc.dictionary(
  fc.constantFrom(...ROUTING_CHANNELS),
  fc.dictionary(fc.constantFrom(...CURRENCIES), fc.integer({ min: 0, max: 2_000_000 })),
);

export const configArb: fc.Arbitrary<RoutingConfig> = fc
  .record({ rules: fc.array(ruleArb, { maxLength: 3 }), default: targetArb, quotas: quotasArb })
  .map((c) => ({ ...c, rules: c.rules.map((r, i) => ({ ...r, name: `rule-${i}` })) }));

const countsArb = fc.record({ succeeded: fc.nat(200), failed: fc.nat(200) });

export const channelStateArb: fc.Arbitrary<ChannelRoutingState> = fc.record(
  {
    breaker: fc.record({
      state: fc.constantFrom('closed', 'open', 'half_open' as const),
      probeAvailable: fc.boolean(),
    }),
    quotaUsed: fc.dictionary(fc.constantFrom(...CURRENCIES), fc.integer({ min: 0, max: 2_000_000 })),
    fees: fc.dictionary(
      fc.constantFrom(...CURRENCIES),
      fc.record({ percentBps: fc.integer({ min: 0, max: 1000 }), fixed: fc.integer({ min: 0, max: 500 }) }),
    ),
    stats: fc.record({ merchant: countsArb, global: countsArb }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

export const statesArb: fc.Arbitrary<ChannelStates> = fc.dictionary(
  fc.constantFrom(...ROUTING_CHANNELS),
  channelStateArb,
);

export const paymentArb = fc.record({
  amount: fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000_000_000 })),
  currency: fc.constantFrom(...CURRENCIES),
  country: fc.option(fc.constantFrom(...COUNTRIES), { nil: undefined }),
  channel: fc.option(fc.constantFrom(...ROUTING_CHANNELS), { nil: undefined, freq: 4 }),
});

export const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** A small deterministic PRNG (mulberry32) for sampling many random numbers in one property run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

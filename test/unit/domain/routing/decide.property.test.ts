import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type ChannelStates,
  channelFeeFor,
  decideRoute,
  EXPLORATION_SHARE,
  exclusionOf,
  ROUTING_CHANNELS,
  type RoutingConfig,
  supportsCurrency,
} from '../../../../shared/domain/routing/index.js';
import {
  CURRENCIES,
  configArb,
  paymentArb,
  randomArb,
  seeded,
  statesArb,
  weightsArb,
} from './arbitraries.js';

describe('decideRoute properties', () => {
  it('chooses a healthy candidate that takes the currency; candidates are healthy, supported and distinct', () => {
    fc.assert(
      fc.property(paymentArb, configArb, statesArb, randomArb, (payment, config, channels, random) => {
        // Act
        const d = decideRoute({ payment, config, channels, random });
        // Assess
        assert.equal(new Set(d.candidates).size, d.candidates.length);
        for (const c of d.candidates) {
          assert.ok(supportsCurrency(c, payment.currency));
          assert.equal(exclusionOf(c, payment, config.quotas, channels), null);
          assert.ok(!d.excluded.some((e) => e.channel === c));
        }
        if (d.outcome === 'routed') {
          assert.equal(d.chosen, d.candidates[0]);
          assert.ok(d.reason.includes(d.chosen as string));
        } else {
          assert.equal(d.chosen, null);
          assert.deepEqual(d.candidates, []);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never gives a pinned payment another candidate', () => {
    fc.assert(
      fc.property(
        paymentArb,
        fc.constantFrom(...ROUTING_CHANNELS),
        configArb,
        statesArb,
        randomArb,
        (payment, channel, config, channels, random) => {
          const d = decideRoute({ payment: { ...payment, channel }, config, channels, random });
          assert.equal(d.strategy, 'pinned');
          assert.ok(d.candidates.every((c) => c === channel));
          assert.ok(d.candidates.length <= 1);
          if (d.outcome === 'quota_exceeded')
            assert.deepEqual(d.excluded, [{ channel, why: 'quota_reached' }]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("lowest_fee never chooses a channel whose fee is above another healthy candidate's", () => {
    fc.assert(
      fc.property(paymentArb, configArb, statesArb, randomArb, (payment, base, channels, random) => {
        const config: RoutingConfig = {
          ...base,
          rules: [],
          default: { strategy: 'lowest_fee', channels: [...ROUTING_CHANNELS] },
        };
        const d = decideRoute({ payment: { ...payment, channel: undefined }, config, channels, random });
        if (d.chosen === null) return;
        const fee = (c: (typeof ROUTING_CHANNELS)[number]) =>
          channelFeeFor(channels[c]?.fees, payment.currency, payment.amount);
        const chosenFee = fee(d.chosen);
        for (const other of d.candidates) {
          const otherFee = fee(other);
          if (otherFee === null) continue;
          assert.notEqual(chosenFee, null, 'a priced candidate exists, so the choice must be priced');
          assert.ok((chosenFee as number) <= otherFee);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("volume_split's shares over many random numbers match the weights, renormalised over healthy channels", () => {
    fc.assert(
      fc.property(
        weightsArb(4),
        fc.constantFrom(...ROUTING_CHANNELS, null),
        fc.integer(),
        (weights, down, seed) => {
          // Prepare: CNY, which every channel takes; one channel possibly open.
          const listed = [...ROUTING_CHANNELS];
          const config: RoutingConfig = {
            rules: [],
            default: { strategy: 'volume_split', channels: listed, weights },
            quotas: {},
          };
          const channels: ChannelStates = down ? { [down]: { breaker: { state: 'open' } } } : {};
          const healthyWeight = (i: number) => (listed[i] === down ? 0 : (weights[i] as number));
          const total = listed.reduce((s, _, i) => s + healthyWeight(i), 0);
          fc.pre(total > 0);
          const next = seeded(seed);
          const n = 10_000;
          const counts = new Map<string, number>();
          // Act
          for (let i = 0; i < n; i++) {
            const d = decideRoute({
              payment: { amount: 100, currency: 'CNY' },
              config,
              channels,
              random: next(),
            });
            counts.set(d.chosen as string, (counts.get(d.chosen as string) ?? 0) + 1);
          }
          // Assess: within 2.5 points, five standard errors at n = 10,000.
          listed.forEach((c, i) => {
            const share = (counts.get(c) ?? 0) / n;
            const expected = healthyWeight(i) / total;
            assert.ok(Math.abs(share - expected) < 0.025, `${c}: ${share} vs ${expected}`);
          });
        },
      ),
      { numRuns: 20 },
    );
  });

  it('explores at most 10% of success_rate decisions', () => {
    fc.assert(
      fc.property(statesArb, fc.constantFrom(...CURRENCIES), fc.integer(), (states, currency, seed) => {
        // Prepare: breakers closed so every supporting channel is a candidate.
        const channels: ChannelStates = Object.fromEntries(
          Object.entries(states).map(([c, s]) => [c, { ...s, breaker: { state: 'closed' as const } }]),
        );
        const config: RoutingConfig = {
          rules: [],
          default: { strategy: 'success_rate', channels: [...ROUTING_CHANNELS] },
          quotas: {},
        };
        const payment = { amount: 1000, currency };
        const best = decideRoute({ payment, config, channels, random: 0.999 }).chosen;
        const next = seeded(seed);
        const n = 4000;
        let elsewhere = 0;
        // Act
        for (let i = 0; i < n; i++)
          if (decideRoute({ payment, config, channels, random: next() }).chosen !== best) elsewhere++;
        // Assess: the configured share, with room for sampling noise, and never above the contract's 10%.
        assert.ok(elsewhere / n <= Math.min(0.1, EXPLORATION_SHARE + 0.018), `${elsewhere / n}`);
      }),
      { numRuns: 30 },
    );
  });
});

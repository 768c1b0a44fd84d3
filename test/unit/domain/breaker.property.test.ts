import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type BreakerEvent,
  type BreakerSettings,
  type BreakerState,
  CLOSED_BREAKER,
  stepBreaker,
} from '../../../shared/domain/breaker.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');

const settingsArb: fc.Arbitrary<BreakerSettings> = fc.record({
  failureThreshold: fc.integer({ min: 1, max: 10 }),
  windowSeconds: fc.integer({ min: 1, max: 120 }),
  cooldownSeconds: fc.integer({ min: 1, max: 60 }),
});

/** Events at non-decreasing times, as one clock sees them. */
function eventsArb(types: readonly BreakerEvent['type'][]) {
  return fc
    .array(
      fc.record({
        gap: fc.integer({ min: 0, max: 20_000 }),
        type: fc.constantFrom(...types),
        available: fc.boolean(),
      }),
      { maxLength: 80 },
    )
    .map((raw) => {
      let at = T0;
      return raw.map(({ gap, type, available }): BreakerEvent => {
        at += gap;
        return type === 'probe_result' ? { type, at, available } : ({ type, at } as BreakerEvent);
      });
    });
}

function replay(
  settings: BreakerSettings,
  events: readonly BreakerEvent[],
  each?: (s: BreakerState, e: BreakerEvent) => void,
) {
  let state = CLOSED_BREAKER;
  for (const e of events) {
    each?.(state, e);
    state = stepBreaker(state, settings, e).next;
  }
  return state;
}

describe('channel circuit breaker properties', () => {
  it('never opens on declines, successes or the passing of time', () => {
    fc.assert(
      fc.property(settingsArb, eventsArb(['declined', 'succeeded', 'tick']), (settings, events) => {
        assert.equal(replay(settings, events).state, 'closed');
      }),
    );
  });

  it('opens exactly when the threshold-th failure falls within the window', () => {
    fc.assert(
      fc.property(settingsArb, eventsArb(['unavailable', 'declined', 'succeeded']), (settings, events) => {
        const failuresAt: number[] = [];
        let state = CLOSED_BREAKER;
        for (const e of events) {
          const step = stepBreaker(state, settings, e);
          if (state.state === 'closed' && e.type === 'unavailable') {
            failuresAt.push(e.at);
            const inWindow = failuresAt.filter((t) => t > e.at - settings.windowSeconds * 1000).length;
            // Assess: opens on this event if and only if the window now holds the threshold.
            assert.equal(step.next.state === 'open', inWindow >= settings.failureThreshold);
            assert.equal(step.publish, step.next.state === 'open' ? 'ChannelBreakerOpened' : null);
          }
          if (state.state === 'closed' && e.type !== 'unavailable') assert.equal(step.write, false);
          state = step.next;
          if (state.state === 'open') return;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('hands out exactly one probe while half-open, until a result or the claim expires', () => {
    fc.assert(
      fc.property(
        settingsArb,
        eventsArb(['unavailable', 'claim_probe', 'claim_probe', 'claim_probe', 'probe_result', 'tick']),
        (settings, events) => {
          let holder: number | null = null;
          let state = CLOSED_BREAKER;
          for (const e of events) {
            const step = stepBreaker(state, settings, e);
            if (e.type === 'claim_probe' && step.granted && step.next.state === 'half_open') {
              // Assess: no other live claim exists when one is granted.
              assert.ok(holder === null || e.at >= holder + settings.cooldownSeconds * 1000);
              holder = e.at;
            }
            if (step.next.state !== 'half_open') holder = null;
            if (e.type === 'claim_probe' && state.state === 'open') {
              assert.equal(
                step.granted,
                e.at >= (state.openedAt as number) + settings.cooldownSeconds * 1000,
              );
            }
            state = step.next;
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('publishes only on a change of state and keeps the failure list within the threshold', () => {
    fc.assert(
      fc.property(
        settingsArb,
        eventsArb(['unavailable', 'declined', 'succeeded', 'claim_probe', 'probe_result', 'tick']),
        (settings, events) => {
          replay(settings, events, (state, e) => {
            const step = stepBreaker(state, settings, e);
            if (step.publish === 'ChannelBreakerOpened') assert.equal(step.next.state, 'open');
            if (step.publish === 'ChannelBreakerClosed') assert.equal(step.next.state, 'closed');
            if (step.publish !== null) assert.ok(step.write);
            assert.ok(step.next.failures.length <= settings.failureThreshold);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

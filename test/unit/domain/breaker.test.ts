import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BreakerEvent,
  type BreakerState,
  breakerPosition,
  breakerView,
  CLOSED_BREAKER,
  DEFAULT_BREAKER_SETTINGS,
  stepBreaker,
} from '../../../shared/domain/breaker.js';

const S = DEFAULT_BREAKER_SETTINGS;
const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const sec = (n: number) => T0 + n * 1000;

function run(events: readonly BreakerEvent[], from: BreakerState = CLOSED_BREAKER) {
  const steps = [];
  let state = from;
  for (const e of events) {
    const step = stepBreaker(state, S, e);
    steps.push(step);
    state = step.next;
  }
  return { state, steps };
}

const failures = (times: readonly number[]): BreakerEvent[] =>
  times.map((t) => ({ type: 'unavailable', at: sec(t) }));

describe('channel circuit breaker', () => {
  it('opens at the fifth unavailability failure within 60 s and publishes ChannelBreakerOpened', () => {
    // Act
    const { state, steps } = run(failures([0, 10, 20, 30, 40]));
    // Assess
    assert.equal(state.state, 'open');
    assert.equal(state.openedAt, sec(40));
    assert.deepEqual(
      steps.map((s) => s.publish),
      [null, null, null, null, 'ChannelBreakerOpened'],
    );
    assert.ok(steps.every((s) => s.write));
  });

  it('does not open when the failures are spread over more than the window', () => {
    const { state } = run(failures([0, 20, 40, 59, 60, 61]));
    // At 60 s the failure at 0 has left the window: 20, 40, 59, 60 are four; 61 makes five.
    assert.equal(state.state, 'open');
    assert.equal(run(failures([0, 20, 40, 59, 60])).state.state, 'closed');
  });

  it('writes nothing for a failure reported after its window had passed', () => {
    const { state } = run(failures([100, 101]));
    const late = stepBreaker(state, S, { type: 'unavailable', at: sec(30) });
    assert.equal(late.write, false);
    assert.equal(late.next, state);
  });

  it('never counts declines, and writes nothing for healthy answers', () => {
    const events: BreakerEvent[] = [];
    for (let i = 0; i < 50; i++) events.push({ type: i % 2 ? 'declined' : 'succeeded', at: sec(i) });
    const { state, steps } = run(events);
    assert.equal(state, CLOSED_BREAKER);
    assert.ok(steps.every((s) => !s.write && s.publish === null));
  });

  it('routes nothing while open, then lets exactly one probe through after the cooldown', () => {
    // Prepare
    const open = run(failures([0, 1, 2, 3, 4])).state;
    // Act / Assess
    assert.deepEqual(breakerPosition(open, S, sec(33)), { state: 'open', probeAvailable: false });
    assert.equal(stepBreaker(open, S, { type: 'claim_probe', at: sec(33) }).granted, false);
    assert.deepEqual(breakerPosition(open, S, sec(34)), { state: 'half_open', probeAvailable: true });
    const first = stepBreaker(open, S, { type: 'claim_probe', at: sec(34) });
    assert.equal(first.granted, true);
    assert.equal(first.write, true);
    const second = stepBreaker(first.next, S, { type: 'claim_probe', at: sec(35) });
    assert.equal(second.granted, false);
    assert.equal(second.write, false);
    assert.deepEqual(breakerPosition(first.next, S, sec(35)), { state: 'half_open', probeAvailable: false });
  });

  it('closes when the probe finds the channel available, and opens again when it does not', () => {
    const probing = stepBreaker(run(failures([0, 1, 2, 3, 4])).state, S, {
      type: 'claim_probe',
      at: sec(40),
    }).next;
    const closed = stepBreaker(probing, S, { type: 'probe_result', at: sec(41), available: true });
    assert.equal(closed.next.state, 'closed');
    assert.equal(closed.publish, 'ChannelBreakerClosed');
    assert.deepEqual(closed.next.failures, []);
    const reopened = stepBreaker(probing, S, { type: 'probe_result', at: sec(41), available: false });
    assert.equal(reopened.next.state, 'open');
    assert.equal(reopened.next.openedAt, sec(41));
    assert.equal(reopened.publish, 'ChannelBreakerOpened');
  });

  it('frees the probe of a payment that never reported, one cooldown after it was taken', () => {
    const probing = stepBreaker(run(failures([0, 1, 2, 3, 4])).state, S, {
      type: 'claim_probe',
      at: sec(40),
    }).next;
    assert.equal(stepBreaker(probing, S, { type: 'claim_probe', at: sec(69) }).granted, false);
    assert.equal(stepBreaker(probing, S, { type: 'claim_probe', at: sec(70) }).granted, true);
  });

  it('answers the contract shape, open with the failures that opened it', () => {
    const open = run(failures([0, 1, 2, 3, 4])).state;
    assert.deepEqual(breakerView(open, S, sec(10)), {
      state: 'open',
      failureThreshold: 5,
      windowSeconds: 60,
      cooldownSeconds: 30,
      openedAt: '2026-03-01T12:00:04.000Z',
      recentFailures: 5,
    });
    assert.equal(breakerView(open, S, sec(34)).state, 'half_open');
    assert.deepEqual(breakerView(CLOSED_BREAKER, S, sec(0)), {
      state: 'closed',
      failureThreshold: 5,
      windowSeconds: 60,
      cooldownSeconds: 30,
      openedAt: null,
      recentFailures: 0,
    });
  });
});

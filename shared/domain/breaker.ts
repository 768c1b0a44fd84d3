/**
 * A channel's circuit breaker, pure (contract: "Routing and channel health"): state + settings + event →
 * next state, and whether the change must be written and published. Shared by every merchant and every
 * running function, so the wiring keeps it in one item per channel and applies these steps with
 * conditional writes; only the steps that say `write` cost one.
 *
 * Modelled on Powertools' breaker: a healthy call writes nothing (successes and declines change no
 * state); an unavailability failure adds one timestamp; only opening and closing publish. Declines never
 * count: a declined card says the channel works. Times are epoch ms, passed in.
 */

export type BreakerPositionName = 'closed' | 'open' | 'half_open';

export interface BreakerSettings {
  /** Unavailability failures within `windowSeconds` that open the breaker. */
  readonly failureThreshold: number;
  readonly windowSeconds: number;
  /** Time open before one probe may go through; also how long a probe holds its claim. */
  readonly cooldownSeconds: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = Object.freeze({
  failureThreshold: 5,
  windowSeconds: 60,
  cooldownSeconds: 30,
});

export interface BreakerState {
  readonly state: BreakerPositionName;
  /** When it last opened (ms), `null` while closed. */
  readonly openedAt: number | null;
  /** Unavailability failures (ms) still in the window, oldest first; at most `failureThreshold`. */
  readonly failures: readonly number[];
  /** In `half_open`: when the one probe was handed out (ms), `null` while it is free. */
  readonly probeTakenAt: number | null;
}

export const CLOSED_BREAKER: BreakerState = Object.freeze({
  state: 'closed',
  openedAt: null,
  failures: Object.freeze([]) as readonly number[],
  probeTakenAt: null,
});

export type BreakerEvent =
  /** The channel was unavailable: 5xx, refused, or a timeout after which it had not taken the payment. */
  | { readonly type: 'unavailable'; readonly at: number }
  /** The channel answered: the payment succeeded (`succeeded`) or was declined (`declined`). */
  | { readonly type: 'succeeded'; readonly at: number }
  | { readonly type: 'declined'; readonly at: number }
  /** A payment asks to be the half-open probe. */
  | { readonly type: 'claim_probe'; readonly at: number }
  /** What the probe found: the channel answered (`available`, a decline included) or not. */
  | { readonly type: 'probe_result'; readonly at: number; readonly available: boolean }
  /** Time passes: an open breaker whose cooldown is over becomes half-open. */
  | { readonly type: 'tick'; readonly at: number };

export type BreakerEventName = 'ChannelBreakerOpened' | 'ChannelBreakerClosed';

export interface BreakerStep {
  readonly next: BreakerState;
  /** Whether the stored item must change (a conditional write on the previous state). */
  readonly write: boolean;
  /** The bus event this change announces, if any. */
  readonly publish: BreakerEventName | null;
  /** For `claim_probe`: whether this payment may go to the channel. */
  readonly granted?: boolean;
}

const stay = (state: BreakerState): BreakerStep => ({ next: state, write: false, publish: null });

function opened(at: number, failures: readonly number[]): BreakerStep {
  return {
    next: { state: 'open', openedAt: at, failures, probeTakenAt: null },
    write: true,
    publish: 'ChannelBreakerOpened',
  };
}

/** Failures still in the window that ends at the latest one seen, `at` included when it is inside. */
function failuresWith(state: BreakerState, settings: BreakerSettings, at: number): number[] {
  const all = [...state.failures, at].sort((a, b) => a - b);
  const latest = all.at(-1) as number;
  return all.filter((f) => f > latest - settings.windowSeconds * 1000);
}

function cooledDown(state: BreakerState, settings: BreakerSettings, at: number): boolean {
  return state.openedAt !== null && at >= state.openedAt + settings.cooldownSeconds * 1000;
}

function closed(state: BreakerState, settings: BreakerSettings, event: BreakerEvent): BreakerStep {
  if (event.type === 'claim_probe') return { ...stay(state), granted: true };
  if (event.type !== 'unavailable') return stay(state);
  const recent = failuresWith(state, settings, event.at);
  if (recent.length >= settings.failureThreshold)
    return opened(event.at, recent.slice(-settings.failureThreshold));
  // A failure reported after its window had passed changes nothing worth a write.
  if (!recent.includes(event.at)) return stay(state);
  return { next: { ...state, failures: recent }, write: true, publish: null };
}

function halfOpen(state: BreakerState, settings: BreakerSettings, event: BreakerEvent): BreakerStep {
  switch (event.type) {
    case 'claim_probe': {
      // A probe whose answer never came (its function died) frees the claim after one more cooldown.
      const free =
        state.probeTakenAt === null || event.at >= state.probeTakenAt + settings.cooldownSeconds * 1000;
      if (!free) return { ...stay(state), granted: false };
      return { next: { ...state, probeTakenAt: event.at }, write: true, publish: null, granted: true };
    }
    case 'probe_result':
      if (!event.available) return opened(event.at, state.failures);
      return { next: CLOSED_BREAKER, write: true, publish: 'ChannelBreakerClosed' };
    default:
      // Late answers of payments sent before it opened say nothing about the channel now.
      return stay(state);
  }
}

/**
 * The breaker after `event`. Open → half-open is not written: it follows from `openedAt` and the
 * cooldown, so every reader derives it (`tick`, or `breakerPosition`) and no timer is needed.
 */
export function stepBreaker(
  state: BreakerState,
  settings: BreakerSettings,
  event: BreakerEvent,
): BreakerStep {
  switch (state.state) {
    case 'closed':
      return closed(state, settings, event);
    case 'half_open':
      return halfOpen(state, settings, event);
    case 'open': {
      if (!cooledDown(state, settings, event.at)) {
        return event.type === 'claim_probe' ? { ...stay(state), granted: false } : stay(state);
      }
      const half: BreakerState = { ...state, state: 'half_open', probeTakenAt: null };
      if (event.type === 'tick') return { next: half, write: false, publish: null };
      return halfOpen(half, settings, event);
    }
  }
}

/**
 * The breaker as it stands at `now`: an open one past its cooldown is half-open (what `stepBreaker`
 * answers for a `tick`, without the state machine: readers such as routing at create carry only this).
 */
export function breakerAt(state: BreakerState, settings: BreakerSettings, now: number): BreakerState {
  if (state.state !== 'open' || !cooledDown(state, settings, now)) return state;
  return { ...state, state: 'half_open', probeTakenAt: null };
}

/** What routing needs: the position at `now`, and in half-open whether the probe is free. */
export function breakerPosition(
  state: BreakerState,
  settings: BreakerSettings,
  now: number,
): { state: BreakerPositionName; probeAvailable: boolean } {
  const current = breakerAt(state, settings, now);
  if (current.state !== 'half_open') return { state: current.state, probeAvailable: false };
  const free = current.probeTakenAt === null || now >= current.probeTakenAt + settings.cooldownSeconds * 1000;
  return { state: 'half_open', probeAvailable: free };
}

/** The `breaker` of a channel's answer (contract: GET /v1/ops/channels). */
export interface BreakerView extends BreakerSettings {
  readonly state: BreakerPositionName;
  readonly openedAt: string | null;
  readonly recentFailures: number;
}

/** The breaker's answer at `now`; `recentFailures` counts the failures in the window ending at `now`. */
export function breakerView(state: BreakerState, settings: BreakerSettings, now: number): BreakerView {
  const current = breakerAt(state, settings, now);
  const from = now - settings.windowSeconds * 1000;
  return {
    state: current.state,
    failureThreshold: settings.failureThreshold,
    windowSeconds: settings.windowSeconds,
    cooldownSeconds: settings.cooldownSeconds,
    openedAt: current.openedAt === null ? null : new Date(current.openedAt).toISOString(),
    recentFailures: current.failures.filter((f) => f > from && f <= now).length,
  };
}

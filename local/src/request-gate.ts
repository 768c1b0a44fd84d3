/**
 * Requests first: the event source mappings' pollers (and log-subscription batches) wait for a quiet
 * moment, no API request in flight for QUIET_MS, at most `maxDeferMs`, before they fetch their next
 * batch. In AWS the consumers of streams and queues run on other machines than the API's functions; here
 * they share the same cores and the same DynamoDB Local, and a create's lifecycle behind it (dispatch,
 * callback, risk, webhooks: several times the create's own work) would otherwise take the CPU the next
 * requests wait for. The bound keeps the pipeline moving under sustained load (a batch per poller and
 * `maxDeferMs`), and what waited is caught up once requests pause.
 */

/** Default bound of a poller's wait, unless `LOCAL_BACKGROUND_DEFER_MS` says otherwise (0: no waiting). */
export const DEFAULT_BACKGROUND_DEFER_MS = 1000;

/** No request in flight for this long is a quiet moment (see RequestGate). */
export const QUIET_MS = 20;

export class RequestGate {
  private inFlight = 0;
  private idleSince = 0;
  private quietTimer?: NodeJS.Timeout;
  private waiters: Array<() => void> = [];

  /**
   * @param maxDeferMs the longest a poller waits.
   * @param quietMs how long no request must be in flight for the moment to count as quiet: a client
   *   sending its next request as soon as the last is answered (a load test, even at concurrency 1)
   *   leaves gaps of a fraction of a millisecond, which are not the pause the pipeline waits for.
   */
  constructor(
    readonly maxDeferMs: number = DEFAULT_BACKGROUND_DEFER_MS,
    readonly quietMs: number = QUIET_MS,
  ) {}

  /** Requests being served now. */
  get busy(): number {
    return this.inFlight;
  }

  /** Runs a request's invocation, counted while it runs. */
  async serve<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) {
        this.idleSince = performance.now();
        this.quietTimer = setTimeout(() => {
          this.quietTimer = undefined;
          for (const wake of this.waiters.splice(0)) wake();
        }, this.quietMs);
        this.quietTimer.unref();
      }
    }
  }

  /** Whether no request has been in flight for `quietMs`. */
  private isQuiet(): boolean {
    return this.inFlight === 0 && performance.now() - this.idleSince >= this.quietMs;
  }

  /** Resolves once no request has been in flight for `quietMs`, or after `maxDeferMs`, whichever is first. */
  quiet(signal?: AbortSignal): Promise<void> {
    if (this.isQuiet() || this.maxDeferMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        const at = this.waiters.indexOf(done);
        if (at >= 0) this.waiters.splice(at, 1);
        resolve();
      };
      const timer = setTimeout(done, this.maxDeferMs);
      signal?.addEventListener('abort', done);
      this.waiters.push(done);
    });
  }
}

/** The runtime's gate: `maxDeferMs` from the options, else `LOCAL_BACKGROUND_DEFER_MS`, else the default. */
export function requestGate(maxDeferMs?: number): RequestGate {
  const fromEnv = process.env.LOCAL_BACKGROUND_DEFER_MS;
  const envMs = fromEnv === undefined || fromEnv === '' ? undefined : Number(fromEnv);
  return new RequestGate(maxDeferMs ?? (Number.isFinite(envMs) ? envMs : DEFAULT_BACKGROUND_DEFER_MS));
}

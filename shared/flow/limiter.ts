/**
 * A container's side of per-merchant flow control (docs/architecture.md, "Flow control"). Tokens live in
 * the table (a merchant's bucket spread over shard items); a container leases a few at a time with one
 * conditional write and admits requests from its lease without any call, so most requests cost no
 * write. A lease expires after LEASE_MS: a token is never used more than that after it left the bucket,
 * which bounds what leases add to the bucket's own limit.
 *
 * A shard this container knows (from its last write to it) to hold less than a token is skipped without
 * a call: a shard's `fullAt` only ever moves later, so the true shard holds no more than what we computed.
 * A flooding merchant is therefore refused from memory until its next token is due (then its requests
 * wait on the race for it), and lease requests are per merchant: it never slows another merchant.
 *
 * The next lease is taken in the background once the current one runs low (three quarters spent or
 * three quarters through its life), sized to the pace it served, so a container that keeps a pace finds
 * it there: only a cold container, sporadic requests (each lease expired unspent), or a merchant out of
 * tokens wait for the store.
 *
 * When the store cannot be reached, requests are admitted (fail open: an outage of the limiter must not
 * become an outage of payments), said once per FAIL_OPEN_MS through `onStoreError`, and the store is
 * left alone for that long so that no request waits on a store that is down.
 */
import {
  aheadLeaseSize,
  type FlowLimits,
  type LeasePlan,
  micros,
  nextLeaseSize,
  planLease,
  retryAfterSeconds,
  type ShardLimits,
  shardCount,
  shardLimits,
} from '../domain/flow/token-bucket.js';

/** A conditional take's outcome, with the shard's `fullAt` as it is now (after the take, if taken). */
export type ShardWrite =
  | { readonly ok: true; readonly fullAt: number }
  | { readonly ok: false; readonly fullAt: number | undefined };

/** What the limiter needs from the store (shared/store/dynamodb/flow-buckets.ts). */
export interface FlowStore {
  /** The merchant's limits, or the defaults (read through a short per-container cache). */
  limitsOf(merchantId: string): Promise<FlowLimits>;
  /** Applies `plan` to the shard in one conditional write (token-bucket.ts `applyLease` is its meaning). */
  takeFromShard(merchantId: string, shard: number, plan: LeasePlan): Promise<ShardWrite>;
}

export type Decision =
  | { readonly admitted: true; readonly failedOpen?: true }
  | { readonly admitted: false; readonly retryAfterSeconds: number };

export interface LimiterOptions {
  readonly now?: () => number;
  readonly random?: () => number;
  readonly leaseMs?: number;
  readonly failOpenMs?: number;
  /** Told once per store failure (the middleware logs and counts it). */
  readonly onStoreError?: (merchantId: string, error: unknown) => void;
  /** Take the next lease in the background when the current one runs low (default true). */
  readonly prefetch?: boolean;
}

/** A lease lives at most this long (the brief bound of unused tokens a container may hold). */
export const LEASE_MS = 1_000;
/** After a store failure, requests are admitted without a call for this long. */
export const FAIL_OPEN_MS = 1_000;
/** Conditional writes tried on one shard: a restart refused, an increment, a smaller one (partial). */
const ATTEMPTS_PER_SHARD = 3;
/** Merchants whose state a container keeps, whatever the traffic. */
const MAX_MERCHANTS = 1_000;

interface Lease {
  size: number;
  used: number;
  takenAt: number;
  expiresAt: number;
  /** Taken because demand outran the lease before (then the next one is taken ahead). */
  hot: boolean;
}

/** What one lease request came to: a lease in `next`, an empty bucket, or a store that failed. */
type Refill =
  | { readonly kind: 'leased' }
  | { readonly kind: 'empty'; readonly retryAfterSeconds: number }
  | { readonly kind: 'failed' };

interface MerchantState {
  lease?: Lease;
  /** A lease taken ahead, used once `lease` is spent or expired. */
  next?: Lease;
  /** Each shard's `fullAt` as this container last saw it (a lower bound of the true one). */
  readonly shards: Map<number, number>;
  refilling?: Promise<Refill>;
}

export class FlowLimiter {
  private readonly merchants = new Map<string, MerchantState>();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly leaseMs: number;
  private readonly failOpenMs: number;
  private failOpenUntil = 0;

  constructor(
    private readonly store: FlowStore,
    private readonly options: LimiterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.leaseMs = options.leaseMs ?? LEASE_MS;
    this.failOpenMs = options.failOpenMs ?? FAIL_OPEN_MS;
  }

  /** Admits one request of `merchantId`, or says how many whole seconds it should wait. */
  async admit(merchantId: string): Promise<Decision> {
    const state = this.stateOf(merchantId);
    for (;;) {
      const now = this.now();
      if (state.next && !usable(state.next, now)) state.next = undefined;
      if (!usable(state.lease, now) && state.next) {
        state.lease = state.next;
        state.next = undefined;
      }
      const lease = state.lease;
      if (lease && usable(lease, now)) {
        lease.used += 1;
        if (this.runsLow(lease, now) && !state.next) this.startRefill(merchantId, state, true);
        return { admitted: true };
      }
      if (this.failOpenUntil > now) return { admitted: true, failedOpen: true };
      const refill = await this.startRefill(merchantId, state, false);
      if (refill.kind === 'empty') return { admitted: false, retryAfterSeconds: refill.retryAfterSeconds };
      // A lease (ours or one taken ahead): use it. A failure: fail open if it was a request's own
      // refill; a background one's failure only means this request asks the store itself.
      if (refill.kind === 'failed' && this.failOpenUntil > this.now())
        return { admitted: true, failedOpen: true };
    }
  }

  /**
   * Whether to take the next lease now: a lease taken because demand outran the last one (a lone
   * request's lease never is: ahead of it would mostly take tokens that expire) that is three quarters
   * spent or three quarters through its life.
   */
  private runsLow(lease: Lease, now: number): boolean {
    if (this.options.prefetch === false || !lease.hot) return false;
    return lease.size - lease.used <= lease.size / 4 || now - lease.takenAt >= (this.leaseMs * 3) / 4;
  }

  /**
   * One lease request per merchant and container at a time; whoever needs a lease meanwhile waits for
   * it. A background one (`ahead`) is never waited for by the request that started it, and its failure
   * is not a store outage: a frozen Lambda environment can time it out while nobody waits.
   */
  private startRefill(merchantId: string, state: MerchantState, ahead: boolean): Promise<Refill> {
    if (state.refilling) return state.refilling;
    const refill = this.refill(merchantId, state, ahead).finally(() => {
      state.refilling = undefined;
    });
    state.refilling = refill;
    return refill;
  }

  /** Leases tokens from one shard, drawn at random, then the others in turn, into `state.next`. */
  private async refill(merchantId: string, state: MerchantState, ahead: boolean): Promise<Refill> {
    const previous = state.lease;
    // Ahead: the current lease's pace. Else the last lease: spent (double it) or expired (what it served).
    const sizeFor = (shard: ShardLimits, nowMs: number) =>
      ahead && previous
        ? aheadLeaseSize({ ...previous, ageMs: nowMs - previous.takenAt }, this.leaseMs, shard)
        : nextLeaseSize(previous, shard);
    const hot = ahead || (previous !== undefined && previous.used >= previous.size);
    try {
      const limits = await this.store.limitsOf(merchantId);
      const count = shardCount(limits);
      const start = Math.floor(this.random() * count);
      let wait = Number.POSITIVE_INFINITY;
      for (let i = 0; i < count; i++) {
        const index = (start + i) % count;
        const shard = shardLimits(limits, index, count);
        let fullAt = state.shards.get(index);
        // One instant for every attempt on this shard: a take refused at `now` was refused because the
        // shard is busy (then an increment at `now` can only fail if it is empty) or has fewer tokens.
        // A fresh clock could instead flip the guess back to "idle" each time while others keep it busy.
        const nowMs = this.now();
        const now = micros(nowMs);
        for (let attempt = 0; attempt < ATTEMPTS_PER_SHARD; attempt++) {
          const plan = planLease(fullAt, shard, sizeFor(shard, nowMs), now);
          if (plan.granted === 0) {
            wait = Math.min(wait, retryAfterSeconds(fullAt, shard, now));
            break;
          }
          const written = await this.store.takeFromShard(merchantId, index, plan);
          fullAt = written.fullAt;
          if (fullAt === undefined) state.shards.delete(index);
          else state.shards.set(index, fullAt);
          if (written.ok) {
            state.next = {
              size: plan.granted,
              used: 0,
              takenAt: nowMs,
              expiresAt: nowMs + this.leaseMs,
              hot,
            };
            return { kind: 'leased' };
          }
        }
      }
      return { kind: 'empty', retryAfterSeconds: Number.isFinite(wait) ? wait : 1 };
    } catch (error) {
      if (!ahead) {
        this.failOpenUntil = this.now() + this.failOpenMs;
        this.options.onStoreError?.(merchantId, error);
      }
      return { kind: 'failed' };
    }
  }

  private stateOf(merchantId: string): MerchantState {
    let state = this.merchants.get(merchantId);
    if (!state) {
      if (this.merchants.size >= MAX_MERCHANTS) {
        const oldest = this.merchants.keys().next().value;
        if (oldest !== undefined) this.merchants.delete(oldest);
      }
      state = { shards: new Map() };
      this.merchants.set(merchantId, state);
    }
    return state;
  }
}

function usable(lease: Lease | undefined, now: number): lease is Lease {
  return lease !== undefined && lease.used < lease.size && lease.expiresAt > now;
}

/** In-memory stand-ins for the dispatcher's channels, table and breaker store. */

import type { QueryResult, SubmissionResult } from '../../../shared/channels/protocol.js';
import type { ChannelAdapter } from '../../../shared/channels/types.js';
import type { BreakerEvent, BreakerPositionName } from '../../../shared/domain/breaker.js';
import type { Channel } from '../../../shared/schemas/channels.js';
import type {
  DispatchStore,
  DispatchView,
  FailOverInput,
  FailPaymentInput,
  FailRefundInput,
  StoredAttempt,
} from '../../../shared/store/dynamodb/channel-dispatch.js';
import type { ChannelOutcome } from '../../../shared/store/ports.js';

export const PAY = `pay_${'a'.repeat(26)}`;

/** A channel whose answers the test scripts; it remembers every submission and query. */
export class FakeChannel {
  readonly submitted: string[] = [];
  readonly queried: string[] = [];
  /** Awaited by each payment submission once recorded (a test holds submissions back with it). */
  arrive?: () => Promise<void>;
  constructor(
    readonly name: string,
    public submit: SubmissionResult = { kind: 'accepted', channelReference: `ch_${name}` },
    public query: QueryResult = { kind: 'not_found' },
  ) {}

  adapter(): ChannelAdapter {
    const self = this;
    return {
      name: this.name as Channel,
      async submitPayment(p) {
        self.submitted.push(p.reference);
        await self.arrive?.();
        return self.submit;
      },
      async submitRefund(r) {
        self.submitted.push(r.reference);
        return self.submit;
      },
      async queryPayment(q) {
        self.queried.push(q.reference);
        return self.query;
      },
      async queryRefund(q) {
        self.queried.push(q.reference);
        return self.query;
      },
      readNotification: () => {
        throw new Error('not used');
      },
      ack: { status: 200, body: '' },
      fetchStatement: () => {
        throw new Error('not used');
      },
    };
  }
}

interface StoredObject {
  status: string;
  channel: string | null;
  attempts: StoredAttempt[];
  failureCode?: string;
  amount?: number;
}

const leftOf = (attempts: readonly StoredAttempt[]) =>
  attempts.filter((a) => a.outcome === 'unavailable').map((a) => a.channel);

/** The table's guarded writes, as DynamoDB applies them one at a time. */
export class FakeDispatchStore implements DispatchStore {
  readonly payments = new Map<string, StoredObject>();
  readonly refunds = new Map<string, StoredObject>();
  released = 0;

  /** As core's object-states function answers: the channels a payment left, a refund's amount. */
  async readPayment(id: string): Promise<DispatchView | undefined> {
    const p = this.payments.get(id);
    return p && { status: p.status, channel: p.channel, left: leftOf(p.attempts) };
  }
  async readRefund(id: string): Promise<DispatchView | undefined> {
    const r = this.refunds.get(id);
    return r && { status: r.status, channel: r.channel, amount: r.amount };
  }
  /** The quota moves of the failovers that landed, in order. */
  readonly quotaMoves: NonNullable<FailOverInput['quota']>[] = [];
  async failOver(i: FailOverInput): Promise<boolean> {
    const p = this.payments.get(i.paymentId);
    if (p?.status !== 'processing' || p.channel !== i.from) return false;
    if (i.quota) this.quotaMoves.push(i.quota);
    p.channel = i.to;
    p.attempts.push({ channel: i.from, outcome: 'unavailable', at: i.at.toISOString() });
    return true;
  }
  async failPayment(i: FailPaymentInput): Promise<boolean> {
    const p = this.payments.get(i.paymentId);
    if (p?.status !== 'processing' || p.channel !== i.channel) return false;
    p.status = 'failed';
    p.failureCode = i.failureCode;
    p.attempts.push({ channel: i.channel, outcome: i.attempt, at: i.at.toISOString() });
    return true;
  }
  async failRefund(i: FailRefundInput): Promise<boolean> {
    const r = this.refunds.get(i.refundId);
    if (r?.status !== 'pending' || r.channel !== i.channel) return false;
    r.status = 'failed';
    this.released += i.amount;
    return true;
  }
}

export class FakeBreakers {
  readonly events: Array<[string, BreakerEvent['type'], boolean?]> = [];
  readonly claims: string[] = [];
  positions: Record<string, BreakerPositionName> = {};
  grant = true;

  async record(channel: Channel, event: BreakerEvent): Promise<void> {
    this.events.push(
      event.type === 'probe_result' ? [channel, event.type, event.available] : [channel, event.type],
    );
  }
  async claimProbe(channel: Channel): Promise<boolean> {
    this.claims.push(channel);
    return this.grant;
  }
  position = async (channel: string): Promise<BreakerPositionName> => this.positions[channel] ?? 'closed';
}

export class FakeOutcomes {
  readonly applied: ChannelOutcome[] = [];
  async applyPaymentOutcome(o: ChannelOutcome) {
    this.applied.push(o);
    return { kind: 'applied' as const };
  }
  async applyRefundOutcome(o: ChannelOutcome) {
    this.applied.push(o);
    return { kind: 'applied' as const };
  }
}

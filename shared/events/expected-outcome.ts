/**
 * What a channel should report on its statement for an outcome event of ours: the row a reconciliation
 * run (issue 4) matches the channel's statement against. Pure.
 */
import type { PaymentsEvent } from '../schemas/events.js';

/** The outcome events reconciliation records. */
export const OUTCOME_DETAIL_TYPES = [
  'PaymentSucceeded',
  'PaymentFailed',
  'RefundSucceeded',
  'RefundFailed',
] as const satisfies readonly PaymentsEvent['detailType'][];

export interface ExpectedOutcome {
  readonly channel: string;
  /** UTC day (`yyyy-mm-dd`) of `occurredAt`: the statement the row belongs to. */
  readonly day: string;
  readonly type: 'payment' | 'refund';
  /** Our id (`pay_…`, `re_…`). */
  readonly reference: string;
  readonly channelReference: string | null;
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: 'succeeded' | 'failed';
  readonly occurredAt: string;
  readonly eventId: string;
}

/** The expected statement row of an outcome event, or `undefined` for any other event. */
export function expectedOutcomeOf(event: PaymentsEvent): ExpectedOutcome | undefined {
  const { detail } = event;
  const common = {
    day: new Date(detail.occurredAt).toISOString().slice(0, 10),
    merchantId: detail.merchantId,
    occurredAt: detail.occurredAt,
    eventId: detail.eventId,
  };
  switch (event.detailType) {
    case 'PaymentSucceeded':
    case 'PaymentFailed': {
      const { payment } = event.detail.data;
      return {
        ...common,
        channel: payment.channel,
        type: 'payment',
        reference: payment.id,
        channelReference: payment.channelReference,
        amount: payment.amount,
        currency: payment.currency,
        status: event.detailType === 'PaymentSucceeded' ? 'succeeded' : 'failed',
      };
    }
    case 'RefundSucceeded':
    case 'RefundFailed': {
      const { refund, channel, channelReference } = event.detail.data;
      return {
        ...common,
        channel,
        type: 'refund',
        reference: refund.id,
        channelReference,
        amount: refund.amount,
        currency: refund.currency,
        status: event.detailType === 'RefundSucceeded' ? 'succeeded' : 'failed',
      };
    }
    default:
      return undefined;
  }
}

/**
 * The channel port. An adapter turns our payment and refund into a channel's request and its answer
 * into a canonical result, a channel's signed notification into a canonical outcome, answers status
 * queries and fetches the channel's daily statement. Handlers know nothing of a channel's format.
 */
import type { Channel } from '../schemas/channels.js';
import type { ChannelAck, ChannelNotification, QueryResult, SubmissionResult } from './protocol.js';

/** Why a notification was refused before reading it. */
export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch';

/** A channel's notification, normalized. */
export interface ChannelEvent {
  readonly eventId: string;
  readonly subject: 'payment' | 'refund';
  readonly outcome: 'succeeded' | 'failed';
  /** Our `pay_` or `re_` id. */
  readonly reference: string;
  readonly channelReference: string;
  readonly amount: number;
  readonly currency: string;
  readonly occurredAt: string;
}

export interface PaymentSubmission {
  readonly reference: string;
  readonly amount: number;
  readonly currency: string;
  readonly description?: string | undefined;
  /**
   * Local simulators only: the outcome the test asks for (`outcomeHint`). Real channels ignore it; the
   * vendor formats carry it where the simulators read it (Stripe metadata, Alipay `passback_params`,
   * WeChat Pay `attach`).
   */
  readonly outcome?: string | undefined;
}

export interface RefundSubmission extends PaymentSubmission {
  readonly paymentReference: string;
  /** The channel's id of the payment, when known (Stripe refunds name the PaymentIntent). */
  readonly paymentChannelReference?: string | undefined;
  /** The payment's whole amount (WeChat Pay refunds state it). */
  readonly paymentAmount: number;
}

/** What the callback needs of a channel: its notifications, verified and read, and its acknowledgement. */
export interface ChannelNotifier {
  readonly name: Channel;
  /**
   * Verifies a notification over the raw body bytes, then reads it (nothing is parsed before the
   * signature holds). @throws NotificationError (protocol.ts): the callback answers 401 and changes nothing.
   */
  readNotification(
    headers: Readonly<Record<string, string | undefined>>,
    rawBody: Buffer,
    now: Date,
  ): ChannelNotification;
  /** The answer the channel takes as "delivered". */
  readonly ack: ChannelAck;
}

/** What the dispatcher and the channel checks need of a channel: submissions and status queries. */
export interface ChannelTransactions {
  readonly name: Channel;
  /** Never throws for the channel's behaviour: 5xx, refused connection, timeout are results. */
  submitPayment(payment: PaymentSubmission): Promise<SubmissionResult>;
  submitRefund(refund: RefundSubmission): Promise<SubmissionResult>;
  /**
   * `not_found`: the channel never took it, so another channel may be tried. `submittedAt`: when the
   * submission being asked about was sent, for a channel whose lookup lags its writes (Stripe's search):
   * a miss that soon after proves nothing, so it answers `unknown` instead.
   */
  queryPayment(query: {
    readonly reference: string;
    readonly currency: string;
    readonly submittedAt?: Date | undefined;
  }): Promise<QueryResult>;
  queryRefund(query: {
    readonly reference: string;
    readonly paymentReference: string;
    readonly currency: string;
  }): Promise<QueryResult>;
}

/** What reconciliation runs need of a channel: its daily statement. */
export interface ChannelStatements {
  readonly name: Channel;
  /**
   * The channel's statement of its day `date` (`yyyy-mm-dd`), in its own format, as it streams in, for
   * `readStatement` (native readers detect the format). The day is the vendor's: a UTC day for the
   * sandbox and Stripe, a Beijing day for Alipay and WeChat Pay (statement-days.ts says which files a
   * UTC day's run reads). Nothing is requested until it is iterated.
   * @throws StatementFetchError (while iterating) when the channel does not answer 2xx, or the stream
   *   breaks off; ChannelError `channel_rejected` for a `date` that is not a day.
   */
  fetchStatement(date: string): AsyncIterable<Uint8Array | string>;
}

/**
 * A channel's whole adapter. Each function builds only the part it uses (adapters.ts), so a bundle
 * carries no request builders it never sends, no readers of notifications it never receives.
 */
export interface ChannelAdapter extends ChannelNotifier, ChannelTransactions, ChannelStatements {}

/**
 * The outcome a test asks of a local simulator for `channel`: metadata `sandbox_outcome_<channel>`
 * when present, else `sandbox_outcome` (contract: "Payment channels", local runtime).
 */
export function outcomeHint(metadata: Readonly<Record<string, string>>, channel: string): string | undefined {
  const own = `sandbox_outcome_${channel}`;
  if (Object.hasOwn(metadata, own)) return metadata[own];
  return Object.hasOwn(metadata, 'sandbox_outcome') ? metadata.sandbox_outcome : undefined;
}

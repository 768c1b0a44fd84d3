/**
 * What the vendor channels (Stripe, Alipay, WeChat Pay) have in common once their wire protocols are
 * spoken: the request we send, the vendor's raw answer, the canonical result of a submission or a
 * status query, the verified notification and the answer the vendor expects back. Each vendor folder
 * builds and reads its own format and returns these shapes; nothing here knows a vendor.
 *
 * The product speaks the three protocols itself instead of bundling the vendors' SDKs, which the tests
 * use to make and check vectors. Minified esbuild bundles (platform node, ESM), measured 2026-12-06:
 *
 * | vendor    | vendor library                        | ours: requests + answers + notifications |
 * |-----------|---------------------------------------|------------------------------------------|
 * | Stripe    | stripe 23.2.0: 250 KB                 | 28 KB (9.7 KB gzip; zod/mini is ~20 KB)  |
 * | Alipay    | alipay-sdk 4.14.0: 1,027 KB           | 7.9 KB (3.5 KB gzip)                     |
 * | WeChat    | wechatpay-axios-plugin 0.9.6: 378 KB  | 26 KB (9.1 KB gzip; zod/mini included)   |
 *
 * A function's bundle stays under 300 KB only this way; the SDKs also bring their own HTTP clients.
 */
import { CodedError } from '../domain/errors.js';
import type { ChannelEvent, SignatureFailure } from './types.js';

/** One HTTP request to a vendor, fully built and signed; sending it is the caller's business. */
export interface ChannelRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Exactly the bytes that were signed (WeChat Pay and Alipay sign the body). */
  readonly body?: string;
}

/** A vendor's raw HTTP answer. Header names are matched case-insensitively. */
export interface ChannelReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * The canonical result of submitting a payment or a refund:
 * - `accepted`: the channel took it; the outcome arrives by notification (or is already known: `state`);
 * - `declined`: the channel refused it for good (a business refusal, never retried elsewhere);
 * - `unavailable`: the channel did not take it (5xx before processing, refused credentials or signature),
 *   so another channel may be tried;
 * - `unknown`: the channel may have taken it (timeout, ambiguous error): query before any failover.
 */
export type SubmissionResult =
  | {
      readonly kind: 'accepted';
      /** The channel's id of the payment or refund, when its answer names one already. */
      readonly channelReference?: string;
      /** What the customer is shown to pay (Alipay and WeChat Pay QR code contents). */
      readonly qrCode?: string;
      readonly state?: 'pending' | 'succeeded' | 'failed';
    }
  | { readonly kind: 'declined'; readonly code: string; readonly message: string }
  | { readonly kind: 'unavailable'; readonly code: string; readonly message: string }
  | { readonly kind: 'unknown'; readonly code: string; readonly message: string };

/** The canonical result of a status query. `not_found`: the channel never took it (failover is safe). */
export type QueryResult =
  | {
      readonly kind: 'found';
      readonly state: 'pending' | 'succeeded' | 'failed';
      readonly channelReference: string;
      readonly amount: number;
      readonly currency: string;
    }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'unavailable' | 'unknown'; readonly code: string; readonly message: string };

/** A notification's outcome in the canonical shape the callback applies. */
export interface ChannelNotificationEvent extends ChannelEvent {
  /**
   * Alipay refund notifies: the payment's cumulative refunded amount as Alipay sends it (`refund_fee`);
   * `amount` then holds the same figure and the callback works out this refund's own amount from the
   * refunds it already applied.
   */
  readonly cumulativeRefunded?: number;
}

/** A verified notification: an outcome to apply, or a kind we acknowledge without acting on it. */
export type ChannelNotification =
  | { readonly kind: 'outcome'; readonly event: ChannelNotificationEvent }
  | { readonly kind: 'ignored'; readonly eventId: string; readonly type: string };

/** Why a notification was refused: the callback answers 401 problem+json and changes nothing. */
export type NotificationFailure = SignatureFailure | 'unknown_serial';

export class NotificationError extends CodedError<NotificationFailure> {
  override readonly name = 'NotificationError';
}

/**
 * A notification whose signature holds but whose body is not one the channel sends (not JSON, fields
 * missing): the callback answers 400 problem+json naming the fields, and changes nothing.
 */
export class NotificationBodyError extends CodedError<'invalid_body'> {
  override readonly name = 'NotificationBodyError';
  constructor(
    message: string,
    readonly issues: readonly { readonly path: string; readonly message: string }[] = [],
  ) {
    super('invalid_body', message);
  }
}

/** The answer a vendor takes as "delivered" (anything else and it redelivers). */
export interface ChannelAck {
  readonly status: number;
  readonly contentType?: string;
  readonly body: string;
}

/** Case-insensitive header lookup; a header sent twice arrives comma-joined and is refused by parsers. */
export function header(
  headers: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

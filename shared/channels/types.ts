/**
 * The channel port. An adapter turns our payment and refund into a channel's request, a channel's
 * signed webhook into a normalized outcome, and fetches the channel's daily statement. Handlers know
 * nothing of a channel's format.
 */

/** Why a webhook was refused before reading it. */
export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch';

/** A channel's webhook, normalized. */
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

export type WebhookVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: SignatureFailure };

export interface PaymentSubmission {
  readonly reference: string;
  readonly amount: number;
  readonly currency: string;
  /** Sandbox only: `succeed` | `fail` | `none`, from the payment's metadata. */
  readonly outcome?: string;
}

export interface RefundSubmission extends PaymentSubmission {
  readonly paymentReference: string;
}

export interface ChannelAdapter {
  readonly name: string;
  /** Verifies the webhook's signature over the raw body bytes (the caller parses only after this). */
  verifyWebhook(
    headers: Record<string, string | undefined>,
    rawBody: Buffer,
    nowSeconds: number,
  ): WebhookVerdict;
  /** Validates a verified webhook body. Returns the zod issues when it does not match. */
  parseWebhook(
    body: unknown,
  ): { ok: true; event: ChannelEvent } | { ok: false; issues: { path: string; message: string }[] };
  submitPayment(payment: PaymentSubmission): Promise<{ channelReference: string }>;
  submitRefund(refund: RefundSubmission): Promise<{ channelReference: string }>;
  /**
   * The channel's statement of the UTC day `date` (`yyyy-mm-dd`): the raw CSV of the contract, as it
   * streams in, to hand to `parseStatement` as is. Nothing is requested until it is iterated.
   * @throws StatementFetchError (while iterating) when the channel does not answer 2xx, or the stream
   *   breaks off; ChannelError `channel_rejected` for a `date` that is not a day.
   */
  fetchStatement(date: string): AsyncIterable<Uint8Array | string>;
}

/** Errors of channel adapters, with stable codes. */

import { CodedError } from '../domain/errors.js';

export type ChannelErrorCode =
  | 'channel_unavailable'
  | 'channel_rejected'
  | 'unknown_channel'
  /** A daily statement could not be fetched (see `StatementFetchError`). */
  | 'statement_unavailable';

export class ChannelError extends CodedError<ChannelErrorCode> {
  override readonly name: string = 'ChannelError';
  constructor(
    code: ChannelErrorCode,
    message: string,
    /** Whether trying again later may succeed (network error, 5xx, 429). */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/**
 * A channel's daily statement could not be fetched, or broke off while streaming: `status` is the
 * channel's HTTP answer (undefined when there was none). A reconciliation run that meets it fails and
 * may be run again; it never reads a partial statement as a whole one.
 */
export class StatementFetchError extends ChannelError {
  override readonly name = 'StatementFetchError';
  declare readonly code: 'statement_unavailable';
  constructor(
    readonly channel: string,
    readonly date: string,
    readonly status: number | undefined,
    detail: string,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super('statement_unavailable', `${channel} statement of ${date}: ${detail}`, retryable, options);
  }
}

/**
 * A channel's credentials could not be read (`credentials_unavailable`: no secret configured, or Secrets
 * Manager failed) or are not what the channel needs (`credentials_invalid`). Our failure, not the
 * channel's: nothing is failed over for it, the work is retried.
 */
export class ChannelCredentialsError extends CodedError<'credentials_unavailable' | 'credentials_invalid'> {
  override readonly name = 'ChannelCredentialsError';
}

/** The bank refused or failed a payout: the payout state retries, then its Catch records the failure. */
export class PayoutFailedError extends CodedError<'payout_failed'> {
  override readonly name = 'PayoutFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('payout_failed', message, options);
  }
}

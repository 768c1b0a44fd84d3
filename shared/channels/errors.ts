/** Errors of channel adapters, with stable codes. */

export type ChannelErrorCode = 'channel_unavailable' | 'channel_rejected' | 'unknown_channel';

export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
    /** Whether trying again later may succeed (network error, 5xx, 429). */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

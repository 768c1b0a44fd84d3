/**
 * The sandbox channel's daily statement, streamed from its PSP (`GET /statements/<date>.csv`). Apart from
 * the adapter so the reconciliation run's bundle takes this without the webhook schemas.
 */
import { isDay } from '../../domain/reconciliation/day.js';
import { download } from '../download.js';
import { ChannelError } from '../errors.js';

/**
 * The statement's bytes as they arrive (download.ts). Nothing is requested until it is iterated.
 * @throws (while iterating) StatementFetchError for a non-2xx answer or a stream that broke off.
 */
export async function* sandboxStatement(
  date: string,
  options: { readonly pspUrl?: string; readonly fetch?: typeof fetch; readonly timeoutMs?: number },
): AsyncGenerator<Uint8Array, void, undefined> {
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 5000;
  if (!isDay(date))
    throw new ChannelError('channel_rejected', `${JSON.stringify(date)} is not a yyyy-mm-dd day`, false);
  if (!options.pspUrl)
    throw new ChannelError('channel_unavailable', 'SANDBOX_PSP_URL is not configured', false);
  yield* download(`${options.pspUrl}/statements/${date}.csv`, {
    channel: 'sandbox',
    date,
    fetch: doFetch,
    timeoutMs,
    headers: { accept: 'text/csv' },
    source: 'sandbox PSP',
  });
}

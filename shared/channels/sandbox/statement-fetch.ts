/**
 * The sandbox channel's daily statement, streamed from its PSP (`GET /statements/<date>.csv`). Apart from
 * the adapter so the reconciliation run's bundle takes this without the webhook schemas.
 */
import { isDay } from '../../domain/reconciliation/day.js';
import { ChannelError, StatementFetchError } from '../errors.js';

const retryableStatus = (status: number) => status >= 500 || status === 429;

/**
 * The statement's bytes as they arrive. Nothing is requested until it is iterated.
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
  const failure = (status: number | undefined, detail: string, retryable: boolean, cause?: unknown) =>
    new StatementFetchError('sandbox', date, status, detail, retryable, { cause });
  // An idle timeout rather than one for the whole download: a long statement is fine, a silent PSP
  // is not. Stopped while the consumer holds a chunk, so a slow consumer is not taken for one.
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  };
  arm();
  try {
    let response: Response;
    try {
      response = await doFetch(`${options.pspUrl}/statements/${date}.csv`, {
        headers: { accept: 'text/csv' },
        signal: controller.signal,
      });
    } catch (cause) {
      throw failure(undefined, `sandbox PSP unreachable: ${String(cause)}`, true, cause);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const detail = `sandbox PSP answered ${response.status}: ${text.slice(0, 200)}`;
      throw failure(response.status, detail, retryableStatus(response.status));
    }
    if (!response.body) return;
    const reader = response.body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await reader.next();
      } catch (cause) {
        throw failure(response.status, `the statement broke off: ${String(cause)}`, true, cause);
      }
      if (next.done) return;
      clearTimeout(timer);
      yield next.value;
      arm();
    }
  } finally {
    clearTimeout(timer);
  }
}

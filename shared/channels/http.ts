/**
 * Sending a built `ChannelRequest` (protocol.ts) with a timeout, and streaming a channel's statement.
 * What a failure to get an answer means for a submission decides failover, so it is told apart here:
 * a connection that was never made (refused, no such host, connect timeout) never reached the channel:
 * `unavailable`; a timeout or a connection lost after the request went out may hide a request the
 * channel took: `unknown`.
 */
import { StatementFetchError } from './errors.js';
import type { ChannelReply, ChannelRequest } from './protocol.js';

export type SendResult =
  | ChannelReply
  | { readonly failure: 'unavailable' | 'unknown'; readonly message: string };

/** Errors of undici's `fetch` (in `cause.code`) raised before a byte of the request was sent. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether a `fetch` rejection happened before the request could reach the other side. */
export function neverConnected(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } })?.cause;
  if (typeof cause?.code === 'string' && NOT_CONNECTED.has(cause.code)) return true;
  // Happy eyeballs: every address refused arrives as an AggregateError of the attempts.
  return (
    (cause?.errors ?? []).length > 0 && (cause?.errors ?? []).every((e) => NOT_CONNECTED.has(String(e.code)))
  );
}

export async function sendChannelRequest(
  request: ChannelRequest,
  options: { readonly fetch: typeof fetch; readonly timeoutMs: number; readonly channel: string },
): Promise<SendResult> {
  let response: Response;
  try {
    response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const message = `${options.channel}: ${String((error as Error).cause ?? error)}`;
    return { failure: neverConnected(error) ? 'unavailable' : 'unknown', message };
  }
  let body: string;
  try {
    body = await response.text();
  } catch (error) {
    return { failure: 'unknown', message: `${options.channel} answer broke off: ${String(error)}` };
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body };
}

/**
 * A channel's statement bytes as they arrive from `request`, with an idle timeout (a long statement is
 * fine, a silent channel is not). Nothing is requested until it is iterated.
 * @throws (while iterating) StatementFetchError for no answer, a non-2xx one, or a stream that broke off
 */
export async function* streamStatement(
  request: ChannelRequest,
  options: {
    readonly fetch: typeof fetch;
    readonly timeoutMs: number;
    readonly channel: string;
    readonly date: string;
  },
): AsyncGenerator<Uint8Array, void, undefined> {
  const { channel, date } = options;
  const failure = (status: number | undefined, detail: string, retryable: boolean, cause?: unknown) =>
    new StatementFetchError(channel, date, status, detail, retryable, { cause });
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
  };
  arm();
  try {
    let response: Response;
    try {
      response = await options.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        signal: controller.signal,
      });
    } catch (cause) {
      throw failure(undefined, `${channel} unreachable: ${String(cause)}`, true, cause);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const retryable = response.status >= 500 || response.status === 429;
      throw failure(
        response.status,
        `${channel} answered ${response.status}: ${text.slice(0, 200)}`,
        retryable,
      );
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

/**
 * A channel's statement file streamed as it arrives, for every adapter's `fetchStatement` (Alipay and
 * WeChat Pay first ask a signed API for the day's download URL). Errors are StatementFetchError: a run
 * that meets one fails and may be run again, it never reads a partial statement as a whole one.
 */
import { createHash } from 'node:crypto';
import { StatementFetchError } from './errors.js';

export interface DownloadOptions {
  readonly channel: string;
  readonly date: string;
  readonly fetch: typeof fetch;
  /** The longest wait for the answer or for its next chunk. */
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** What the errors call the other side; default `<channel> bill download`. */
  readonly source?: string;
  /** The file's digest as the vendor announced it (WeChat Pay: SHA1), checked once the last byte is in. */
  readonly digest?: { readonly algorithm: 'sha1' | 'sha256'; readonly hex: string };
}

const retryableStatus = (status: number) => status >= 500 || status === 429;

/**
 * The bytes of `url` as they arrive.
 * @throws (while iterating) StatementFetchError for a non-2xx answer, a stream that broke off or a
 *   digest that does not match
 */
export async function* download(url: string, options: DownloadOptions): AsyncGenerator<Uint8Array> {
  const { channel, date, timeoutMs } = options;
  const source = options.source ?? `${channel} bill download`;
  const failure = (status: number | undefined, detail: string, retryable: boolean, cause?: unknown) =>
    new StatementFetchError(channel, date, status, detail, retryable, { cause });
  // An idle timeout rather than one for the whole download: a long statement is fine, a silent vendor
  // is not. Stopped while the consumer holds a chunk, so a slow consumer is not taken for one.
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => controller.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  };
  const hash = options.digest ? createHash(options.digest.algorithm) : undefined;
  arm();
  try {
    let response: Response;
    try {
      response = await options.fetch(url, {
        headers: options.headers ?? {},
        signal: controller.signal,
        redirect: 'follow',
      });
    } catch (cause) {
      throw failure(undefined, `${source} unreachable: ${String(cause)}`, true, cause);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const detail = `${source} answered ${response.status}: ${text.slice(0, 200)}`;
      throw failure(response.status, detail, retryableStatus(response.status));
    }
    if (response.body) {
      const reader = response.body[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await reader.next();
        } catch (cause) {
          throw failure(response.status, `the statement broke off: ${String(cause)}`, true, cause);
        }
        if (next.done) break;
        clearTimeout(timer);
        hash?.update(next.value);
        yield next.value;
        arm();
      }
    }
    if (hash && options.digest && hash.digest('hex') !== options.digest.hex.toLowerCase())
      throw failure(response.status, `the statement does not match its ${options.digest.algorithm}`, true);
  } finally {
    clearTimeout(timer);
  }
}

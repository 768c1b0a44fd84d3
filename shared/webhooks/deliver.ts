/**
 * One HTTP attempt to deliver a signed payload to one endpoint. Success is a 2xx within the timeout;
 * a redirect, any other status, a timeout or a network error is a failure to retry. The response body
 * is never read (a receiver's answer is not ours to store), only released.
 */
import { PAYMENTS_SIGNATURE_HEADER, signPayload } from './signature.js';

/** Per attempt; the consumer's visibility timeout and function timeout are sized from it. */
export const DELIVERY_TIMEOUT_MS = 5000;
/** Error messages are stored with each attempt: keep them short. */
const MAX_ERROR_LENGTH = 200;

export interface DeliveryTarget {
  readonly url: string;
  readonly secret: string;
}

export interface AttemptResult {
  readonly ok: boolean;
  /** `null` when no answer came. */
  readonly responseStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface DeliverOptions {
  readonly timeoutMs?: number;
  /** Unix seconds for the signature's `t`; injected by tests. */
  readonly nowSeconds?: number;
  readonly fetch?: typeof fetch;
}

/** POSTs `rawBody` to `target.url`, signed with its secret. Never throws. */
export async function deliver(
  target: DeliveryTarget,
  rawBody: string,
  options: DeliverOptions = {},
): Promise<AttemptResult> {
  const started = performance.now();
  const t = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await (options.fetch ?? fetch)(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'payments-webhooks/1',
        [PAYMENTS_SIGNATURE_HEADER]: signPayload(target.secret, t, rawBody),
      },
      body: rawBody,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? DELIVERY_TIMEOUT_MS),
    });
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      responseStatus: response.status,
      error: ok ? null : `HTTP ${response.status}`,
      durationMs: elapsed(),
    };
  } catch (error) {
    return { ok: false, responseStatus: null, error: describe(error), durationMs: elapsed() };
  }
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const text =
    e?.name === 'TimeoutError' || e?.name === 'AbortError'
      ? `timed out after ${DELIVERY_TIMEOUT_MS} ms`
      : (e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error));
  return text.slice(0, MAX_ERROR_LENGTH);
}

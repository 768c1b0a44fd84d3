/**
 * One HTTP attempt to deliver a signed payload to one endpoint. Success is a 2xx within the timeout;
 * a redirect, any other status, a timeout or a network error is a failure to retry. The response body
 * is never read (a receiver's answer is not ours to store), only released.
 *
 * `node:http(s)` rather than `fetch`: its `lookup` option lets the connection resolve the host through
 * the address policy (address-policy.ts), so the socket goes to an address that was checked, at the
 * moment of connecting; `fetch` resolves on its own and offers no such hook without undici's Agent.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPublicAddress, type Lookup } from './address-policy.js';
import { PAYMENTS_SIGNATURE_HEADER, signPayload } from './signature.js';
import { hostOf, isLocalReceiver, type UrlPolicy } from './url-policy.js';

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
  /** Whether the local runtime's loopback receivers may be reached (default: no). */
  readonly urlPolicy?: UrlPolicy;
  /** The resolver behind the address check; injected by tests. */
  readonly lookup?: Lookup;
}

/** The local runtime's receiver is reached on 127.0.0.1 whatever its name (`localhost`). */
function loopbackLookup(_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) {
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

/** POSTs `body` to `url` and answers the response status; the body is released unread. */
function post(url: URL, headers: Record<string, string>, body: string, options: DeliverOptions) {
  const local = isLocalReceiver(url, options.urlPolicy ?? { allowLoopback: false });
  // An IP literal is connected to without any lookup: check it here (registration refuses them anyway).
  const host = hostOf(url);
  if (!local && isIP(host) !== 0 && !isPublicAddress(host)) {
    return Promise.reject(
      Object.assign(new Error(`${host} is a non-public address`), { code: 'EADDRNOTPUBLIC' }),
    );
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: (local ? loopbackLookup : guardedLookup(options.lookup)) as never,
        signal: AbortSignal.timeout(options.timeoutMs ?? DELIVERY_TIMEOUT_MS),
      },
      (response: IncomingMessage) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
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
    const url = new URL(target.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error(`${url.protocol} is not http(s)`);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'payments-webhooks/1',
      [PAYMENTS_SIGNATURE_HEADER]: signPayload(target.secret, t, rawBody),
    };
    // No redirect is followed (http.request never does): a 3xx is a failure like any non-2xx.
    const status = await post(url, headers, rawBody, options);
    const ok = status >= 200 && status < 300;
    return { ok, responseStatus: status, error: ok ? null : `HTTP ${status}`, durationMs: elapsed() };
  } catch (error) {
    return { ok: false, responseStatus: null, error: describe(error), durationMs: elapsed() };
  }
}

function describe(error: unknown): string {
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const text =
    e?.name === 'TimeoutError' || e?.name === 'AbortError'
      ? `timed out after ${DELIVERY_TIMEOUT_MS} ms`
      : e?.code === 'EADDRNOTPUBLIC'
        ? (e.message ?? e.code)
        : (e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? String(error));
  return text.slice(0, MAX_ERROR_LENGTH);
}

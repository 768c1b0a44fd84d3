/**
 * Sending a vendor's signed request (`ChannelRequest`) and taking its raw answer (`ChannelReply`), with
 * a timeout. What went wrong on the way is told apart by whether the vendor may have received the
 * request: a connection never made (refused, no route, no DNS answer, TLS refused) cannot have reached
 * it, so another channel may take the payment (`unavailable`); a timeout or a connection cut once the
 * request was sent may hide a request it took (`unknown`: query before going elsewhere).
 */
import type { ChannelReply, ChannelRequest } from './protocol.js';

export interface SendOptions {
  /** Looked up per call by the adapters, so tests can stub the global. */
  readonly fetch: typeof fetch;
  /** For the whole exchange, answer body included. */
  readonly timeoutMs: number;
}

export type Sent =
  | { readonly ok: true; readonly reply: ChannelReply }
  | {
      readonly ok: false;
      readonly kind: 'unavailable' | 'unknown';
      readonly code: string;
      readonly message: string;
    };

/** Error codes (Node's and undici's) raised before a request could leave: it never reached the vendor. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

/** The first code found along an error's `cause` chain (fetch wraps the socket's error). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // An AggregateError (several addresses tried) carries the attempts in `errors`.
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Why a fetch failed, read as the channel port's result kinds. */
export function failureOf(error: unknown, vendor: string): Exclude<Sent, { ok: true }> {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return { ok: false, kind: 'unknown', code: 'timeout', message: `${vendor} did not answer in time` };
  const code = errorCode(error);
  if (code && NOT_CONNECTED.has(code))
    return {
      ok: false,
      kind: 'unavailable',
      code: code === 'ECONNREFUSED' ? 'connection_refused' : code.toLowerCase(),
      message: `${vendor} unreachable: ${code}`,
    };
  return {
    ok: false,
    kind: 'unknown',
    code: code ? code.toLowerCase() : 'network_error',
    message: `${vendor}: ${String(error)}`,
  };
}

/** Sends `request` and reads the whole answer as text within `timeoutMs`. Never throws. */
export async function send(request: ChannelRequest, vendor: string, options: SendOptions): Promise<Sent> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      redirect: 'manual',
    });
    const body = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { ok: true, reply: { status: response.status, headers, body } };
  } catch (error) {
    // The signal's reason is the TimeoutError; fetch may surface it or wrap it.
    return failureOf(signal.aborted ? signal.reason : error, vendor);
  }
}

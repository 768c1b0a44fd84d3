/**
 * The sandbox channel adapter: submits payments and refunds to the sandbox PSP over HTTP (locally the
 * emulator's simulator, local/src/sandbox/psp-simulator.ts), asks it for their status, verifies and
 * reads its notifications, and streams its daily statements. Submissions and queries
 * (`createSandboxTransactions`) and statements (`createSandboxStatements`) are made apart, and
 * notifications by notifications.ts (`createSandboxNotifier`), so a function's bundle carries only the
 * part it uses (the whole adapter: shared/channels/adapters.ts).
 */

import type { QueryResult, SubmissionResult } from '../protocol.js';
import type { AdapterEndpoint } from '../registry.js';
import type {
  ChannelStatements,
  ChannelTransactions,
  PaymentSubmission,
  RefundSubmission,
} from '../types.js';
import { sandboxStatement } from './statement-fetch.js';

export interface SandboxAdapterOptions {
  /** Webhook secrets accepted (several during rotation). Needed to verify notifications. */
  readonly secrets?: readonly string[];
  /** Base URL of the sandbox PSP. Needed to submit and query. */
  readonly pspUrl?: string;
  readonly fetch?: typeof fetch;
  /**
   * Per request. A submission that times out is `unknown` (the PSP may have taken it): the caller asks
   * before going elsewhere. For a statement, the longest wait for its answer or for its next chunk.
   */
  readonly timeoutMs?: number;
}

/** The adapter's options from the registry's credentials and endpoint. */
export const sandboxOptions = (
  credentials: { readonly webhookSecrets: readonly string[] },
  endpoint: AdapterEndpoint,
): SandboxAdapterOptions => ({
  secrets: credentials.webhookSecrets,
  ...(endpoint.baseUrl ? { pspUrl: endpoint.baseUrl } : {}),
  ...(endpoint.fetch ? { fetch: endpoint.fetch } : {}),
  ...(endpoint.timeoutMs === undefined ? {} : { timeoutMs: endpoint.timeoutMs }),
});

type Reply = { status: number; body: unknown } | { failure: 'unavailable' | 'unknown'; message: string };

const STATES = new Set(['pending', 'succeeded', 'failed']);

// Looked up per call (not captured) so tests can stub the global.
const fetchOf = (options: SandboxAdapterOptions): typeof fetch =>
  options.fetch ?? ((input, init) => fetch(input, init));

export function createSandboxTransactions(options: SandboxAdapterOptions): ChannelTransactions {
  const doFetch = fetchOf(options);
  const timeoutMs = options.timeoutMs ?? 5000;

  async function call(method: 'GET' | 'POST', path: string, payload?: object): Promise<Reply> {
    if (!options.pspUrl) return { failure: 'unavailable', message: 'SANDBOX_PSP_URL is not configured' };
    let response: Response;
    try {
      response = await doFetch(`${options.pspUrl}${path}`, {
        method,
        headers: payload ? { 'content-type': 'application/json' } : {},
        ...(payload ? { body: JSON.stringify(payload) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      // A timeout may hide a request the PSP took; a refused connection never reached it.
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      return { failure: timedOut ? 'unknown' : 'unavailable', message: `sandbox PSP: ${String(cause)}` };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      return { failure: 'unknown', message: `sandbox PSP answer broke off: ${String(cause)}` };
    }
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: response.status, body };
  }

  function submission(reply: Reply): SubmissionResult {
    if ('failure' in reply)
      return { kind: reply.failure, code: 'sandbox_unreachable', message: reply.message };
    const { status, body } = reply;
    const detail = JSON.stringify(body)?.slice(0, 200) ?? '';
    if (status >= 500 || status === 429) {
      return {
        kind: 'unavailable',
        code: `http_${status}`,
        message: `sandbox PSP answered ${status}: ${detail}`,
      };
    }
    const reference = (body as { channelReference?: unknown } | null)?.channelReference;
    if (status >= 200 && status < 300 && typeof reference === 'string') {
      return { kind: 'accepted', channelReference: reference };
    }
    if (status >= 200 && status < 300) {
      return {
        kind: 'unknown',
        code: 'no_reference',
        message: 'sandbox PSP answered without channelReference',
      };
    }
    return { kind: 'declined', code: `http_${status}`, message: `sandbox PSP refused it: ${detail}` };
  }

  async function query(path: string): Promise<QueryResult> {
    const reply = await call('GET', path);
    if ('failure' in reply)
      return { kind: reply.failure, code: 'sandbox_unreachable', message: reply.message };
    if (reply.status === 404) return { kind: 'not_found' };
    const found = reply.body as Record<string, unknown> | null;
    if (
      reply.status === 200 &&
      typeof found?.channelReference === 'string' &&
      typeof found.state === 'string' &&
      STATES.has(found.state) &&
      Number.isSafeInteger(found.amount) &&
      typeof found.currency === 'string'
    ) {
      return {
        kind: 'found',
        state: found.state as 'pending' | 'succeeded' | 'failed',
        channelReference: found.channelReference,
        amount: found.amount as number,
        currency: found.currency,
      };
    }
    const kind = reply.status >= 500 ? 'unavailable' : 'unknown';
    return {
      kind,
      code: `http_${reply.status}`,
      message: `sandbox PSP status query answered ${reply.status}`,
    };
  }

  return {
    name: 'sandbox',

    async submitPayment(p: PaymentSubmission) {
      return submission(
        await call('POST', '/payments', {
          reference: p.reference,
          amount: p.amount,
          currency: p.currency,
          outcome: p.outcome,
        }),
      );
    },

    async submitRefund(r: RefundSubmission) {
      return submission(
        await call('POST', '/refunds', {
          reference: r.reference,
          paymentReference: r.paymentReference,
          amount: r.amount,
          currency: r.currency,
          outcome: r.outcome,
        }),
      );
    },

    queryPayment: ({ reference }) => query(`/payments/${encodeURIComponent(reference)}`),
    queryRefund: ({ reference }) => query(`/refunds/${encodeURIComponent(reference)}`),
  };
}

export function createSandboxStatements(options: SandboxAdapterOptions): ChannelStatements {
  const timeoutMs = options.timeoutMs ?? 5000;
  return {
    name: 'sandbox',
    fetchStatement: (date: string) =>
      sandboxStatement(date, { ...options, fetch: fetchOf(options), timeoutMs }),
  };
}

/**
 * The sandbox channel adapter: verifies and parses its webhooks, submits payments and refunds to the
 * sandbox PSP over HTTP (locally the emulator's simulator, local/src/sandbox/psp-simulator.ts) and streams its daily statements.
 */
import { fieldErrors } from '../../http/validation.js';
import { sandboxWebhookSchema } from '../../schemas/sandbox-webhook.js';
import { ChannelError } from '../errors.js';
import type {
  ChannelAdapter,
  ChannelEvent,
  PaymentSubmission,
  RefundSubmission,
  WebhookVerdict,
} from '../types.js';
import { SIGNATURE_HEADER, verifySignature } from './signature.js';
import { sandboxStatement } from './statement-fetch.js';

export interface SandboxAdapterOptions {
  /** Webhook secrets accepted (several during rotation). Needed to verify webhooks. */
  readonly secrets?: readonly string[];
  /** Base URL of the sandbox PSP. Needed to submit. */
  readonly pspUrl?: string;
  readonly fetch?: typeof fetch;
  /**
   * Per request; the stream batch retries a timed-out submission, which the PSP deduplicates. For a
   * statement, the longest wait for its answer or for its next chunk (it may take longer in all).
   */
  readonly timeoutMs?: number;
}

const retryableStatus = (status: number) => status >= 500 || status === 429;

export function createSandboxAdapter(options: SandboxAdapterOptions): ChannelAdapter {
  // Looked up per call (not captured) so tests can stub the global.
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 5000;

  async function post(path: string, payload: object): Promise<{ channelReference: string }> {
    if (!options.pspUrl)
      throw new ChannelError('channel_unavailable', 'SANDBOX_PSP_URL is not configured', false);
    let response: Response;
    try {
      response = await doFetch(`${options.pspUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new ChannelError('channel_unavailable', `sandbox PSP unreachable: ${String(cause)}`, true, {
        cause,
      });
    }
    const text = await response.text();
    if (!response.ok) {
      const retryable = retryableStatus(response.status);
      const code = retryable ? 'channel_unavailable' : 'channel_rejected';
      throw new ChannelError(
        code,
        `sandbox PSP answered ${response.status}: ${text.slice(0, 200)}`,
        retryable,
      );
    }
    const body = JSON.parse(text) as { channelReference?: unknown };
    if (typeof body.channelReference !== 'string') {
      throw new ChannelError('channel_rejected', 'sandbox PSP answered without channelReference', false);
    }
    return { channelReference: body.channelReference };
  }

  return {
    name: 'sandbox',

    verifyWebhook(headers, rawBody, nowSeconds): WebhookVerdict {
      const header = Object.entries(headers).find(([k]) => k.toLowerCase() === SIGNATURE_HEADER)?.[1];
      const verdict = verifySignature(header, rawBody, options.secrets ?? [], nowSeconds);
      return verdict.ok ? { ok: true } : verdict;
    },

    parseWebhook(body) {
      const result = sandboxWebhookSchema.safeParse(body);
      if (!result.success) return { ok: false, issues: fieldErrors(result.error) };
      const { id, type, data } = result.data;
      const [subject, outcome] = type.split('.') as [ChannelEvent['subject'], ChannelEvent['outcome']];
      return { ok: true, event: { eventId: id, subject, outcome, ...data } };
    },

    submitPayment(p: PaymentSubmission) {
      return post('/payments', {
        reference: p.reference,
        amount: p.amount,
        currency: p.currency,
        outcome: p.outcome,
      });
    },

    submitRefund(r: RefundSubmission) {
      return post('/refunds', {
        reference: r.reference,
        paymentReference: r.paymentReference,
        amount: r.amount,
        currency: r.currency,
        outcome: r.outcome,
      });
    },

    fetchStatement(date: string) {
      return sandboxStatement(date, { ...options, fetch: doFetch, timeoutMs });
    },
  };
}

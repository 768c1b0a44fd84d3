/**
 * The Stripe channel adapter: PaymentIntents and Refunds over Stripe's API (requests.ts, answers read by
 * responses.ts), events verified and read by notifications.ts, status queries by our reference (Stripe's
 * search, since the `pi_` id is not written back at submission), and the day's balance-transaction CSV
 * from a Reporting API run (reports.ts).
 * Submissions and queries (`createStripeTransactions`) and statements (`createStripeStatements`) are
 * made apart, and notifications by notifications.ts (`createStripeNotifier`), so a function's bundle
 * carries only the part it uses (the whole adapter: shared/channels/adapters.ts).
 */
import { isDay } from '../../domain/reconciliation/day.js';
import type { StripeChannelCredentials } from '../credentials.js';
import { download } from '../download.js';
import { ChannelError } from '../errors.js';
import { type Sent, send as sendRequest } from '../http.js';
import type { ChannelReply, ChannelRequest, QueryResult, SubmissionResult } from '../protocol.js';
import type {
  ChannelStatements,
  ChannelTransactions,
  PaymentSubmission,
  RefundSubmission,
} from '../types.js';
import { fromStripeAmount } from './amount.js';
import { createReportRun, reportType, retrieveReportRun, stripeReportReader } from './reports.js';
import {
  createPaymentIntent,
  createRefund,
  listRefunds,
  STRIPE_API,
  type StripeCredentials,
  searchPaymentIntents,
} from './requests.js';
import { readQuery, readSubmission, stripeState } from './responses.js';

export interface StripeAdapterOptions extends StripeChannelCredentials {
  /** Default Stripe's API; the local simulator's in local runs. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /** Per request, default 10 s (Stripe's own SDK waits 80 s; a stream batch cannot). */
  readonly timeoutMs?: number;
  /** How long a statement's report run is waited for, default 10 minutes (a run's function has 15). */
  readonly reportWaitMs?: number;
  /** Between report run polls (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

type StripeList = { data?: unknown };
type NoAnswer = Exclude<QueryResult, { kind: 'found' }>;

/** What every part needs: credentials, fetch and the per-request timeout. */
function context(options: StripeAdapterOptions) {
  const credentials: StripeCredentials = {
    secretKey: options.secretKey,
    apiBase: (options.baseUrl ?? STRIPE_API).replace(/\/+$/, ''),
  };
  // Looked up per call (not captured) so tests can stub the global.
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  return { credentials, doFetch, timeoutMs: options.timeoutMs ?? 10_000 };
}

export function createStripeStatements(options: StripeAdapterOptions): ChannelStatements {
  const { credentials, doFetch, timeoutMs } = context(options);
  const send = (request: ChannelRequest) => sendRequest(request, 'Stripe', { fetch: doFetch, timeoutMs });
  const waitMs = options.reportWaitMs ?? 10 * 60_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? (() => new Date());
  return {
    name: 'stripe',
    /**
     * The day's balance-transaction CSV, made by a report run (reports.ts): created, then polled (0.5 s,
     * doubling to 10 s) for up to `reportWaitMs`, then downloaded as it streams in. A run still pending
     * after the wait is a retryable failure: the next attempt makes a new run, which costs nothing.
     */
    fetchStatement(date: string) {
      if (!isDay(date))
        throw new ChannelError('channel_rejected', `${JSON.stringify(date)} is not a yyyy-mm-dd day`, false);
      return statement(date);
    },
  };

  async function* statement(date: string): AsyncGenerator<Uint8Array> {
    const read = stripeReportReader(credentials, date);
    const interval = read.interval(await send(reportType(credentials)), now());
    let run = read.run(await send(createReportRun(credentials, interval)));
    let waited = 0;
    for (let pause = 500; run.status === 'pending'; pause = Math.min(pause * 2, 10_000)) {
      if (waited + pause > waitMs)
        throw read.failure(200, `report run ${run.id} still pending after ${waited} ms`, true);
      await sleep(pause);
      waited += pause;
      run = read.run(await send(retrieveReportRun(credentials, run.id)));
    }
    if (run.status === 'failed') throw read.failure(200, `report run ${run.id} failed: ${run.error}`, false);
    const headers = { authorization: `Bearer ${credentials.secretKey}` };
    yield* download(run.url, { channel: 'stripe', date, fetch: doFetch, timeoutMs, headers });
  }
}

/** How long Stripe's search may take to show a new PaymentIntent (Stripe's docs: under a minute). */
export const STRIPE_SEARCH_LAG_MS = 60_000;

export function createStripeTransactions(options: StripeAdapterOptions): ChannelTransactions {
  const { credentials, doFetch, timeoutMs } = context(options);
  const send = (request: ChannelRequest) => sendRequest(request, 'Stripe', { fetch: doFetch, timeoutMs });

  const metadataOf = (outcome: string | undefined) =>
    outcome === undefined ? undefined : { sandbox_outcome: outcome };

  /** A Stripe list's objects, or a QueryResult saying why there is none. */
  function listOf(sent: Sent): Record<string, unknown>[] | NoAnswer {
    if (!sent.ok) return { kind: sent.kind, code: sent.code, message: sent.message };
    const { reply } = sent;
    if (reply.status < 200 || reply.status >= 300) {
      const read = readQuery(reply, 'USD');
      return read.kind === 'found' ? { kind: 'unknown', code: 'unexpected', message: 'not a list' } : read;
    }
    try {
      const data = (JSON.parse(reply.body) as StripeList).data;
      if (Array.isArray(data)) return data as Record<string, unknown>[];
    } catch {}
    return { kind: 'unknown', code: 'malformed_response', message: 'Stripe answered 2xx without a list' };
  }

  /** An object of a list, read as a status query's answer. */
  function found(object: Record<string, unknown>, currency: string): QueryResult {
    const reply: ChannelReply = { status: 200, headers: {}, body: JSON.stringify(object) };
    return readQuery(reply, currency);
  }

  /** The PaymentIntent carrying our `pay_` id, or why there is none. */
  async function intentOf(
    reference: string,
  ): Promise<{ intent: Record<string, unknown> & { id: string } } | { result: NoAnswer }> {
    const list = listOf(await send(searchPaymentIntents(credentials, reference)));
    if (!Array.isArray(list)) return { result: list };
    const intent = list.find(
      (o) => (o.metadata as { reference?: unknown } | undefined)?.reference === reference,
    );
    if (!intent) return { result: { kind: 'not_found' } };
    if (typeof intent.id !== 'string')
      return {
        result: { kind: 'unknown', code: 'malformed_response', message: 'a PaymentIntent without id' },
      };
    return { intent: intent as Record<string, unknown> & { id: string } };
  }

  async function submit(build: () => ChannelRequest): Promise<SubmissionResult> {
    let request: ChannelRequest;
    try {
      request = build();
    } catch (error) {
      // An amount Stripe cannot carry exactly (AmountFormatError) or a currency it does not know.
      return { kind: 'declined', code: 'amount_not_representable', message: (error as Error).message };
    }
    const sent = await send(request);
    if (!sent.ok) return { kind: sent.kind, code: sent.code, message: sent.message };
    return readSubmission(sent.reply);
  }

  return {
    name: 'stripe',

    submitPayment: (p: PaymentSubmission) =>
      submit(() =>
        createPaymentIntent(credentials, {
          reference: p.reference,
          amount: p.amount,
          currency: p.currency,
          ...(p.description === undefined ? {} : { description: p.description }),
          ...(p.outcome === undefined ? {} : { metadata: metadataOf(p.outcome) }),
        }),
      ),

    async submitRefund(r: RefundSubmission) {
      let paymentIntent = r.paymentChannelReference;
      if (!paymentIntent) {
        const looked = await intentOf(r.paymentReference);
        if ('result' in looked) {
          const { result } = looked;
          // A payment Stripe never had cannot be refunded there; any other answer may change: retry.
          if (result.kind === 'not_found')
            return {
              kind: 'declined',
              code: 'payment_unknown',
              message: `Stripe has no ${r.paymentReference}`,
            };
          return { kind: result.kind, code: result.code, message: result.message };
        }
        paymentIntent = looked.intent.id;
      }
      const intent = paymentIntent;
      return submit(() =>
        createRefund(credentials, {
          reference: r.reference,
          paymentIntent: intent,
          amount: r.amount,
          currency: r.currency,
          ...(r.outcome === undefined ? {} : { metadata: metadataOf(r.outcome) }),
        }),
      );
    },

    async queryPayment({ reference, currency, submittedAt }) {
      const looked = await intentOf(reference);
      if (!('result' in looked)) return found(looked.intent, currency);
      // Stripe's search index lags its writes by up to a minute: a PaymentIntent created by the request
      // that just timed out may not be found yet. Failing over then could leave the payment taken by two
      // channels, so a miss that soon is not proof; the delayed check asks again once it is.
      if (
        looked.result.kind === 'not_found' &&
        submittedAt &&
        Date.now() - submittedAt.getTime() < STRIPE_SEARCH_LAG_MS
      ) {
        return {
          kind: 'unknown',
          code: 'search_lag',
          message: `Stripe's search may not show ${reference} yet`,
        };
      }
      return looked.result;
    },

    async queryRefund({ reference, paymentReference, currency }) {
      const looked = await intentOf(paymentReference);
      if ('result' in looked) return looked.result;
      const list = listOf(await send(listRefunds(credentials, looked.intent.id)));
      if (!Array.isArray(list)) return list;
      const refund = list.find(
        (o) => (o.metadata as { reference?: unknown } | undefined)?.reference === reference,
      );
      if (!refund) return { kind: 'not_found' };
      try {
        if (typeof refund.id !== 'string' || typeof refund.amount !== 'number')
          throw new Error('no id or amount');
        return {
          kind: 'found',
          state: stripeState(refund.status),
          channelReference: refund.id,
          amount: fromStripeAmount(refund.amount, currency),
          currency: String(refund.currency ?? currency).toUpperCase(),
        };
      } catch (error) {
        return {
          kind: 'unknown',
          code: 'malformed_response',
          message: `Stripe refund: ${(error as Error).message}`,
        };
      }
    },
  };
}

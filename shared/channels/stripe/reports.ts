/**
 * A day's balance-transaction CSV from Stripe's Reporting API (docs.stripe.com/reports/v1-api): the
 * report type's `data_available_end` says how far Stripe's prepared data reaches; a report run of
 * `balance_change_from_activity.itemized.3` for the UTC day (interval_start inclusive, interval_end
 * exclusive, `timezone` Etc/UTC) is created, polled until it `succeeded`, and its result file downloaded
 * with the secret key. The columns asked for are the ones the native reader
 * (shared/domain/reconciliation/native/stripe.ts) reads, our `pay_`/`re_` ids among them.
 *
 * Every error is a StatementFetchError: retryable while the data is not there yet, the report is still
 * running after the wait, or Stripe is down; final for a day Stripe will never have (before
 * `data_available_start`) or a report run that failed.
 */
import { StatementFetchError } from '../errors.js';
import type { Sent } from '../http.js';
import type { ChannelRequest } from '../protocol.js';
import { formEncode, STRIPE_API, type StripeCredentials } from './requests.js';

export const STRIPE_REPORT_TYPE = 'balance_change_from_activity.itemized.3';

/** The columns asked for: what the native reader needs, in the order of Stripe's default columns. */
export const STRIPE_REPORT_COLUMNS = [
  'balance_transaction_id',
  'created_utc',
  'currency',
  'gross',
  'fee',
  'net',
  'reporting_category',
  'source_id',
  'payment_intent_id',
  'description',
  'payment_metadata[reference]',
  'refund_metadata[reference]',
] as const;

/** Where Stripe serves report files; the local simulator serves them from its own origin. */
const STRIPE_FILES = 'https://files.stripe.com';

const base = (credentials: StripeCredentials) => credentials.apiBase ?? STRIPE_API;
const bearer = (credentials: StripeCredentials) => ({ authorization: `Bearer ${credentials.secretKey}` });

/** GET /v1/reporting/report_types/{type}: how far the report's data reaches. */
export function reportType(credentials: StripeCredentials): ChannelRequest {
  return {
    method: 'GET',
    url: `${base(credentials)}/v1/reporting/report_types/${STRIPE_REPORT_TYPE}`,
    headers: bearer(credentials),
  };
}

/** POST /v1/reporting/report_runs for [start, end) (Unix seconds). */
export function createReportRun(
  credentials: StripeCredentials,
  interval: { readonly start: number; readonly end: number },
): ChannelRequest {
  const columns = Object.fromEntries(STRIPE_REPORT_COLUMNS.map((c, i) => [String(i), c]));
  return {
    method: 'POST',
    url: `${base(credentials)}/v1/reporting/report_runs`,
    headers: { ...bearer(credentials), 'content-type': 'application/x-www-form-urlencoded' },
    body: formEncode({
      report_type: STRIPE_REPORT_TYPE,
      parameters: {
        interval_start: interval.start,
        interval_end: interval.end,
        timezone: 'Etc/UTC',
        columns,
      },
    }),
  };
}

/** GET /v1/reporting/report_runs/{id}. */
export function retrieveReportRun(credentials: StripeCredentials, id: string): ChannelRequest {
  return {
    method: 'GET',
    url: `${base(credentials)}/v1/reporting/report_runs/${encodeURIComponent(id)}`,
    headers: bearer(credentials),
  };
}

/** A report run as far as fetching its file goes. */
export type ReportRunState =
  | { readonly status: 'pending'; readonly id: string }
  | { readonly status: 'succeeded'; readonly id: string; readonly url: string }
  | { readonly status: 'failed'; readonly id: string; readonly error: string };

/** Reads Stripe's answers for one day's statement; each failure is the StatementFetchError to throw. */
export function stripeReportReader(credentials: StripeCredentials, date: string) {
  const failure = (status: number | undefined, detail: string, retryable: boolean) =>
    new StatementFetchError('stripe', date, status, detail, retryable);

  /** The JSON object of a 2xx answer. @throws StatementFetchError for any other answer */
  function objectOf(sent: Sent, what: string): Record<string, unknown> {
    if (!sent.ok) throw failure(undefined, `${what}: ${sent.message}`, true);
    const { status, body } = sent.reply;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {}
    const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    if (status >= 200 && status < 300) return object;
    const error = object.error as { message?: unknown } | undefined;
    const message = typeof error?.message === 'string' ? error.message : body.slice(0, 200);
    // Our key refused, a bad request: asking again will not help. Rate limits and 5xx pass.
    const retryable = status === 429 || status >= 500;
    throw failure(status, `${what} answered ${status}: ${message}`, retryable);
  }

  return {
    /**
     * The interval of the UTC day Stripe has data for, `askedAt` being when we ask: the whole day, or for
     * today the part up to Stripe's data end.
     * @throws StatementFetchError retryable while Stripe's data does not reach the day's end (or now, for
     *   today, give or take a minute), final for a day before its data starts
     */
    interval(sent: Sent, askedAt: Date): { start: number; end: number } {
      const type = objectOf(sent, 'Stripe report type');
      const dataStart = type.data_available_start;
      const dataEnd = type.data_available_end;
      if (typeof dataStart !== 'number' || typeof dataEnd !== 'number')
        throw failure(200, 'Stripe report type without data_available_start/end', true);
      const start = Date.parse(`${date}T00:00:00Z`) / 1000;
      const dayEnd = start + 86_400;
      if (start < dataStart)
        throw failure(200, `Stripe's balance data starts at ${iso(dataStart)}, after the day's start`, false);
      const wanted = Math.min(dayEnd, Math.floor(askedAt.getTime() / 1000) - 60);
      if (dataEnd < wanted)
        throw failure(200, `Stripe's balance data reaches ${iso(dataEnd)}, not yet ${iso(wanted)}`, true);
      return { start, end: Math.min(dayEnd, dataEnd) };
    },

    /** A created or retrieved report run. */
    run(sent: Sent): ReportRunState {
      const run = objectOf(sent, 'Stripe report run');
      const id = typeof run.id === 'string' ? run.id : '';
      if (run.status === 'pending' && id) return { status: 'pending', id };
      if (run.status === 'failed' && id)
        return { status: 'failed', id, error: typeof run.error === 'string' ? run.error : 'no reason given' };
      const url = (run.result as { url?: unknown } | null | undefined)?.url;
      if (run.status === 'succeeded' && id && typeof url === 'string') {
        // The file is fetched with our secret key: only from Stripe's file host (or the simulator's own
        // origin, which is the configured API's).
        const origin = new URL(url).origin;
        if (origin !== STRIPE_FILES && origin !== new URL(base(credentials)).origin)
          throw failure(200, `Stripe named a report file outside ${STRIPE_FILES}: ${origin}`, false);
        return { status: 'succeeded', id, url };
      }
      throw failure(
        200,
        `Stripe answered a report run of an unknown shape (status ${String(run.status)})`,
        true,
      );
    },

    failure,
  };
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

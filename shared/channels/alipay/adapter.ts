/**
 * The Alipay channel adapter: a payment is an `alipay.trade.precreate` (the QR code the customer
 * scans), a refund an `alipay.trade.refund`, the status queries `alipay.trade.query` and
 * `alipay.trade.fastpay.refund.query`, each RSA2-signed with our app key and its answer believed once
 * Alipay's sign holds; notifies are read by `readAlipayNotify`; the statement is the trade bill named by
 * `alipay.data.dataservice.bill.downloadurl.query`. Keys are parsed once, when the adapter is made.
 * Submissions and queries (`createAlipayTransactions`) and statements (`createAlipayStatements`) are
 * made apart, and notifications by notifications.ts (`createAlipayNotifier`), so a function's bundle
 * carries only the part it uses (the whole adapter: shared/channels/adapters.ts).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { isDay } from '../../domain/reconciliation/day.js';
import { download } from '../download.js';
import { ChannelError, StatementFetchError } from '../errors.js';
import { send } from '../http.js';
import type { ChannelReply, ChannelRequest, QueryResult, SubmissionResult } from '../protocol.js';
import type {
  ChannelStatements,
  ChannelTransactions,
  PaymentSubmission,
  RefundSubmission,
} from '../types.js';
import { alipayBillCsv } from './bill-zip.js';
import {
  type AlipayCredentials,
  billDownloadUrlQuery,
  precreate,
  query,
  refund,
  refundQuery,
} from './requests.js';
import { readBillDownloadUrl, readQuery, readRefundQuery, readSubmission } from './responses.js';
import { loadPublicKeys } from './sign.js';

export const ALIPAY_BASE_URL = 'https://openapi.alipay.com';

/** The Alipay channel's secret, as stored (one secret per channel). */
export interface AlipaySecret {
  readonly appId: string;
  /** Our app private key, PKCS#8 (or PKCS#1) PEM. */
  readonly appPrivateKeyPem: string;
  /** Alipay's public keys, several while Alipay rotates its key. */
  readonly alipayPublicKeyPems: readonly string[];
}

export interface AlipayAdapterOptions extends AlipaySecret {
  /** Default Alipay's production gateway host; the gateway is `<baseUrl>/gateway.do`. */
  readonly baseUrl?: string;
  /** Our `/v1/channels/alipay/callbacks`. */
  readonly notifyUrl: string;
  readonly fetch?: typeof fetch;
  /** Per request, default 5000 ms; for a statement, the longest wait for its next chunk. */
  readonly timeoutMs?: number;
}

/** Alipay's `subject` holds at most 256 characters. */
const SUBJECT_MAX = 256;

export const createAlipayTransactions = (options: AlipayAdapterOptions): ChannelTransactions =>
  transactions(context(options));

export const createAlipayStatements = (options: AlipayAdapterOptions): ChannelStatements =>
  statements(context(options));

type Context = ReturnType<typeof context>;

/** What the transactions and the statements share: keys, credentials, and one exchange with Alipay. */
function context(options: AlipayAdapterOptions) {
  // Parsed here so a mangled key in the secret fails at cold start, not on every call.
  const privateKey: KeyObject = createPrivateKey(options.appPrivateKeyPem);
  const alipayKeys = loadPublicKeys(options.alipayPublicKeyPems);
  const credentials: AlipayCredentials = {
    appId: options.appId,
    privateKey,
    gateway: `${(options.baseUrl ?? ALIPAY_BASE_URL).replace(/\/+$/, '')}/gateway.do`,
    notifyUrl: options.notifyUrl,
  };
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 5000;
  // The test outcome goes to a simulator only: Alipay documents no such field on some of these calls
  // (refunds), and test metadata has no business at the vendor.
  const toVendor = /(^|\.)alipay\.com$/.test(new URL(credentials.gateway as string).hostname);
  const hint = (outcome: string | undefined) => (toVendor ? undefined : outcome);

  /** Sends and reads; a reader that throws on an answer it cannot read makes the result `unknown`. */
  async function exchange<R>(
    request: ChannelRequest,
    read: (reply: ChannelReply) => R,
  ): Promise<R | { kind: 'unavailable' | 'unknown'; code: string; message: string }> {
    const sent = await send(request, 'Alipay', { fetch: doFetch, timeoutMs });
    if (!sent.ok) return { kind: sent.kind, code: sent.code, message: sent.message };
    try {
      return read(sent.reply);
    } catch (cause) {
      return { kind: 'unknown', code: 'malformed_response', message: String(cause) };
    }
  }

  return { credentials, alipayKeys, exchange, hint, doFetch, timeoutMs };
}

function transactions({ credentials, alipayKeys, exchange, hint }: Context): ChannelTransactions {
  const notCny = (currency: string): SubmissionResult => ({
    kind: 'declined',
    code: 'currency_not_supported',
    message: `Alipay takes CNY only, not ${currency}`,
  });

  return {
    // CHANNELS (shared/schemas/channels.ts) gains the real channels with routing; until then the
    // port's type names the sandbox alone.
    name: 'alipay',

    async submitPayment(p: PaymentSubmission): Promise<SubmissionResult> {
      if (p.currency !== 'CNY') return notCny(p.currency);
      const subject = (p.description || p.reference).slice(0, SUBJECT_MAX);
      const request = precreate(
        credentials,
        { reference: p.reference, amount: p.amount, subject, outcome: hint(p.outcome) },
        new Date(),
      );
      return exchange(request, (reply) => readSubmission(reply, 'alipay.trade.precreate', alipayKeys));
    },

    async submitRefund(r: RefundSubmission): Promise<SubmissionResult> {
      if (r.currency !== 'CNY') return notCny(r.currency);
      const request = refund(
        credentials,
        {
          reference: r.reference,
          paymentReference: r.paymentReference,
          amount: r.amount,
          ...(r.description ? { reason: r.description } : {}),
          outcome: hint(r.outcome),
        },
        new Date(),
      );
      return exchange(request, (reply) => readSubmission(reply, 'alipay.trade.refund', alipayKeys));
    },

    async queryPayment({ reference }): Promise<QueryResult> {
      return exchange(query(credentials, reference, new Date()), (reply) => readQuery(reply, alipayKeys));
    },

    async queryRefund({ reference, paymentReference }): Promise<QueryResult> {
      const request = refundQuery(credentials, { reference, paymentReference }, new Date());
      return exchange(request, (reply) => readRefundQuery(reply, alipayKeys));
    },
  };
}

function statements({ credentials, alipayKeys, exchange, doFetch, timeoutMs }: Context): ChannelStatements {
  return { name: 'alipay', fetchStatement: (date: string) => statement(date) };

  /**
   * The trade bill of the Beijing day `date` (00:00–24:00 +08:00). A run of a UTC day reads two of them
   * and keeps that day's rows (shared/channels/statement-days.ts). Alipay serves the bill as a `csv.zip`
   * (bill-zip.ts takes its detail file out; a plain CSV passes through).
   */
  async function* statement(date: string): AsyncGenerator<Uint8Array> {
    if (!isDay(date))
      throw new ChannelError('channel_rejected', `${JSON.stringify(date)} is not a yyyy-mm-dd day`, false);
    const asked = await exchange(billDownloadUrlQuery(credentials, date, new Date()), (reply) =>
      readBillDownloadUrl(reply, alipayKeys),
    );
    if (asked.kind !== 'url') {
      const retryable = asked.kind !== 'declined';
      const detail = `Alipay named no bill: ${asked.code} ${asked.message}`.trim();
      throw new StatementFetchError('alipay', date, undefined, detail, retryable);
    }
    // The URL carries its own short-lived token: no signature, as Alipay's SDKs fetch it.
    yield* alipayBillCsv(download(asked.url, { channel: 'alipay', date, fetch: doFetch, timeoutMs }), date);
  }
}

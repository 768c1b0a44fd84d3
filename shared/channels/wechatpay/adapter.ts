/**
 * The WeChat Pay channel adapter (API v3): a payment is a Native order (the QR code the customer
 * scans), a refund a domestic refund, the status queries the two GETs by our ids, each signed with our
 * merchant key and its 2xx answer believed once the platform's signature holds; notifications are read
 * by `readWechatpayNotification`; the statement is the trade bill named by /v3/bill/tradebill, checked
 * against its announced SHA1. Keys are parsed once, when the adapter is made. Submissions and queries
 * (`createWechatpayTransactions`) and statements (`createWechatpayStatements`) are made apart, and
 * notifications by notifications.ts (`createWechatpayNotifier`), so a function's bundle carries only
 * the part it uses (the whole adapter: shared/channels/adapters.ts).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
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
import {
  billDownload,
  nativePayment,
  queryPayment,
  queryRefund,
  refund,
  tradeBill,
  type WechatpayCredentials,
} from './requests.js';
import { readQuery, readSubmission, readTradeBill } from './responses.js';

export const WECHATPAY_BASE_URL = 'https://api.mch.weixin.qq.com';

/** The WeChat Pay channel's secret, as stored (one secret per channel). */
export interface WechatpaySecret {
  readonly mchid: string;
  readonly appid: string;
  /** Our merchant API certificate's serial. */
  readonly merchantSerial: string;
  readonly merchantPrivateKeyPem: string;
  /** Trusted platform public keys (several while WeChat Pay rotates). */
  readonly platformKeys: readonly { readonly serial: string; readonly publicKeyPem: string }[];
  /** APIv3 keys, 32 bytes each (several while one rotates). */
  readonly apiV3Keys: readonly string[];
}

export interface WechatpayAdapterOptions extends WechatpaySecret {
  /** Default WeChat Pay's production API host. */
  readonly baseUrl?: string;
  /** Our `/v1/channels/wechatpay/callbacks`. */
  readonly notifyUrl: string;
  readonly fetch?: typeof fetch;
  /** Per request, default 5000 ms; for a statement, the longest wait for its next chunk. */
  readonly timeoutMs?: number;
}

/** WeChat Pay's `description` holds at most 127 characters. */
const DESCRIPTION_MAX = 127;

const seconds = () => Math.floor(Date.now() / 1000);

export const createWechatpayTransactions = (options: WechatpayAdapterOptions): ChannelTransactions =>
  transactions(context(options));

export const createWechatpayStatements = (options: WechatpayAdapterOptions): ChannelStatements =>
  statements(context(options));

/** The platform's keys by serial. */
const platformKeysOf = (options: Pick<WechatpaySecret, 'platformKeys'>): Record<string, KeyObject> =>
  Object.fromEntries(options.platformKeys.map((k) => [k.serial, createPublicKey(k.publicKeyPem)]));

type Context = ReturnType<typeof context>;

/** What the transactions and the statements share: keys, credentials, and one exchange with WeChat Pay. */
function context(options: WechatpayAdapterOptions) {
  // Parsed here so a mangled key in the secret fails at cold start, not on every call.
  const privateKey: KeyObject = createPrivateKey(options.merchantPrivateKeyPem);
  const platformKeys = platformKeysOf(options);
  for (const key of options.apiV3Keys)
    if (Buffer.byteLength(key, 'utf8') !== 32) throw new Error('a WeChat Pay APIv3 key is 32 bytes');
  const credentials: WechatpayCredentials = {
    mchid: options.mchid,
    appid: options.appid,
    serial: options.merchantSerial,
    privateKey,
    notifyUrl: options.notifyUrl,
    apiBase: (options.baseUrl ?? WECHATPAY_BASE_URL).replace(/\/+$/, ''),
  };
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 5000;
  // The test outcome goes to a simulator only: WeChat Pay documents no such field on some of these calls
  // (refunds), and test metadata has no business at the vendor.
  const toVendor = /(^|\.)weixin\.qq\.com$/.test(new URL(credentials.apiBase as string).hostname);
  const hint = (outcome: string | undefined) => (toVendor ? undefined : outcome);

  /** Sends and reads; a reader that throws on an answer it cannot read makes the result `unknown`. */
  async function exchange<R>(
    request: ChannelRequest,
    read: (reply: ChannelReply, nowSeconds: number) => R,
  ): Promise<R | { kind: 'unavailable' | 'unknown'; code: string; message: string }> {
    const sent = await send(request, 'WeChat Pay', { fetch: doFetch, timeoutMs });
    if (!sent.ok) return { kind: sent.kind, code: sent.code, message: sent.message };
    try {
      return read(sent.reply, seconds());
    } catch (cause) {
      return { kind: 'unknown', code: 'malformed_response', message: String(cause) };
    }
  }

  const clock = () => ({ timestamp: seconds() });
  return { credentials, platformKeys, exchange, hint, clock, doFetch, timeoutMs };
}

function transactions({ credentials, platformKeys, exchange, hint, clock }: Context): ChannelTransactions {
  const notCny = (currency: string): SubmissionResult => ({
    kind: 'declined',
    code: 'currency_not_supported',
    message: `WeChat Pay takes CNY only, not ${currency}`,
  });

  return {
    // CHANNELS (shared/schemas/channels.ts) gains the real channels with routing; until then the
    // port's type names the sandbox alone.
    name: 'wechatpay',

    async submitPayment(p: PaymentSubmission): Promise<SubmissionResult> {
      if (p.currency !== 'CNY') return notCny(p.currency);
      const description = (p.description || p.reference).slice(0, DESCRIPTION_MAX);
      const request = nativePayment(
        credentials,
        { reference: p.reference, amount: p.amount, description, outcome: hint(p.outcome) },
        clock(),
      );
      return exchange(request, (reply, now) => readSubmission(reply, 'native', platformKeys, now));
    },

    async submitRefund(r: RefundSubmission): Promise<SubmissionResult> {
      if (r.currency !== 'CNY') return notCny(r.currency);
      const request = refund(
        credentials,
        {
          reference: r.reference,
          paymentReference: r.paymentReference,
          paymentAmount: r.paymentAmount,
          amount: r.amount,
          ...(r.description ? { reason: r.description.slice(0, 80) } : {}),
          outcome: hint(r.outcome),
        },
        clock(),
      );
      return exchange(request, (reply, now) => readSubmission(reply, 'refund', platformKeys, now));
    },

    async queryPayment({ reference }): Promise<QueryResult> {
      const request = queryPayment(credentials, reference, clock());
      return exchange(request, (reply, now) => readQuery(reply, 'payment', platformKeys, now));
    },

    async queryRefund({ reference }): Promise<QueryResult> {
      const request = queryRefund(credentials, reference, clock());
      return exchange(request, (reply, now) => readQuery(reply, 'refund', platformKeys, now));
    },
  };
}

function statements(made: Context): ChannelStatements {
  const { credentials, platformKeys, exchange, clock, doFetch, timeoutMs } = made;
  return { name: 'wechatpay', fetchStatement: (date: string) => statement(date) };

  /**
   * The trade bill of the Beijing day `date` (00:00–24:00 +08:00). A run of a UTC day reads two of them
   * and keeps that day's rows (shared/channels/statement-days.ts).
   */
  async function* statement(date: string): AsyncGenerator<Uint8Array> {
    if (!isDay(date))
      throw new ChannelError('channel_rejected', `${JSON.stringify(date)} is not a yyyy-mm-dd day`, false);
    const announced = await exchange(tradeBill(credentials, date, clock()), (reply, now) =>
      readTradeBill(reply, platformKeys, now),
    );
    if (announced.kind !== 'bill') {
      const detail = `WeChat Pay named no bill: ${announced.code} ${announced.message}`.trim();
      // A bill still being made (before 10:00 Beijing time the next day) is there later.
      const retryable = announced.kind !== 'declined' || announced.code === 'STATEMENT_CREATING';
      throw new StatementFetchError('wechatpay', date, undefined, detail, retryable);
    }
    const signed = billDownload(credentials, announced.url, clock());
    yield* download(signed.url, {
      channel: 'wechatpay',
      date,
      fetch: doFetch,
      timeoutMs,
      headers: signed.headers,
      digest: { algorithm: announced.hashType, hex: announced.hashValue },
    });
  }
}

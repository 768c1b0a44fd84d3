/**
 * Alipay's async notify to `POST /v1/channels/alipay/callbacks`: a form-encoded body, `sign_type=RSA2`,
 * `sign` by Alipay's key over the sorted non-empty parameters but `sign` and `sign_type`. It carries no
 * timestamp to bound a replay; its `notify_id` is the event id instead, so a redelivery is a no-op.
 * Payment: `out_trade_no` (our `pay_` id), `trade_no`, `total_amount` in yuan, `trade_status`.
 * Refund: the same trade plus `out_biz_no` (our `re_` id), `refund_fee` (the trade's cumulative
 * refunded amount) and `gmt_refund`; its `trade_status` (`TRADE_SUCCESS` partly refunded,
 * `TRADE_CLOSED` fully refunded) says the refund went through either way.
 */
import type { KeyObject } from 'node:crypto';
import { AmountFormatError, yuanToFen } from '../amounts.js';
import {
  type ChannelAck,
  type ChannelNotification,
  NotificationBodyError,
  NotificationError,
} from '../protocol.js';
import type { ChannelNotifier } from '../types.js';
import { beijingTimeToIso, loadPublicKeys, rsa2Verify, signContent } from './sign.js';

export const ALIPAY_ACK: ChannelAck = { status: 200, contentType: 'text/plain', body: 'success' };

const PAYMENT_OUTCOMES: Readonly<Record<string, 'succeeded' | 'failed'>> = {
  TRADE_SUCCESS: 'succeeded',
  TRADE_FINISHED: 'succeeded',
  TRADE_CLOSED: 'failed',
};

/** The form body's parameters, each decoded once; a parameter sent twice is refused. */
export function parseForm(rawBody: Buffer | string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawBody.toString())) {
    if (Object.hasOwn(params, key)) throw new NotificationError('malformed', `parameter ${key} sent twice`);
    params[key] = value;
  }
  return params;
}

export interface AlipayNotifyOptions {
  /** Alipay's public keys (several while Alipay rotates its key). */
  readonly alipayKeys: readonly (KeyObject | string)[];
  /** Our app id: a notify for another app is refused. */
  readonly appId: string;
}

/**
 * A notify Alipay signed that is not one it sends (a field missing or unreadable): 400, not 401, since
 * its signature holds. Only thrown once the signature is verified.
 */
const unreadable = (name: string, message: string) =>
  new NotificationBodyError(`Alipay notify: ${name} ${message}`, [{ path: name, message }]);

function required(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (!value) throw unreadable(name, 'is missing');
  return value;
}

function fen(params: Record<string, string>, name: string): number {
  try {
    return yuanToFen(required(params, name));
  } catch (cause) {
    if (cause instanceof AmountFormatError) throw unreadable(name, cause.message);
    throw cause;
  }
}

function time(params: Record<string, string>, ...names: string[]): string {
  for (const name of names) {
    const value = params[name];
    const iso = value ? beijingTimeToIso(value) : undefined;
    if (iso) return iso;
  }
  throw unreadable(names[0] as string, `is not a Beijing time (nor ${names.slice(1).join(', ')})`);
}

/**
 * Verifies an Alipay async notify over its raw form body and reads it.
 * @throws NotificationError (`missing` sign, `mismatch`, `malformed`: not RSA2, a parameter sent twice, a
 *   notify for another app); NotificationBodyError for a signed notify with a field missing or unreadable
 */
export function readAlipayNotify(
  rawBody: Buffer | string,
  options: AlipayNotifyOptions,
): ChannelNotification {
  const params = parseForm(rawBody);
  // Base64 holds no space: one in `sign` is a `+` its sender left unescaped in the form body.
  const sign = params.sign?.replaceAll(' ', '+');
  if (!sign) throw new NotificationError('missing', 'notify without sign');
  // alipay-sdk defaults a missing sign_type to RSA2; the older RSA (SHA1) is never accepted.
  if (params.sign_type !== undefined && params.sign_type !== 'RSA2')
    throw new NotificationError('malformed', 'sign_type is not RSA2');
  // Alipay signs a notify without sign_type (its "rsaCheckV1"); its SDKs also accept a signature that
  // covers sign_type ("rsaCheckV2"), and so does alipay-sdk's checkNotifySignV2: the same two here.
  const signed =
    rsa2Verify(signContent(params, ['sign', 'sign_type']), sign, options.alipayKeys) ||
    (params.sign_type !== undefined && rsa2Verify(signContent(params, ['sign']), sign, options.alipayKeys));
  if (!signed) throw new NotificationError('mismatch', 'notify not signed by Alipay');
  if (params.app_id !== undefined && params.app_id !== options.appId)
    throw new NotificationError('malformed', `notify for app ${params.app_id}`);

  const eventId = required(params, 'notify_id');
  const tradeStatus = required(params, 'trade_status');
  const reference = required(params, 'out_trade_no');
  const channelReference = required(params, 'trade_no');
  if (params.out_biz_no !== undefined || params.refund_fee !== undefined) {
    const refunded = fen(params, 'refund_fee');
    if (!/^re_[A-Za-z0-9]{1,64}$/.test(params.out_biz_no ?? ''))
      throw unreadable('out_biz_no', 'is not our refund id (re_…)');
    return {
      kind: 'outcome',
      event: {
        eventId,
        subject: 'refund',
        outcome: 'succeeded',
        reference: params.out_biz_no as string,
        channelReference,
        amount: refunded,
        cumulativeRefunded: refunded,
        currency: 'CNY',
        occurredAt: time(params, 'gmt_refund', 'notify_time'),
      },
    };
  }
  const outcome = PAYMENT_OUTCOMES[tradeStatus];
  // WAIT_BUYER_PAY (when the merchant asked for it) says nothing final.
  if (!outcome) return { kind: 'ignored', eventId, type: tradeStatus };
  if (!/^pay_[A-Za-z0-9]{1,64}$/.test(reference)) return { kind: 'ignored', eventId, type: tradeStatus };
  return {
    kind: 'outcome',
    event: {
      eventId,
      subject: 'payment',
      outcome,
      reference,
      channelReference,
      amount: fen(params, 'total_amount'),
      currency: 'CNY',
      occurredAt: time(
        params,
        outcome === 'succeeded' ? 'gmt_payment' : 'gmt_close',
        'notify_time',
        'gmt_create',
      ),
    },
  };
}

/** The callback's part of the Alipay adapter. */
export function createAlipayNotifier(options: {
  readonly appId: string;
  readonly alipayPublicKeyPems: readonly string[];
}): ChannelNotifier {
  const alipayKeys = loadPublicKeys(options.alipayPublicKeyPems);
  return {
    name: 'alipay',
    ack: ALIPAY_ACK,
    readNotification(_headers, rawBody) {
      // An Alipay notify carries no timestamp to bound; its notify_id makes a redelivery a no-op.
      return readAlipayNotify(rawBody, { alipayKeys, appId: options.appId });
    },
  };
}

/**
 * WeChat Pay API v3 notifications to `POST /v1/channels/wechatpay/callbacks`: `Wechatpay-*` headers
 * signed by a trusted platform key over `"<timestamp>\n<nonce>\n<body>\n"` (300 s tolerance), and a
 * `resource` encrypted with AEAD_AES_256_GCM under our APIv3 key (the notification's `nonce` as IV,
 * `associated_data` as AAD, the 16-byte tag after the ciphertext). Several APIv3 keys are tried while
 * one rotates. `TRANSACTION.SUCCESS` settles a payment; `REFUND.SUCCESS` a refund, `REFUND.ABNORMAL`
 * (the money could not reach the payer) and `REFUND.CLOSED` fail it. The notification `id` is the event
 * id, so a redelivery is a no-op.
 */
import { createDecipheriv, createPublicKey, type KeyObject } from 'node:crypto';
import * as z from 'zod/mini';
import {
  type ChannelAck,
  type ChannelNotification,
  header,
  NotificationBodyError,
  NotificationError,
} from '../protocol.js';
import type { ChannelNotifier } from '../types.js';
import { verifySigned } from './sign.js';

export const WECHATPAY_ACK: ChannelAck = { status: 204, body: '' };

const envelope = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(255)),
  create_time: z.optional(z.string()),
  event_type: z.string(),
  resource_type: z.optional(z.literal('encrypt-resource')),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().check(z.minLength(1)),
    nonce: z.string().check(z.minLength(1)),
    associated_data: z.optional(z.string()),
    original_type: z.optional(z.string()),
  }),
});
const fen = z.number().check(z.int(), z.nonnegative());
// The fields the product needs are required; the rest WeChat Pay sends are checked when present.
const transaction = z.object({
  mchid: z.optional(z.string()),
  out_trade_no: z.string().check(z.regex(/^pay_[A-Za-z0-9]{1,64}$/)),
  transaction_id: z.string().check(z.minLength(1)),
  trade_state: z.string(),
  success_time: z.optional(z.string()),
  amount: z.object({ total: fen, currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/))) }),
});
const refundResource = z.object({
  mchid: z.optional(z.string()),
  out_refund_no: z.string().check(z.regex(/^re_[A-Za-z0-9]{1,64}$/)),
  refund_id: z.string().check(z.minLength(1)),
  refund_status: z.optional(z.string()),
  success_time: z.optional(z.string()),
  amount: z.object({ refund: fen }),
});

const REFUND_OUTCOMES: Readonly<Record<string, 'succeeded' | 'failed'>> = {
  'REFUND.SUCCESS': 'succeeded',
  'REFUND.ABNORMAL': 'failed',
  'REFUND.CLOSED': 'failed',
};

export interface WechatpayNotifyOptions {
  /** Trusted platform public keys by serial (several during a rotation). */
  readonly platformKeys: Readonly<Record<string, KeyObject | string>>;
  /** APIv3 keys, 32 bytes each (several during a rotation). */
  readonly apiV3Keys: readonly string[];
  /** Our mchid: a notification for another merchant is refused. */
  readonly mchid: string;
}

/**
 * AEAD_AES_256_GCM decryption of a notification resource with the first key that authenticates it.
 * @throws NotificationError `mismatch` when no key does (a wrong key or a tampered resource)
 */
export function decryptResource(
  resource: { ciphertext: string; nonce: string; associated_data?: string | undefined },
  keys: readonly string[],
): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  if (data.length <= 16) throw new NotificationError('malformed', 'resource ciphertext too short');
  for (const key of keys) {
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        Buffer.from(key, 'utf8'),
        Buffer.from(resource.nonce, 'utf8'),
      );
      decipher.setAuthTag(data.subarray(data.length - 16));
      decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
      return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      // Not this key: try the next.
    }
  }
  throw new NotificationError('mismatch', 'resource does not decrypt with any APIv3 key');
}

/**
 * A notification WeChat Pay signed that is not one it sends (not JSON, fields missing): 400, not 401,
 * since its signature holds. Only thrown once the signature is verified.
 */
function unreadable(message: string, issues?: readonly { path: readonly PropertyKey[]; message: string }[]) {
  return new NotificationBodyError(
    `WeChat Pay notification: ${message}`,
    (issues ?? []).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

const iso = (rfc3339: string | undefined) => {
  const date = rfc3339 ? new Date(rfc3339) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : undefined;
};

/**
 * Verifies a WeChat Pay notification over its raw body, decrypts its resource and reads it.
 * @param nowSeconds current unix time, injected so tests control the clock
 * @throws NotificationError (`missing`, `malformed` headers or another merchant's, `stale`,
 *   `unknown_serial`, `mismatch` signature or resource key); NotificationBodyError for a signed body
 *   that is not a notification WeChat Pay sends
 */
export function readWechatpayNotification(
  headers: Readonly<Record<string, string | undefined>>,
  rawBody: Buffer | string,
  options: WechatpayNotifyOptions,
  nowSeconds: number,
): ChannelNotification {
  const text = rawBody.toString();
  const verdict = verifySigned(headers, text, options.platformKeys, nowSeconds);
  if (!verdict.ok) throw new NotificationError(verdict.reason, `Wechatpay-Signature ${verdict.reason}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw unreadable('the body is not JSON');
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) throw unreadable('not a WeChat Pay notification', parsed.error.issues);
  const { id: eventId, event_type: type, create_time, resource } = parsed.data;
  const isRefund = Object.hasOwn(REFUND_OUTCOMES, type);
  if (type !== 'TRANSACTION.SUCCESS' && !isRefund) return { kind: 'ignored', eventId, type };

  let plain: unknown;
  try {
    plain = JSON.parse(decryptResource(resource, options.apiV3Keys));
  } catch (cause) {
    if (cause instanceof NotificationError) throw cause;
    throw unreadable('the resource is not JSON');
  }
  const schema = isRefund ? refundResource : transaction;
  const read = schema.safeParse(plain);
  if (!read.success)
    throw unreadable(
      `${type} resource`,
      read.error.issues.map((i) => ({ ...i, path: ['resource', ...i.path] })),
    );
  if (read.data.mchid !== undefined && read.data.mchid !== options.mchid)
    throw new NotificationError('malformed', `notification for ${read.data.mchid}`);
  // The signed Wechatpay-Timestamp (checked above) stands in for a notification without its times.
  const sentAt = new Date(Number(header(headers, 'wechatpay-timestamp')) * 1000).toISOString();
  const occurredAt = iso(read.data.success_time) ?? iso(create_time) ?? sentAt;

  if (isRefund) {
    const r = read.data as z.infer<typeof refundResource>;
    return {
      kind: 'outcome',
      event: {
        eventId,
        subject: 'refund',
        outcome: REFUND_OUTCOMES[type] as 'succeeded' | 'failed',
        reference: r.out_refund_no,
        channelReference: r.refund_id,
        amount: r.amount.refund,
        currency: 'CNY',
        occurredAt,
      },
    };
  }
  const t = read.data as z.infer<typeof transaction>;
  // TRANSACTION.SUCCESS with any other trade_state does not say the payment succeeded.
  if (t.trade_state !== 'SUCCESS') return { kind: 'ignored', eventId, type: `${type}:${t.trade_state}` };
  return {
    kind: 'outcome',
    event: {
      eventId,
      subject: 'payment',
      outcome: 'succeeded',
      reference: t.out_trade_no,
      channelReference: t.transaction_id,
      amount: t.amount.total,
      currency: t.amount.currency ?? 'CNY',
      occurredAt,
    },
  };
}

/** The callback's part of the WeChat Pay adapter. */
export function createWechatpayNotifier(options: {
  readonly mchid: string;
  readonly platformKeys: readonly { readonly serial: string; readonly publicKeyPem: string }[];
  readonly apiV3Keys: readonly string[];
}): ChannelNotifier {
  for (const key of options.apiV3Keys)
    if (Buffer.byteLength(key, 'utf8') !== 32) throw new Error('a WeChat Pay APIv3 key is 32 bytes');
  const notifyOptions = {
    platformKeys: Object.fromEntries(
      options.platformKeys.map((k) => [k.serial, createPublicKey(k.publicKeyPem)]),
    ),
    apiV3Keys: options.apiV3Keys,
    mchid: options.mchid,
  };
  return {
    name: 'wechatpay',
    ack: WECHATPAY_ACK,
    readNotification(headers, rawBody, now) {
      return readWechatpayNotification(headers, rawBody, notifyOptions, Math.floor(now.getTime() / 1000));
    },
  };
}

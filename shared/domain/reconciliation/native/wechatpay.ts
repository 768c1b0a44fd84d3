/**
 * WeChat Pay's trade bill (交易账单), as the download URL of `GET /v3/bill/tradebill` (`bill_type=ALL`)
 * serves it: UTF-8 CSV; a header row, then one row per order or refund in which every field starts with
 * a backtick (so spreadsheets keep long numbers as text), then a summary header (总交易单数,应结订单总金额,
 * 退款总金额,…) and one summary row. Amounts are yuan decimals. Format read from WeChat Pay's API v3
 * reference, 申请交易账单 (pay.weixin.qq.com/docs/merchant/apis/jsapi-payment/get-trade-bill.html: amounts
 * in yuan, `bill_type` ALL / SUCCESS / REFUND, an uncompressed stream unless `tar_type=GZIP`), and the
 * trade bill's field description as payment platforms republish it (明细数据 with a backtick before every
 * field, 汇总数据 in the last two rows, 交易状态 SUCCESS / REFUND). The ALL bill's header, as WeChat Pay's
 * download-bill documentation (the v2 `downloadbill` API, whose file format the v3 bill keeps) gives it:
 * 交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,
 * 应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,
 * 费率,订单金额,申请退款金额,费率备注.
 *
 * Columns read:
 * - 交易状态: SUCCESS → a succeeded payment; REVOKED → a failed payment; REFUND → a refund whose
 *   status is 退款状态 (SUCCESS → succeeded; FAIL, FAILED, CHANGE, ABNORMAL, CLOSED → failed;
 *   PROCESSING → not an outcome yet, skipped). Another value is refused.
 * - payment: 微信订单号 (`transaction_id`) → channel reference, 商户订单号 (our `pay_` id) → reference,
 *   订单金额 (else 应结订单金额 in older bills) → amount.
 * - refund: 微信退款单号 (`refund_id`) → channel reference, 商户退款单号 (our `re_` id) → reference,
 *   退款金额 → amount.
 * - 手续费 → fee, its magnitude (a refund's is negative: the fee given back); 货币种类 → currency;
 *   交易时间 → when, Beijing time (`+08:00`).
 */

import { isCurrency } from '../../money.js';
import type { CsvRecord } from '../csv.js';
import { StatementFormatError } from '../errors.js';
import type { StatementLine } from '../row.js';
import { minorUnits } from './amount.js';
import {
  blank,
  canonicalRow,
  checkWidth,
  columnAt,
  columnsOf,
  invalidNative,
  isoAt,
  type NativeFormat,
} from './table.js';

const COLUMNS = {
  time: { names: ['交易时间'] },
  transactionId: { names: ['微信订单号'] },
  outTradeNo: { names: ['商户订单号'] },
  state: { names: ['交易状态'] },
  currency: { names: ['货币种类'] },
  orderAmount: { names: ['订单金额', '应结订单金额'] },
  refundId: { names: ['微信退款单号'] },
  outRefundNo: { names: ['商户退款单号'] },
  refundAmount: { names: ['退款金额'] },
  refundState: { names: ['退款状态'] },
  fee: { names: ['手续费'] },
} as const;

const REFUND_STATES: Readonly<Record<string, 'succeeded' | 'failed' | 'pending'>> = {
  SUCCESS: 'succeeded',
  FAIL: 'failed',
  FAILED: 'failed',
  CHANGE: 'failed',
  ABNORMAL: 'failed',
  CLOSED: 'failed',
  PROCESSING: 'pending',
};

/** A field without its leading backtick. */
const value = (field: string) => {
  const s = field.trim();
  return s.charCodeAt(0) === 96 ? s.slice(1) : s;
};

const cell = (fields: readonly string[], i: number) => value(fields[i] as string);

export const wechatpayFormat: NativeFormat = {
  encoding: 'utf-8',
  reader(day) {
    let header: string[] | undefined;
    let at: Record<keyof typeof COLUMNS, number> | undefined;
    let ended = false;
    const record = ({ line, fields }: CsvRecord): StatementLine | undefined => {
      if (ended || blank(fields)) return undefined;
      if (!header || !at) {
        header = fields.map(value);
        at = columnsOf(line, header, COLUMNS);
        return undefined;
      }
      // The summary header: the summary row after it is not an order.
      if (value(fields[0] as string) === '总交易单数') {
        ended = true;
        return undefined;
      }
      checkWidth({ line, fields }, header);
      const state = cell(fields, at.state);
      let type: 'payment' | 'refund';
      let status: 'succeeded' | 'failed';
      if (state === 'SUCCESS' || state === 'REVOKED') {
        type = 'payment';
        status = state === 'SUCCESS' ? 'succeeded' : 'failed';
      } else if (state === 'REFUND') {
        const refund = REFUND_STATES[cell(fields, at.refundState)];
        if (!refund) {
          throw invalidNative(
            line,
            columnAt(header, at.refundState),
            cell(fields, at.refundState),
            'SUCCESS, PROCESSING or a failure',
          );
        }
        if (refund === 'pending') return undefined;
        type = 'refund';
        status = refund;
      } else throw invalidNative(line, columnAt(header, at.state), state, 'SUCCESS, REFUND or REVOKED');
      const currency = cell(fields, at.currency).toUpperCase();
      if (!isCurrency(currency)) {
        throw invalidNative(
          line,
          columnAt(header, at.currency),
          cell(fields, at.currency),
          'an ISO 4217 currency',
        );
      }
      const amountAt = type === 'payment' ? at.orderAmount : at.refundAmount;
      const amount = minorUnits(cell(fields, amountAt), currency);
      if (amount === undefined)
        throw invalidNative(line, columnAt(header, amountAt), cell(fields, amountAt), 'an amount in yuan');
      const fee = minorUnits(cell(fields, at.fee) || '0', currency);
      if (fee === undefined)
        throw invalidNative(line, columnAt(header, at.fee), cell(fields, at.fee), 'a fee in yuan');
      const channelReference = type === 'payment' ? at.transactionId : at.refundId;
      const reference = type === 'payment' ? at.outTradeNo : at.outRefundNo;
      return canonicalRow(
        line,
        {
          channelReference: cell(fields, channelReference),
          reference: cell(fields, reference),
          type,
          amount: String(Math.abs(amount)),
          currency,
          status,
          fee: String(Math.abs(fee)),
          occurredAt: isoAt(cell(fields, at.time), '+08:00'),
        },
        day,
        {
          channel_reference: columnAt(header, channelReference),
          reference: columnAt(header, reference),
          amount: columnAt(header, amountAt),
          currency: columnAt(header, at.currency),
          fee: columnAt(header, at.fee),
          occurred_at: columnAt(header, at.time),
        },
      );
    };
    return {
      record,
      end() {
        if (!header) throw new StatementFormatError('missing_header', 1, 'the WeChat Pay bill is empty');
      },
    };
  },
};

/**
 * Native statements written from canonical rows, the way each channel serves its daily statement:
 * Stripe's itemized balance CSV, Alipay's GBK trade bill, WeChat Pay's backtick-prefixed trade bill. The
 * converters' tests and the reconciliation bench use them (canonical → native → canonical must give the
 * rows back). Each writer is lazy, one line at a time, so a million-row file never sits in memory.
 * A row must be one its format can say: Alipay lists succeeded business only; Stripe has no balance
 * transaction for a failed payment; Alipay and WeChat Pay are CNY, with times in Beijing time.
 */
import { exponentOf } from '../../shared/domain/money.js';
import type { StatementRow } from '../../shared/domain/reconciliation/index.js';

/** `amount` minor units as the channel's decimal string ("10.50", "-3.00", "1050" for JPY). */
export function decimal(amount: number, currency: string): string {
  const e = exponentOf(currency);
  const digits = Math.abs(amount)
    .toString()
    .padStart(e + 1, '0');
  const sign = amount < 0 ? '-' : '';
  return e === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -e)}.${digits.slice(-e)}`;
}

/** `yyyy-mm-dd hh:mm:ss` of an instant in UTC, or at `offsetHours` from it. */
export function wallClock(iso: string, offsetHours = 0): string {
  const t = new Date(Date.parse(iso) + offsetHours * 3_600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`;
}

export const STRIPE_HEADER =
  'balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,payment_intent_id,description,payment_metadata[reference],refund_metadata[reference]';

/** Stripe: a payment's charge (its PaymentIntent is the channel reference), a refund or its failure. */
export function* stripeStatementLines(rows: Iterable<StatementRow>): Generator<string> {
  yield `${STRIPE_HEADER}\n`;
  let n = 0;
  for (const r of rows) {
    n += 1;
    const currency = r.currency.toLowerCase();
    const refund = r.type === 'refund';
    const gross = refund && r.status === 'succeeded' ? -r.amount : r.amount;
    const fee = refund ? -r.fee : r.fee;
    const category = refund ? (r.status === 'succeeded' ? 'refund' : 'refund_failure') : 'charge';
    const source = refund ? r.channelReference : `ch_${n}`;
    yield `${[
      `txn_${n}`,
      wallClock(r.occurredAt),
      currency,
      decimal(gross, r.currency),
      decimal(fee, r.currency),
      decimal(gross - fee, r.currency),
      category,
      source,
      refund ? '' : r.channelReference,
      refund ? 'REFUND FOR CHARGE' : 'Payment',
      refund ? '' : (r.reference ?? ''),
      refund ? (r.reference ?? '') : '',
    ].join(',')}\n`;
  }
}

export const ALIPAY_HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
const ALIPAY_RULE = '#-----------------------------------------';

/** Alipay's trade bill as text (encode it with `gbk`): comments, header, tab-padded rows, summary. */
export function* alipayBillLines(rows: Iterable<StatementRow>, date: string): Generator<string> {
  const [y, m, d] = date.split('-');
  yield '#支付宝业务明细查询\r\n#账号：[20880000000000000156]\r\n';
  yield `#起始日期：[${y}年${m}月${d}日 00:00:00]   终止日期：[${y}年${m}月${d}日 23:59:59]\r\n`;
  yield `${ALIPAY_RULE}业务明细列表----------------------------------------\r\n${ALIPAY_HEADER}\r\n`;
  const totals = { payment: [0, 0], refund: [0, 0] };
  for (const r of rows) {
    const refund = r.type === 'refund';
    const amount = decimal(refund ? -r.amount : r.amount, 'CNY');
    const at = wallClock(r.occurredAt, 8);
    const total = totals[r.type];
    total[0] = (total[0] as number) + 1;
    total[1] = (total[1] as number) + r.amount;
    yield `${[
      `${r.channelReference}\t`,
      `${refund ? 'pay_original' : (r.reference ?? '')}\t`,
      refund ? '退款' : '交易',
      'Order',
      `${at}\t`,
      `${at}\t`,
      '',
      '',
      '',
      '',
      'buyer***@example.com',
      amount,
      amount,
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '',
      '0.00',
      '0.00',
      refund ? `${r.reference ?? ''}\t` : '',
      decimal(refund ? -r.fee : r.fee, 'CNY'),
      '0.00',
      '',
    ].join(',')}\r\n`;
  }
  yield `${ALIPAY_RULE}业务明细列表结束------------------------------------\r\n`;
  yield `#交易合计：${totals.payment[0]}笔，商家实收共${decimal(totals.payment[1] as number, 'CNY')}元，商家优惠共0.00元\r\n`;
  yield `#退款合计：${totals.refund[0]}笔，商家实收退款共${decimal(-(totals.refund[1] as number), 'CNY')}元，商家优惠退款共0.00元\r\n`;
  yield `#导出时间：[${y}年${m}月${d}日 23:59:59]\r\n`;
}

export const WECHATPAY_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';

/** WeChat Pay's trade bill (ALL): header, backtick-prefixed rows, the summary header and row. */
export function* wechatpayBillLines(rows: Iterable<StatementRow>): Generator<string> {
  yield `${WECHATPAY_HEADER}\r\n`;
  let count = 0;
  let settled = 0;
  let refunded = 0;
  let fees = 0;
  for (const r of rows) {
    count += 1;
    const refund = r.type === 'refund';
    const money = (n: number) => decimal(n, r.currency);
    if (refund) refunded += r.amount;
    else settled += r.amount;
    fees += refund ? -r.fee : r.fee;
    const fields = [
      wallClock(r.occurredAt, 8),
      'wx8888888888888888',
      '1900000109',
      '0',
      '',
      refund ? '4200000000000000000000000001' : r.channelReference,
      refund ? 'pay_original' : (r.reference ?? ''),
      'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      'NATIVE',
      refund ? 'REFUND' : r.status === 'succeeded' ? 'SUCCESS' : 'REVOKED',
      'OTHERS',
      r.currency,
      money(refund ? 0 : r.amount),
      '0.00',
      refund ? r.channelReference : '0',
      refund ? (r.reference ?? '') : '0',
      money(refund ? r.amount : 0),
      '0.00',
      refund ? 'ORIGINAL' : '',
      refund ? (r.status === 'succeeded' ? 'SUCCESS' : 'FAIL') : '',
      'Order',
      '',
      money(refund ? -r.fee : r.fee),
      '0.60%',
      money(refund ? 0 : r.amount),
      money(refund ? r.amount : 0),
      '',
    ];
    yield `${fields.map((f) => `\`${f}`).join(',')}\r\n`;
  }
  yield '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n';
  const sums = [settled, refunded, 0, fees, settled, refunded].map((n) => `\`${decimal(n, 'CNY')}`);
  yield `\`${count},${sums.join(',')}\r\n`;
}

/**
 * GBK bytes of the characters Alipay's bill uses, from the emulator's table (Python's `gbk` codec, CPython's
 * own table rather than ICU's, so a test that decodes them with TextDecoder checks one against the other):
 * the Alipay simulator writes its bills with the same table.
 */
export { gbk } from '../../local/src/channels/gbk.js';

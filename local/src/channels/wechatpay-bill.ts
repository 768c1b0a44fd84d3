/**
 * WeChat Pay's trade bill (`bill_type=ALL`) for one day: the header, one row per paid order or refund
 * outcome with every field prefixed by a backtick, then the summary header and row. Times in Beijing
 * time, amounts in yuan, CRLF line ends, UTF-8.
 */
import { createHash } from 'node:crypto';
import { type BookRow, decimal, wallClock } from './common.js';
import { nonceStr } from './wechatpay-crypto.js';

const HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const SUMMARY_HEADER =
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

export function wechatpayBill(rows: readonly BookRow[], ids: { appid: string; mchid: string }): string {
  const lines = [HEADER];
  let settled = 0;
  let refunded = 0;
  let fees = 0;
  for (const r of rows) {
    const refund = r.kind === 'refund';
    const money = (n: number) => decimal(n, 2);
    if (refund) refunded += r.amount;
    else settled += r.amount;
    fees += refund ? -r.fee : r.fee;
    const fields = [
      wallClock(r.occurredAt, 8),
      ids.appid,
      ids.mchid,
      '0',
      '',
      refund ? (r.paymentChannelReference ?? '') : r.channelReference,
      refund ? (r.paymentReference ?? '') : r.reference,
      'oLocalPayer0000000000000000',
      'NATIVE',
      refund ? 'REFUND' : r.status === 'succeeded' ? 'SUCCESS' : 'REVOKED',
      'OTHERS',
      r.currency,
      money(refund ? 0 : r.amount),
      '0.00',
      refund ? r.channelReference : '0',
      refund ? r.reference : '0',
      money(refund ? r.amount : 0),
      '0.00',
      refund ? 'ORIGINAL' : '',
      refund ? (r.status === 'succeeded' ? 'SUCCESS' : 'FAIL') : '',
      'Order',
      '',
      money(refund ? -r.fee : r.fee),
      '2.90%',
      money(refund ? 0 : r.amount),
      money(refund ? r.amount : 0),
      '',
    ];
    lines.push(fields.map((f) => `\`${f}`).join(','));
  }
  lines.push(SUMMARY_HEADER);
  const sums = [settled, refunded, 0, fees, settled, refunded].map((n) => `\`${decimal(n, 2)}`);
  lines.push(`\`${rows.length},${sums.join(',')}`);
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Bills as WeChat Pay hands them out: `GET /v3/bill/tradebill?bill_date=&bill_type=ALL` makes the day's
 * bill at once (WeChat Pay's is ready the next morning) and announces it with its SHA1 and a download URL
 * under `origin`; `GET /v3/billdownload/file?token=` serves that file as it was made, unsigned.
 */
export function billDownloads(make: (day: string) => string) {
  const made = new Map<string, string>();
  const query = (url: string) => new URLSearchParams(url.split('?')[1] ?? '');
  return {
    /** The announcement for the request `url`, or undefined for parameters WeChat Pay refuses. */
    announce(origin: string, url: string) {
      const q = query(url);
      const day = q.get('bill_date') ?? '';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || (q.get('bill_type') ?? 'ALL') !== 'ALL') return undefined;
      const bill = make(day);
      const token = nonceStr(24);
      made.set(token, bill);
      return {
        hash_type: 'SHA1',
        hash_value: createHash('sha1').update(bill, 'utf8').digest('hex'),
        download_url: `${origin}/v3/billdownload/file?token=${token}`,
      };
    },
    /** The file a download URL names, or undefined when it names none. */
    file: (url: string) => made.get(query(url).get('token') ?? ''),
  };
}

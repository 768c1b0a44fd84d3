/**
 * Alipay's trade bill (业务明细) for one day, GBK-encoded: `#` comment lines, the column header, one
 * tab-padded row per completed payment or refund (the bill lists succeeded business only), the end
 * marker and the summary lines, CRLF line ends. Times in Beijing time.
 */
import { type BookRow, decimal, wallClock } from './common.js';
import { gbk } from './gbk.js';
import { zip } from './zip.js';

const HEADER =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注';
const RULE = '#-----------------------------------------';

/** The day's bill as GBK bytes. */
export function alipayBill(rows: readonly BookRow[], date: string): Uint8Array {
  const [y, m, d] = date.split('-');
  const lines = [
    '#支付宝业务明细查询',
    '#账号：[20880000000000000156]',
    `#起始日期：[${y}年${m}月${d}日 00:00:00]   终止日期：[${y}年${m}月${d}日 23:59:59]`,
    `${RULE}业务明细列表----------------------------------------`,
    HEADER,
  ];
  const totals = { payment: [0, 0], refund: [0, 0] };
  for (const r of rows) {
    if (r.status !== 'succeeded') continue;
    const refund = r.kind === 'refund';
    const amount = decimal(refund ? -r.amount : r.amount, 2);
    const at = wallClock(r.occurredAt, 8);
    const total = totals[r.kind];
    total[0] = (total[0] as number) + 1;
    total[1] = (total[1] as number) + r.amount;
    lines.push(
      [
        `${r.channelReference}\t`,
        `${refund ? (r.paymentReference ?? '') : r.reference}\t`,
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
        refund ? `${r.reference}\t` : '',
        decimal(refund ? -r.fee : r.fee, 2),
        '0.00',
        '',
      ].join(','),
    );
  }
  lines.push(
    `${RULE}业务明细列表结束------------------------------------`,
    `#交易合计：${totals.payment[0]}笔，商家实收共${decimal(totals.payment[1] as number, 2)}元，商家优惠共0.00元`,
    `#退款合计：${totals.refund[0]}笔，商家实收退款共${decimal(-(totals.refund[1] as number), 2)}元，商家优惠退款共0.00元`,
    `#导出时间：[${y}年${m}月${d}日 23:59:59]`,
  );
  return gbk(`${lines.join('\r\n')}\r\n`);
}

const ACCOUNT = '20880000000000000156';

/**
 * The day's bill as Alipay's download serves it: a zip of the detail file above and a summary file,
 * named `<account>_<yyyymmdd>_业务明细.csv` and `…_业务明细(汇总).csv`.
 */
export function alipayBillZip(rows: readonly BookRow[], date: string): Buffer {
  const day = date.replaceAll('-', '');
  const paid = rows.filter((r) => r.status === 'succeeded' && r.kind === 'payment');
  const total = paid.reduce((sum, r) => sum + r.amount, 0);
  const summary = gbk(`#业务汇总\r\n${ACCOUNT},${paid.length},${decimal(total, 2)}\r\n`);
  return zip({
    [`${ACCOUNT}_${day}_业务明细.csv`]: alipayBill(rows, date),
    [`${ACCOUNT}_${day}_业务明细(汇总).csv`]: summary,
  });
}

/**
 * Alipay's trade bill (业务明细), as `alipay.data.dataservice.bill.downloadurl.query` with
 * `bill_type=trade` serves it (inside its zip): GBK-encoded CSV; `#` comment lines first (#支付宝业务明细查询,
 * #账号, #起始日期 … 终止日期, #-----业务明细列表-----), then the column header row, the detail rows, the
 * line `#-----业务明细列表结束-----` and summary lines (#交易合计：n笔，…, #退款合计, #导出时间). Values are
 * often padded with tabs (so spreadsheets keep long numbers as text): every field is trimmed. Format read
 * from Alipay's open-platform reference of the bill download API (the bill is a zip of GBK CSV files)
 * and from merchants' open-source parsers of the 业务明细 file, which quote its markers, summary lines and
 * column header: 支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,
 * 订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,
 * 商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注.
 *
 * Columns read (full-width parentheses and half-width ones alike):
 * - 业务类型: 交易 → a payment, 退款 → a refund; the bill lists completed business only, so every row
 *   is `succeeded`; another value is refused.
 * - 支付宝交易号 (`trade_no`) → channel reference, for a refund too (Alipay gives a refund no id of its own).
 * - reference: 商户订单号 (`out_trade_no`, our `pay_` id) for a payment, 退款批次号/请求号 (our `re_` id)
 *   for a refund.
 * - 订单金额（元） → amount in fen, its magnitude (a refund's is negative); 服务费（元） → fee, its magnitude.
 * - 完成时间 → when, Beijing time (`+08:00`). Currency: always CNY.
 */
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
  tradeNo: { names: ['支付宝交易号'] },
  outTradeNo: { names: ['商户订单号'] },
  kind: { names: ['业务类型'] },
  finishedAt: { names: ['完成时间'] },
  amount: { names: ['订单金额(元)'] },
  refundNo: { names: ['退款批次号/请求号'] },
  fee: { names: ['服务费(元)'] },
} as const;

/** A field without the tabs Alipay pads it with. */
const cell = (fields: readonly string[], i: number) => (fields[i] as string).trim();

const KINDS: Readonly<Record<string, 'payment' | 'refund'>> = { 交易: 'payment', 退款: 'refund' };

/** Header names compared with half-width parentheses: exports have used both. */
const columnName = (s: string) => s.trim().replaceAll('（', '(').replaceAll('）', ')');

export const alipayFormat: NativeFormat = {
  encoding: 'gbk',
  reader(day) {
    let header: string[] | undefined;
    let at: Record<keyof typeof COLUMNS, number> | undefined;
    let ended = false;
    const record = ({ line, fields }: CsvRecord): StatementLine | undefined => {
      if (ended || blank(fields)) return undefined;
      if ((fields[0] as string).trimStart().startsWith('#')) {
        // The end of the detail list: what follows is the summary.
        if (header && (fields[0] as string).includes('结束')) ended = true;
        return undefined;
      }
      if (!header || !at) {
        header = fields.map((f) => f.trim());
        at = columnsOf(line, header.map(columnName), COLUMNS);
        return undefined;
      }
      checkWidth({ line, fields }, header);
      const type = KINDS[cell(fields, at.kind)];
      if (!type) throw invalidNative(line, columnAt(header, at.kind), cell(fields, at.kind), '交易 or 退款');
      const amount = minorUnits(cell(fields, at.amount), 'CNY');
      if (amount === undefined) {
        throw invalidNative(line, columnAt(header, at.amount), cell(fields, at.amount), 'an amount in yuan');
      }
      const fee = minorUnits(cell(fields, at.fee) || '0', 'CNY');
      if (fee === undefined)
        throw invalidNative(line, columnAt(header, at.fee), cell(fields, at.fee), 'a fee in yuan');
      const reference = type === 'payment' ? at.outTradeNo : at.refundNo;
      return canonicalRow(
        line,
        {
          channelReference: cell(fields, at.tradeNo),
          reference: cell(fields, reference),
          type,
          amount: String(Math.abs(amount)),
          currency: 'CNY',
          status: 'succeeded',
          fee: String(Math.abs(fee)),
          occurredAt: isoAt(cell(fields, at.finishedAt), '+08:00'),
        },
        day,
        {
          channel_reference: columnAt(header, at.tradeNo),
          reference: columnAt(header, reference),
          amount: columnAt(header, at.amount),
          fee: columnAt(header, at.fee),
          occurred_at: columnAt(header, at.finishedAt),
        },
      );
    };
    return {
      record,
      end() {
        if (!header) {
          throw new StatementFormatError(
            'missing_header',
            1,
            'the Alipay bill has no column header (支付宝交易号,商户订单号,业务类型,…)',
          );
        }
      },
    };
  },
};

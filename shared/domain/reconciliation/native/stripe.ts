/**
 * Stripe's balance-transaction statement: the Dashboard's balance export and the Reporting API's
 * `balance_change_from_activity.itemized` report, UTF-8 CSV with a header row whose columns the user may
 * choose and order, so columns are found by name. Format read from Stripe's API reference, "The Balance
 * Transaction object" (docs.stripe.com/api/balance_transactions/object: `id`, `amount`, `fee`, `net`,
 * `currency` in lower case, `created`, `type`, `source`, `reporting_category`), and the columns a Reporting
 * API run of `balance_change_from_activity.itemized.3` is asked for (`balance_transaction_id`,
 * `created_utc`, `created`, `currency`, `gross`, `net`, `fee`, `reporting_category`, `source_id`,
 * `payment_intent_id`, `payment_metadata[key]`, `refund_metadata[key]`). Amounts in these CSVs are decimals
 * of the major unit ("10.50" USD, "1050" JPY), read by the currency's exponent; refunds are negative.
 *
 * Columns read (first name present wins):
 * - kind: `reporting_category` or `type`. `charge`, `payment` → a succeeded payment; `refund`,
 *   `payment_refund` → a succeeded refund; `refund_failure`, `payment_failure_refund` → a failed refund
 *   (Stripe gives the money back to the balance). Any other kind (payout, stripe_fee, adjustment,
 *   transfer, dispute, …) is not a payment or refund outcome and is skipped.
 * - channel reference: `payment_intent_id` for a payment when present (our Stripe payments are
 *   PaymentIntents), else `source_id` / `source` (`ch_…`, `re_…`).
 * - reference: our `pay_`/`re_` id, which we send as `metadata[reference]`: for a payment
 *   `payment_metadata[reference]`, `metadata[reference]` or `reference (metadata)`; for a refund
 *   `refund_metadata[reference]`, `metadata[reference]` or `reference (metadata)`. Empty → none.
 * - amount: `gross` or `amount`, its magnitude; fee: `fee`, its magnitude; currency: `currency`.
 * - when: `created_utc` or `created (UTC)` (`yyyy-mm-dd hh:mm:ss`, UTC), else `created` as Unix seconds
 *   or ISO 8601 with an offset (the report's plain `created` is in the report's time zone: refused
 *   unless it says which).
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
  kind: { names: ['reporting_category', 'type'] },
  source: { names: ['source_id', 'source'] },
  paymentIntent: { names: ['payment_intent_id'], optional: true },
  paymentReference: {
    names: ['payment_metadata[reference]', 'metadata[reference]', 'reference (metadata)'],
    optional: true,
  },
  refundReference: {
    names: ['refund_metadata[reference]', 'metadata[reference]', 'reference (metadata)'],
    optional: true,
  },
  amount: { names: ['gross', 'amount'] },
  fee: { names: ['fee'] },
  currency: { names: ['currency'] },
  created: { names: ['created_utc', 'created (UTC)', 'created'] },
} as const;

/** A field, trimmed; an absent optional column reads as empty. */
const cell = (fields: readonly string[], i: number) => (i === -1 ? '' : (fields[i] as string).trim());

const KINDS: Readonly<Record<string, { type: 'payment' | 'refund'; status: 'succeeded' | 'failed' }>> = {
  charge: { type: 'payment', status: 'succeeded' },
  payment: { type: 'payment', status: 'succeeded' },
  refund: { type: 'refund', status: 'succeeded' },
  payment_refund: { type: 'refund', status: 'succeeded' },
  refund_failure: { type: 'refund', status: 'failed' },
  payment_failure_refund: { type: 'refund', status: 'failed' },
};

/** `created` as ISO 8601: UTC wall time, Unix seconds, or already ISO (checked by the row's rules). */
function createdAt(value: string): string {
  if (/^[0-9]{9,11}$/.test(value)) return new Date(Number(value) * 1000).toISOString();
  return isoAt(value, 'Z');
}

export const stripeFormat: NativeFormat = {
  encoding: 'utf-8',
  reader(day) {
    let header: string[] | undefined;
    let at: Record<keyof typeof COLUMNS, number> | undefined;
    const record = ({ line, fields }: CsvRecord): StatementLine | undefined => {
      if (blank(fields)) return undefined;
      if (!header || !at) {
        header = fields.map((f) => f.trim());
        at = columnsOf(line, header, COLUMNS);
        return undefined;
      }
      checkWidth({ line, fields }, header);
      const kind = KINDS[cell(fields, at.kind)];
      if (!kind) return undefined;
      const currency = cell(fields, at.currency).toUpperCase();
      if (!isCurrency(currency)) {
        throw invalidNative(
          line,
          columnAt(header, at.currency),
          cell(fields, at.currency),
          'an ISO 4217 currency',
        );
      }
      const amount = minorUnits(cell(fields, at.amount), currency);
      if (amount === undefined) {
        throw invalidNative(
          line,
          columnAt(header, at.amount),
          cell(fields, at.amount),
          `a decimal amount of ${currency}`,
        );
      }
      const fee = minorUnits(cell(fields, at.fee), currency);
      if (fee === undefined)
        throw invalidNative(
          line,
          columnAt(header, at.fee),
          cell(fields, at.fee),
          `a decimal fee of ${currency}`,
        );
      const intent = kind.type === 'payment' ? cell(fields, at.paymentIntent) : '';
      const reference = cell(fields, kind.type === 'payment' ? at.paymentReference : at.refundReference);
      return canonicalRow(
        line,
        {
          channelReference: intent || cell(fields, at.source),
          reference,
          type: kind.type,
          amount: String(Math.abs(amount)),
          currency,
          status: kind.status,
          fee: String(Math.abs(fee)),
          occurredAt: createdAt(cell(fields, at.created)),
        },
        day,
        {
          channel_reference: columnAt(header, intent ? at.paymentIntent : at.source),
          amount: columnAt(header, at.amount),
          fee: columnAt(header, at.fee),
          occurred_at: columnAt(header, at.created),
        },
      );
    };
    return {
      record,
      end() {
        if (!header) throw new StatementFormatError('missing_header', 1, 'the Stripe statement is empty');
      },
    };
  },
};

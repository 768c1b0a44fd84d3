/**
 * Stripe's itemized balance-transaction CSV for one day: a `charge` per succeeded payment (no balance
 * transaction for a failed one), a `refund` per succeeded refund and a `refund_failure` per failed one,
 * amounts as decimals of the currency's Stripe unit, times in UTC.
 */

import { randomBytes } from 'node:crypto';
import { type BookRow, decimal, wallClock } from './common.js';

export const STRIPE_STATEMENT_HEADER =
  'balance_transaction_id,created_utc,currency,gross,fee,net,reporting_category,source_id,payment_intent_id,description,payment_metadata[reference],refund_metadata[reference]';

/** Currencies Stripe counts in whole units, and those with three decimals; all others have two. */
const ZERO_DECIMAL = new Set('BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF VND VUV XAF XOF XPF'.split(' '));
const THREE_DECIMAL = new Set(['BHD', 'JOD', 'KWD', 'OMR', 'TND']);
const exponentOf = (currency: string) =>
  ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2;

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** The columns this statement can carry: the header's. */
export const STRIPE_STATEMENT_COLUMNS: readonly string[] = STRIPE_STATEMENT_HEADER.split(',');

/**
 * The CSV of `rows`, with `columns` (a report run's `parameters[columns]`, all of them by default) in the
 * order given.
 */
export function stripeStatement(
  rows: readonly BookRow[],
  columns: readonly string[] = STRIPE_STATEMENT_COLUMNS,
): string {
  const at = columns.map((c) => STRIPE_STATEMENT_COLUMNS.indexOf(c));
  const lines = [columns.join(',')];
  for (const r of rows) {
    const refund = r.kind === 'refund';
    const e = exponentOf(r.currency);
    const gross = refund && r.status === 'succeeded' ? -r.amount : r.amount;
    const fee = refund ? -r.fee : r.fee;
    const fields = [
      id('txn'),
      wallClock(r.occurredAt),
      r.currency.toLowerCase(),
      decimal(gross, e),
      decimal(fee, e),
      decimal(gross - fee, e),
      refund ? (r.status === 'succeeded' ? 'refund' : 'refund_failure') : 'charge',
      refund ? r.channelReference : id('ch'),
      refund ? '' : r.channelReference,
      refund ? 'REFUND FOR CHARGE' : 'Payment',
      refund ? '' : r.reference,
      refund ? r.reference : '',
    ];
    lines.push(at.map((i) => fields[i] ?? '').join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Keys of the risk-control items in the payments table (issue 3, risk during and after), with their
 * access patterns. Kept beside `keys.ts` (which lists the core items and the before-checks' counters).
 *
 * | item                              | PK                                   | SK          | TTL                     |
 * |-----------------------------------|--------------------------------------|-------------|-------------------------|
 * | customer: velocity and history    | RISKCUS#<merchant>#<h>               | RISKCUS     | 400 days idle           |
 * | email or IP velocity              | RISKVEL#<merchant>#<dim>#<h>         | RISKVEL     | end of the newest window|
 * | daily risk summary (shard 0)      | RISKSUM#<merchant>                   | DAY#<date>  | —                       |
 * | daily risk summary (shard 1–31)   | RISKSUM#<merchant>#<shard>           | DAY#<date>  | —                       |
 * | refusal counted in a summary      | RISKSUM#<merchant>#refused#<slot>    | DAY#<date>  | 2 days                  |
 * | fraud report (its own idem. slot) | OBJ#<slot>                           | OBJ         | —                       |
 *
 * Until 2026-12-07 velocity was an item per bucket (`RISKVEL#<merchant>#<dim>#<window>#<bucket>#<h>`) and
 * history an item per year (`RISKCUS#<merchant>#<h>#<yyyy>`). Those items are not migrated: no key of
 * the layout above is one of theirs, nothing reads them any more, and their TTL removes them (buckets
 * within hours, years 400 days after their last payment).
 *
 * `<h>` = base32(sha256(value)) truncated to 26 characters: emails and IPs are personal data and do
 * not belong in key attributes (they end up in logs, metrics and the stream), and the key length
 * stays bounded. `<dim>` is `e` (normalized email) or `i` (IP); the customer id's velocity lives in the
 * customer's item.
 *
 * Access patterns:
 * - count a payment and read its signals (risk consumer, PaymentCreated): one BatchGetItem (eventually
 *   consistent) of the customer's item and the email's and IP's, then per item ONE PutItem of the item
 *   with the payment added (its stale buckets and years rolled over in the same write), guarded by the
 *   item's version as read; a refused guard hands back the current item and the payment is applied to
 *   that. An item that already lists the payment's digest is not written: a redelivered or racing event
 *   counts nothing twice (dynamodb/risk-assessments.ts, domain/risk/folded-counters.ts).
 * - summary of a merchant's day: the consumer adds its batch's assessments with ONE UpdateItem `ADD` per
 *   merchant-day per batch (counts per decision, reason and currency), create-payment one `ADD` per risk
 *   refusal, each on a random one of SUMMARY_SHARDS items; ops read the day with a GetItem per shard and
 *   sum them. A refusal's `ADD` is counted by risk's `count-refusal` function in one transaction with a
 *   marker of the refused request (`attribute_not_exists`), so a retried invocation counts nothing twice.
 * - fraud report: PutItem at the slot of the merchant's Idempotency-Key (`attribute_not_exists`), the
 *   record being its own idempotency record, exactly like payments.
 */
import { createHash } from 'node:crypto';
import { base32, SLOT_LENGTH } from '../domain/base32.js';

export type VelocityDimension = 'c' | 'e' | 'i';

/** base32(sha256(value)), 26 characters. */
export function valueHash(value: string): string {
  return base32(createHash('sha256').update(value, 'utf8').digest()).slice(0, SLOT_LENGTH);
}

export const riskKeys = {
  /** An email's or IP's velocity buckets (the customer id's are in `customer`). */
  velocity: (merchantId: string, dim: Exclude<VelocityDimension, 'c'>, value: string) => ({
    PK: `RISKVEL#${merchantId}#${dim}#${valueHash(value)}`,
    SK: 'RISKVEL',
  }),
  /** A customer's velocity buckets and history of this year and the two before. */
  customer: (merchantId: string, customerId: string) => ({
    PK: `RISKCUS#${merchantId}#${valueHash(customerId)}`,
    SK: 'RISKCUS',
  }),
  /** One of SUMMARY_SHARDS items of a merchant-day's summary; shard 0 keeps the unsharded key. */
  summary: (merchantId: string, day: string, shard = 0) => ({
    PK: shard === 0 ? `RISKSUM#${merchantId}` : `RISKSUM#${merchantId}#${shard}`,
    SK: `DAY#${day}`,
  }),
  /** That the refusal at idempotency slot `refusalId` was counted in its day's summary (TTL 2 days). */
  refusalCounted: (merchantId: string, day: string, refusalId: string) => ({
    PK: `RISKSUM#${merchantId}#refused#${refusalId}`,
    SK: `DAY#${day}`,
  }),
} as const;

/**
 * Partitions of a merchant-day's summary: each write goes to a random one, so a merchant refused 20,000
 * times a second at its limit (one write per refusal) puts ≤ 0.032 writes per payment on each key.
 */
export const SUMMARY_SHARDS = 32;

/** A customer's history is forgotten after this long without a payment. */
export const CUSTOMER_HISTORY_TTL_SECONDS = 400 * 24 * 60 * 60;

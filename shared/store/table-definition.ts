/**
 * The payments table's key schema and indexes, in one place: the CDK table construct and the
 * integration tests both build the table from this, and the local runtime builds it from the
 * synthesized template (which this produced), so the three can never drift apart.
 */
import { GSI1, GSI2, GSI3, GSI4 } from './keys.js';

export const TABLE_KEY_SCHEMA = {
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
} as const;

export const TABLE_GSIS = [
  {
    indexName: GSI1,
    partitionKey: { name: 'GSI1PK', type: 'S' },
    sortKey: { name: 'GSI1SK', type: 'S' },
    /**
     * KEYS_ONLY: a payment's status changes never cost an index write (see keys.ts); a page reads its
     * payments with BatchGetItem. Partition `MER#<merchant>#<shard>`, sort `<createdAt>#<id>`.
     */
    projection: 'KEYS_ONLY',
  },
  {
    indexName: GSI2,
    partitionKey: { name: 'GSI2PK', type: 'S' },
    sortKey: { name: 'GSI2SK', type: 'S' },
    /**
     * INCLUDE: only succeeded payments and refunds carry both GSI2 keys (a sparse index of settlement line
     * items; the sort key names the type and id); a settlement sums these attributes, none of which
     * changes after the outcome, so a later update of the payment (a refund, a hold) never writes to the
     * index. `channel` (where it succeeded; final once it shows `succeeded`) prices its fee with that
     * channel's schedule. ~165 bytes an entry.
     */
    projection: 'INCLUDE',
    nonKeyAttributes: ['amount', 'currency', 'outcomeAt', 'channel'],
  },
  {
    indexName: GSI3,
    partitionKey: { name: 'GSI3PK', type: 'S' },
    sortKey: { name: 'GSI3SK', type: 'S' },
    /**
     * INCLUDE: payments and refunds with an applied outcome, per channel-day (reconciliation runs; the sort
     * key names the type and id); what a run compares with the statement and nothing else, all of it final
     * once the outcome is applied.
     */
    projection: 'INCLUDE',
    nonKeyAttributes: ['channelReference', 'amount', 'currency', 'status'],
  },
  {
    indexName: GSI4,
    partitionKey: { name: 'GSI4PK', type: 'S' },
    // GSI1SK itself (`<createdAt>#<id>`): a second copy of it would cost every payment 62 bytes of its 1 KB.
    sortKey: { name: 'GSI1SK', type: 'S' },
    /**
     * KEYS_ONLY, for the ops search: every payment under `PAYMENTS#<shard>`, and the review hold item of
     * each payment held for review under `REVIEW#<shard>`, both sorted `<createdAt>#<id>` (see keys.ts).
     */
    projection: 'KEYS_ONLY',
  },
] as const;

/** TTL attribute (epoch seconds) for items that expire, such as stored idempotent refusals. */
export const TTL_ATTRIBUTE = 'expiresAt';

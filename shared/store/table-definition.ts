/**
 * The payments table's key schema and indexes, in one place: the CDK table construct and the
 * integration tests both build the table from this, and the local runtime builds it from the
 * synthesized template (which this produced), so the three can never drift apart.
 */
import { GSI1, GSI2 } from './keys.js';

export const TABLE_KEY_SCHEMA = {
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
} as const;

export const TABLE_GSIS = [
  {
    indexName: GSI1,
    partitionKey: { name: 'GSI1PK', type: 'S' },
    sortKey: { name: 'GSI1SK', type: 'S' },
    /** KEYS_ONLY: a payment's status changes never cost an index write (see keys.ts). */
    projection: 'KEYS_ONLY',
  },
  {
    indexName: GSI2,
    partitionKey: { name: 'GSI2PK', type: 'S' },
    sortKey: { name: 'GSI2SK', type: 'S' },
    /**
     * ALL: only expected outcomes that succeeded carry GSI2 keys (a sparse index of settlement line items,
     * ~250 bytes each), and a settlement reads every attribute of them.
     */
    projection: 'ALL',
  },
] as const;

/** TTL attribute (epoch seconds) for items that expire, such as stored idempotent refusals. */
export const TTL_ATTRIBUTE = 'expiresAt';

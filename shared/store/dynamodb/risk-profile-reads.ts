/**
 * The read path of risk profiles, on its own so a reader's bundle carries only what it uses (the full
 * store, risk-profiles.ts, adds writes): risk's `merchant-risk-profile` function, which answers
 * create-payment's before-checks, and the risk consumer. create-payment itself takes only the cache below.
 */
import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { safeParse } from 'zod/mini';
import { effectiveProfile, type RiskRating, ratingOf, ratingWindowStart } from '../../domain/risk/rating.js';
import { DEFAULT_RISK_PROFILE, type RiskProfile, riskProfileSchema } from '../../schemas/risk-profile.js';
import { type ContainerCacheOptions, cachePerContainer } from '../container-cache.js';
import { CorruptItemError } from '../errors.js';
import { FRAUD_REPORT_DAY_PREFIX, keys, RISK_PROFILE_SK } from '../keys.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** A merchant's profile as stored and as applied, with the rating that links the two. */
export interface RiskProfileView {
  /** What ops set, defaults filled: a valid PUT body. */
  readonly stored: RiskProfile;
  /** What the checks apply: `stored` with the rating applied. */
  readonly effective: RiskProfile;
  readonly rating: RiskRating;
  /** Fraud reports of the rating window. */
  readonly fraudReports: number;
}

/** Stored and effective profile with the rating, in one Query (see keys.ts). */
export async function readRiskProfileView(
  table: TableContext,
  merchantId: string,
  now: Date = new Date(),
): Promise<RiskProfileView> {
  const { PK } = keys.riskProfile(merchantId);
  const from = `${FRAUD_REPORT_DAY_PREFIX}${ratingWindowStart(now)}`;
  let stored: RiskProfile = DEFAULT_RISK_PROFILE;
  let fraudReports = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: marshall({ ':pk': PK, ':sk': RISK_PROFILE_SK }),
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        ...capacityParam(table),
      }),
    );
    reportCapacity(table, 'riskProfile.query', out.ConsumedCapacity);
    for (const raw of out.Items ?? []) {
      const item = unmarshall(raw);
      if (item.SK === RISK_PROFILE_SK) stored = parseStored(item);
      // Days before the window may linger until TTL deletes them (up to ~2 days late): skip them.
      else if (typeof item.SK === 'string' && item.SK >= from) fraudReports += Number(item.count ?? 0);
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return {
    stored,
    effective: effectiveProfile(stored, fraudReports),
    rating: ratingOf(stored, fraudReports),
    fraudReports,
  };
}

/**
 * The stored document, validated on read as well: a field added to the schema since it was stored
 * takes its default. Removing a field from the schema needs a migration of stored profiles (strict).
 */
export function parseStored(item: Record<string, unknown>): RiskProfile {
  const result = safeParse(riskProfileSchema, item.profile);
  if (!result.success)
    throw new CorruptItemError(`risk profile of ${String(item.PK)}: ${result.error.message}`);
  return result.data;
}

export type RiskProfileCacheOptions = ContainerCacheOptions;

/**
 * A per-container cache of effective profiles, for the create path (each miss an invocation of risk's
 * `merchant-risk-profile`). Why a cache, and why a short TTL: the create path must stay one round trip to
 * DynamoDB to meet the latency figure (create ≤ 1.3× one bare PutItem), so the profile cannot be read (or
 * asked for) on every create; a TTL of about a second bounds how long
 * an ops change (a new blocklist entry, a lower limit) or a rating change waits to apply (contract:
 * within 2 s). Concurrent misses of one merchant share a single read; a failed read is not cached; a
 * profile past 80 % of its TTL is refreshed in the background (container-cache.ts).
 */
export const cachingRiskProfiles: (
  load: (merchantId: string) => Promise<RiskProfile>,
  options: RiskProfileCacheOptions,
) => (merchantId: string) => Promise<RiskProfile> = cachePerContainer;

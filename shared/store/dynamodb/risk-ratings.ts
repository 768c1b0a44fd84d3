/**
 * A merchant's initial risk rating applied to its risk profile (`RISK#<merchant>` / `RISK_PROFILE`,
 * domain/merchants/risk-ratings.ts): the profile ops may have stored while the merchant was pending, else
 * the defaults, with the rating's limits and thresholds. Risk's `rate-merchant` function runs it when the
 * gateway approves a merchant. Idempotent: rating a profile again with the same rating stores the same
 * profile, so an approval retried after a crash converges.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { safeParse } from 'zod/mini';
import type { RiskRating } from '../../domain/merchants/onboarding.js';
import { profileForRating } from '../../domain/merchants/risk-ratings.js';
import { DEFAULT_RISK_PROFILE, riskProfileSchema } from '../../schemas/risk-profile.js';
import { keys } from '../keys.js';
import { capacityParam, getItemConsistent, reportCapacity, type TableContext } from './table.js';

/** What rates a merchant's risk profile: risk's store itself, or a client of risk's function. */
export type ProfileRater = (merchantId: string, rating: RiskRating) => Promise<void>;

/** Stores the merchant's profile rated `rating` (a consistent read, then one PutItem). */
export async function rateRiskProfile(
  table: TableContext,
  merchantId: string,
  rating: RiskRating,
  now: Date = new Date(),
): Promise<void> {
  const stored = await getItemConsistent(table, keys.riskProfile(merchantId), 'riskProfile.get');
  const parsed = stored ? safeParse(riskProfileSchema, stored.profile) : undefined;
  const current = parsed?.success ? parsed.data : DEFAULT_RISK_PROFILE;
  const item = {
    ...keys.riskProfile(merchantId),
    entity: 'riskProfile',
    merchantId,
    profile: profileForRating(current, rating),
    updatedAt: now.toISOString(),
  };
  const out = await table.client.send(
    new PutItemCommand({
      TableName: table.tableName,
      Item: marshall(item, { removeUndefinedValues: true }),
      ...capacityParam(table),
    }),
  );
  reportCapacity(table, 'riskProfile.rate', out.ConsumedCapacity);
}

/** Risk's own rater (tests and scripts, which hold the table; functions ask risk's function). */
export function directRater(table: TableContext): ProfileRater {
  return (merchantId, rating) => rateRiskProfile(table, merchantId, rating);
}

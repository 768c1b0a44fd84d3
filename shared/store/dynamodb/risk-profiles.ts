/**
 * DynamoDB adapter of merchants' risk profiles (keys.ts: `RISK#<merchant>` / `RISK_PROFILE`) and of the
 * fraud-report counters behind the merchant risk rating (`RISK_PROFILE#FRAUD_REPORTS#<day>`).
 *
 * - `get` answers the EFFECTIVE profile: the stored one (or the documented defaults when none is
 *   stored) with the rating applied (domain/risk/rating.ts). One Query reads both.
 * - `getStored` answers what ops set (the defaults filled): a valid PUT body. The rating is never written
 *   into the stored profile, so a GET → PUT round trip cannot tighten the limits twice.
 * - `put` replaces the profile (validated; the stored document is always a complete, valid profile).
 * - `addToBlocklists` appends to the blocklists (fraud reports) without duplicates.
 * - `recordFraudReport` counts a report for the rating.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { safeParse } from 'zod/mini';
import { RATING_WINDOW_DAYS, utcDay } from '../../domain/risk/rating.js';
import { DEFAULT_RISK_PROFILE, type RiskProfile, riskProfileSchema } from '../../schemas/risk-profile.js';
import { ConcurrentModificationError, StoreError } from '../errors.js';
import { backOfficeKeys, keys } from '../keys.js';
import { parseStored, type RiskProfileView, readRiskProfileView } from './risk-profile-reads.js';
import { backoffDelay, capacityParam, reportCapacity, sleep, type TableContext } from './table.js';

export {
  cachingRiskProfiles,
  type RiskProfileCacheOptions,
  type RiskProfileView,
  readRiskProfileView,
} from './risk-profile-reads.js';

import { merchantExists } from './merchant-exists.js';

/** What a merchant's fraud reports add to its blocklists. */
export interface BlocklistAdditions {
  readonly customerId?: string;
  readonly email?: string;
  readonly ip?: string;
}

/** The merchant does not exist (ops routes answer 404). */
export class MerchantNotFoundError extends StoreError {
  override readonly name = 'MerchantNotFoundError';
  constructor(readonly merchantId: string) {
    super('not_found', `No such merchant: ${merchantId}`);
  }
}

/** Fraud-report day counters outlive the window by a little, then DynamoDB's TTL removes them. */
const FRAUD_DAY_TTL_SECONDS = (RATING_WINDOW_DAYS + 2) * 86_400;
const BLOCKLIST_ATTEMPTS = 8;
/** The schema's bound on each blocklist. */
const MAX_BLOCKLIST_ENTRIES = 10_000;

const LISTS = {
  customerId: 'blockedCustomers',
  email: 'blockedEmails',
  ip: 'blockedIps',
} as const satisfies Record<keyof BlocklistAdditions, keyof RiskProfile>;

interface RiskProfileItem {
  PK: string;
  SK: string;
  entity: 'riskProfile';
  merchantId: string;
  profile: RiskProfile;
  updatedAt: string;
}

export class DynamoRiskProfileStore {
  constructor(private readonly table: TableContext) {}

  /**
   * The effective profile of a merchant: stored (or defaults when none is stored), rating applied.
   * Does not check that the merchant exists (callers act for an authenticated merchant or on its payment).
   */
  async get(merchantId: string, now: Date = new Date()): Promise<RiskProfile> {
    return (await this.view(merchantId, now)).effective;
  }

  /** Stored and effective profile with the rating, in one Query (see keys.ts). */
  view(merchantId: string, now: Date = new Date()): Promise<RiskProfileView> {
    return readRiskProfileView(this.table, merchantId, now);
  }

  /** The stored profile (defaults filled) of an existing merchant. @throws MerchantNotFoundError */
  async getStored(merchantId: string, now: Date = new Date()): Promise<RiskProfileView> {
    const [exists, view] = await Promise.all([
      merchantExists(this.table, merchantId),
      this.view(merchantId, now),
    ]);
    if (!exists) throw new MerchantNotFoundError(merchantId);
    return view;
  }

  /**
   * Replaces the profile of an existing merchant with `profile` (validated again here: whatever the
   * caller, the stored document is complete and valid). Idempotent by nature: no Idempotency-Key.
   * @returns the stored profile. @throws MerchantNotFoundError
   */
  async put(merchantId: string, profile: RiskProfile, now: Date = new Date()): Promise<RiskProfile> {
    const valid = validProfile(profile);
    if (!(await merchantExists(this.table, merchantId))) throw new MerchantNotFoundError(merchantId);
    const item: RiskProfileItem = {
      ...keys.riskProfile(merchantId),
      entity: 'riskProfile',
      merchantId,
      profile: valid,
      updatedAt: now.toISOString(),
    };
    const out = await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: marshall(item),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'riskProfile.put', out.ConsumedCapacity);
    return valid;
  }

  /**
   * Adds a customer id, email and/or IP to the merchant's blocklists, each at most once (emails compared
   * case-insensitively and stored lower-cased). Atomic: one UpdateItem of `list_append`s guarded by
   * `NOT contains(list, value)` for each value it adds, so a concurrent addition of the same value, or a
   * concurrent PUT, is seen (the condition fails, we read again and re-decide) and never duplicates an
   * entry or undoes the PUT. A merchant without a stored profile gets the defaults plus the entries
   * (conditional PutItem). A full list (10,000 entries) keeps its entries: the value is not added.
   * @returns the values actually added.
   */
  async addToBlocklists(merchantId: string, additions: BlocklistAdditions): Promise<BlocklistAdditions> {
    const wanted = normalizeAdditions(additions);
    if (Object.keys(wanted).length === 0) return {};
    for (let attempt = 0; attempt < BLOCKLIST_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt));
      const current = await this.readStored(merchantId);
      const missing: { -readonly [K in keyof BlocklistAdditions]: string } = {};
      for (const [field, value] of Object.entries(wanted) as [keyof BlocklistAdditions, string][]) {
        const list = (current ?? DEFAULT_RISK_PROFILE)[LISTS[field]];
        if (!list.some((v) => sameEntry(field, v, value)) && list.length < MAX_BLOCKLIST_ENTRIES) {
          missing[field] = value;
        }
      }
      if (Object.keys(missing).length === 0) return {};
      try {
        if (current) await this.appendToLists(merchantId, missing);
        else await this.createWithLists(merchantId, missing);
        return missing;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new ConcurrentModificationError();
  }

  /**
   * Counts one fraud report of `merchantId` at `now` for the rating (one UpdateItem, `ADD count 1` on the
   * day's counter). Not idempotent by itself: call it once per report created (e.g. after the report's
   * own conditional write succeeded), or put {@link fraudReportUpdate} in the same transaction.
   */
  async recordFraudReport(merchantId: string, now: Date = new Date()): Promise<void> {
    const out = await this.table.client.send(
      new UpdateItemCommand({
        ...fraudReportUpdate(this.table.tableName, merchantId, now),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'riskProfile.fraudReport', out.ConsumedCapacity);
  }

  private async readStored(merchantId: string): Promise<RiskProfile | undefined> {
    const out = await this.table.client.send(
      new GetItemCommand({
        TableName: this.table.tableName,
        Key: marshall(keys.riskProfile(merchantId)),
        ConsistentRead: true,
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'riskProfile.get', out.ConsumedCapacity);
    return out.Item ? parseStored(unmarshall(out.Item)) : undefined;
  }

  private async appendToLists(merchantId: string, missing: BlocklistAdditions): Promise<void> {
    const sets: string[] = [];
    const conditions = ['attribute_exists(PK)'];
    const names: Record<string, string> = { '#p': 'profile' };
    const values: Record<string, unknown> = {};
    for (const [i, [field, value]] of (
      Object.entries(missing) as [keyof BlocklistAdditions, string][]
    ).entries()) {
      names[`#l${i}`] = LISTS[field];
      values[`:v${i}`] = value;
      values[`:a${i}`] = [value];
      sets.push(`#p.#l${i} = list_append(#p.#l${i}, :a${i})`);
      conditions.push(`NOT contains(#p.#l${i}, :v${i})`);
    }
    const out = await this.table.client.send(
      new UpdateItemCommand({
        TableName: this.table.tableName,
        Key: marshall(keys.riskProfile(merchantId)),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'riskProfile.blocklists', out.ConsumedCapacity);
  }

  private async createWithLists(merchantId: string, missing: BlocklistAdditions): Promise<void> {
    const profile: RiskProfile = { ...DEFAULT_RISK_PROFILE };
    for (const [field, value] of Object.entries(missing) as [keyof BlocklistAdditions, string][]) {
      profile[LISTS[field]] = [value];
    }
    const item: RiskProfileItem = {
      ...keys.riskProfile(merchantId),
      entity: 'riskProfile',
      merchantId,
      profile,
      updatedAt: new Date().toISOString(),
    };
    const out = await this.table.client.send(
      new PutItemCommand({
        TableName: this.table.tableName,
        Item: marshall(item),
        ConditionExpression: 'attribute_not_exists(PK)',
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'riskProfile.blocklists', out.ConsumedCapacity);
  }
}

/**
 * The UpdateItem (its input, or a TransactWriteItems `Update`) that counts one fraud report of
 * `merchantId` on `now`'s UTC day, for the rating. Exported so a route that stores the report in a
 * transaction can count it in the same commit, which makes the count exactly-once.
 */
export function fraudReportUpdate(tableName: string, merchantId: string, now: Date) {
  const day = utcDay(now);
  const expiresAt = Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + FRAUD_DAY_TTL_SECONDS;
  return {
    TableName: tableName,
    Key: marshall(backOfficeKeys.fraudReportDay(merchantId, day)),
    UpdateExpression: 'ADD #count :one SET entity = :entity, merchantId = :m, expiresAt = :exp',
    ExpressionAttributeNames: { '#count': 'count' },
    ExpressionAttributeValues: marshall({
      ':one': 1,
      ':entity': 'fraudReportDay',
      ':m': merchantId,
      ':exp': expiresAt,
    }),
  };
}

/**
 * Counts one fraud report of `merchantId` (see {@link DynamoRiskProfileStore.recordFraudReport}); for
 * callers that hold a table context but no store.
 */
export function recordFraudReport(table: TableContext, merchantId: string, now: Date = new Date()) {
  return new DynamoRiskProfileStore(table).recordFraudReport(merchantId, now);
}

function validProfile(profile: unknown): RiskProfile {
  const result = safeParse(riskProfileSchema, profile);
  if (!result.success) throw new TypeError(`invalid risk profile: ${result.error.issues[0]?.message}`);
  return result.data;
}

function normalizeAdditions(additions: BlocklistAdditions): BlocklistAdditions {
  const out: { -readonly [K in keyof BlocklistAdditions]: string } = {};
  if (additions.customerId) out.customerId = additions.customerId;
  if (additions.email) out.email = additions.email.toLowerCase();
  if (additions.ip) out.ip = additions.ip;
  return out;
}

function sameEntry(field: keyof BlocklistAdditions, listed: string, value: string): boolean {
  return field === 'email' ? listed.toLowerCase() === value : listed === value;
}

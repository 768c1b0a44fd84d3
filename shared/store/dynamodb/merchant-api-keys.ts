/**
 * DynamoDB adapter of merchants' API keys (keys.ts). A key is two items written together: the digest
 * item `KEY#<sha256(secret)>` that authentication reads (api-keys.ts `resolveApiKey`) and the merchant's
 * record of it `MER#<merchant>` / `APIKEY#<key_id>` that ops list, roll and revoke. Neither holds the
 * secret (api-key-secrets.ts). Each operation is ONE TransactWriteItems guarded on the merchant being
 * active (issue, roll) and on the rolled key being active, so a key is never issued to a merchant a
 * concurrent suspension has just stopped, nor one key rolled twice.
 */
import { randomBytes } from 'node:crypto';
import {
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { base32, SLOT_LENGTH } from '../../domain/base32.js';
import { ApiKeyNotActiveError, MerchantNotActiveError } from '../../domain/merchants/errors.js';
import type { ApiKey } from '../../schemas/merchants.js';
import {
  API_KEY_ID_PREFIX,
  generateApiKeySecret,
  last4,
  openSecret,
  REPLAY_RECORD_TTL_SECONDS,
  sealSecret,
} from '../api-key-secrets.js';
import { hashApiKey } from '../api-keys.js';
import { ConcurrentModificationError, IdempotencyKeyReusedError, ObjectNotFoundError } from '../errors.js';
import { idempotencySlot } from '../idempotency.js';
import { keys, MERCHANT_API_KEY_PREFIX } from '../keys.js';
import { apiKeyChangeItem } from '../merchant-items.js';
import { MerchantNotFoundError } from './risk-profiles.js';
import {
  capacityParam,
  claimItem,
  getItemConsistent,
  queryPages,
  reportCapacity,
  type TableContext,
} from './table.js';

interface MerchantApiKeyItem {
  PK: string;
  SK: string;
  entity: 'merchantApiKey';
  id: string;
  merchantId: string;
  digest: string;
  last4: string;
  createdAt: string;
  /** Set by a roll: the key works until then. Not `expiresAt`: that name is the table's TTL attribute. */
  keyExpiresAt?: string;
  revokedAt?: string;
}

export interface IssueInput {
  readonly merchantId: string;
  readonly callerId: string;
  /** Optional on a roll; a retry with the same key replays the first answer. */
  readonly idempotencyKey?: string;
  readonly requestFingerprint: string;
  readonly now: Date;
}

export interface RollInput extends IssueInput {
  readonly keyId: string;
  readonly expiresInSeconds: number;
}

/** What a key shows at `now`: an expiring key past its end reads as revoked (it answers 401). */
export function apiKeyFromItem(item: MerchantApiKeyItem, now: Date): ApiKey {
  const expiresAt = item.keyExpiresAt ?? null;
  const dead = item.revokedAt !== undefined || (expiresAt !== null && Date.parse(expiresAt) <= now.getTime());
  return {
    id: item.id,
    object: 'api_key',
    merchantId: item.merchantId,
    last4: item.last4,
    status: dead ? 'revoked' : expiresAt ? 'expiring' : 'active',
    createdAt: item.createdAt,
    expiresAt,
    revokedAt: item.revokedAt ?? null,
  };
}

export class DynamoMerchantApiKeyStore {
  constructor(private readonly table: TableContext) {}

  /** Issues a key to an active merchant (201 with its secret, shown once), or replays the first answer. */
  issue(input: IssueInput): Promise<{ key: ApiKey; replayed: boolean }> {
    return this.write(input, []);
  }

  /**
   * Issues a successor of an active key; the old one keeps working for `expiresInSeconds` (0: stops now).
   * @throws ObjectNotFoundError, ApiKeyNotActiveError, MerchantNotActiveError
   */
  async roll(input: RollInput): Promise<{ key: ApiKey; replayed: boolean }> {
    const old = await this.item(input.merchantId, input.keyId);
    const expiresAt = new Date(input.now.getTime() + input.expiresInSeconds * 1000).toISOString();
    const expire = (key: { PK: string; SK: string }): TransactWriteItem => ({
      Update: {
        TableName: this.table.tableName,
        Key: marshall(key),
        UpdateExpression: 'SET keyExpiresAt = :exp',
        ConditionExpression:
          'attribute_exists(PK) AND attribute_not_exists(keyExpiresAt) AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: marshall({ ':exp': expiresAt }),
      },
    });
    return this.write(
      input,
      [expire(keys.merchantApiKey(input.merchantId, old.id)), expire(keys.apiKey(old.digest))],
      old,
    );
  }

  /** Every key of the merchant, newest first (the API's list order), without secrets. @throws MerchantNotFoundError */
  async list(merchantId: string, now: Date): Promise<ApiKey[]> {
    const merchant = await getItemConsistent(this.table, keys.merchant(merchantId), 'merchant.get');
    if (merchant?.entity !== 'merchant') throw new MerchantNotFoundError(merchantId);
    const out: ApiKey[] = [];
    for await (const item of queryPages(
      this.table,
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :key)',
        ExpressionAttributeValues: marshall({
          ':pk': keys.merchant(merchantId).PK,
          ':key': MERCHANT_API_KEY_PREFIX,
        }),
      },
      'apiKey.list',
    )) {
      out.push(apiKeyFromItem(item as unknown as MerchantApiKeyItem, now));
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  /**
   * Revokes a key, recorded in the merchant's history with `by`: idempotent (a revoked key stays revoked at
   * its first time). @throws ObjectNotFoundError
   */
  async revoke(merchantId: string, keyId: string, by: string, now: Date): Promise<ApiKey> {
    const old = await this.item(merchantId, keyId);
    const revoke = (key: { PK: string; SK: string }): TransactWriteItem => ({
      Update: {
        TableName: this.table.tableName,
        Key: marshall(key),
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: marshall({ ':now': now.toISOString() }),
      },
    });
    const change = { action: 'revoke_key' as const, keyId, by, at: now.toISOString(), note: null };
    await this.transact('apiKey.revoke', [
      revoke(keys.merchantApiKey(merchantId, keyId)),
      revoke(keys.apiKey(old.digest)),
      // Recorded once: a revocation sent again changes nothing.
      ...(old.revokedAt === undefined
        ? [{ Put: { TableName: this.table.tableName, Item: marshall(apiKeyChangeItem(merchantId, change)) } }]
        : []),
    ]);
    return apiKeyFromItem({ ...old, revokedAt: old.revokedAt ?? now.toISOString() }, now);
  }

  private async item(merchantId: string, keyId: string): Promise<MerchantApiKeyItem> {
    const item = await getItemConsistent(this.table, keys.merchantApiKey(merchantId, keyId), 'apiKey.get');
    if (item?.entity !== 'merchantApiKey') throw new ObjectNotFoundError(keyId);
    return item as unknown as MerchantApiKeyItem;
  }

  /** The transaction of an issue or a roll: [slot claim?], merchant active, new key's two items, `extra`. */
  private async write(
    input: IssueInput,
    extra: TransactWriteItem[],
    rolled?: MerchantApiKeyItem,
  ): Promise<{ key: ApiKey; replayed: boolean }> {
    const slot = input.idempotencyKey ? idempotencySlot(input.callerId, input.idempotencyKey) : undefined;
    const id = `${API_KEY_ID_PREFIX}${slot ?? base32(randomBytes(20)).slice(0, SLOT_LENGTH)}`;
    const secret = generateApiKeySecret();
    const createdAt = input.now.toISOString();
    const record: MerchantApiKeyItem = {
      ...keys.merchantApiKey(input.merchantId, id),
      entity: 'merchantApiKey',
      id,
      merchantId: input.merchantId,
      digest: hashApiKey(secret),
      last4: last4(secret),
      createdAt,
    };
    const view = apiKeyFromItem(record, input.now);
    const items: TransactWriteItem[] = [];
    if (slot && input.idempotencyKey) {
      items.push(
        claimItem(this.table, {
          ...keys.object(slot),
          entity: 'apiKeyRequest',
          merchantId: input.merchantId,
          keyId: id,
          requestFingerprint: input.requestFingerprint,
          response: JSON.stringify(view),
          sealedSecret: sealSecret(secret, input.idempotencyKey, slot),
          createdAt,
          expiresAt: Math.floor(input.now.getTime() / 1000) + REPLAY_RECORD_TTL_SECONDS,
        }),
      );
    }
    const merchantCheck = items.length;
    items.push(
      {
        ConditionCheck: {
          TableName: this.table.tableName,
          Key: marshall(keys.merchant(input.merchantId)),
          ConditionExpression: '#status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':active': 'active' }),
        },
      },
      {
        Put: {
          TableName: this.table.tableName,
          Item: marshall({
            ...keys.apiKey(record.digest),
            entity: 'apiKey',
            merchantId: input.merchantId,
            role: 'merchant',
            keyId: id,
            createdAt,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      {
        Put: {
          TableName: this.table.tableName,
          Item: marshall(record),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      ...extra,
      {
        Put: {
          TableName: this.table.tableName,
          Item: marshall(
            apiKeyChangeItem(
              input.merchantId,
              rolled
                ? {
                    action: 'roll_key',
                    keyId: rolled.id,
                    newKeyId: id,
                    by: input.callerId,
                    at: createdAt,
                    note: null,
                  }
                : { action: 'issue_key', keyId: id, by: input.callerId, at: createdAt, note: null },
            ),
          ),
        },
      },
    );
    try {
      await this.transact(rolled ? 'apiKey.roll' : 'apiKey.issue', items);
      return { key: { ...view, secret }, replayed: false };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = (index: number) => reasons[index]?.Code === 'ConditionalCheckFailed';
      if (slot && input.idempotencyKey && failed(0)) {
        const existing = reasons[0]?.Item
          ? unmarshall(reasons[0].Item)
          : await getItemConsistent(this.table, keys.object(slot), 'apiKey.replay');
        if (existing?.entity !== 'apiKeyRequest' || existing.requestFingerprint !== input.requestFingerprint)
          throw new IdempotencyKeyReusedError();
        const first = JSON.parse(String(existing.response)) as ApiKey;
        return {
          key: { ...first, secret: openSecret(String(existing.sealedSecret), input.idempotencyKey, slot) },
          replayed: true,
        };
      }
      if (failed(merchantCheck)) {
        const merchant = await getItemConsistent(this.table, keys.merchant(input.merchantId), 'merchant.get');
        if (merchant?.entity !== 'merchant') throw new MerchantNotFoundError(input.merchantId);
        throw new MerchantNotActiveError(String(merchant.status ?? 'active'));
      }
      if (rolled && reasons.slice(merchantCheck + 3).some((r) => r?.Code === 'ConditionalCheckFailed')) {
        const now = await this.item(input.merchantId, rolled.id);
        throw new ApiKeyNotActiveError(apiKeyFromItem(now, input.now).status);
      }
      throw new ConcurrentModificationError(error);
    }
  }

  private async transact(operation: string, items: TransactWriteItem[]): Promise<void> {
    const out = await this.table.client.send(
      new TransactWriteItemsCommand({ TransactItems: items, ...capacityParam(this.table) }),
    );
    reportCapacity(this.table, operation, out.ConsumedCapacity);
  }
}

/**
 * API keys and merchants. A key is stored only as its SHA-256 digest: a leaked table holds no usable
 * key, and the authorizer finds a key with one GetItem on the digest, then (merchant keys) the
 * merchant's status with a second one: only an active merchant's keys work, a suspended merchant's are
 * recognised as such (403 `merchant-suspended`). Issued keys are written by
 * dynamodb/merchant-api-keys.ts; this module reads them and seeds the contract's local credentials.
 */
import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DEFAULT_RISK_RATING, keyAccess, type MerchantStatus } from '../domain/merchants/onboarding.js';
import type { Role } from '../http/api-event.js';
import { keys } from './keys.js';
import { type MerchantItem, merchantFromItem, merchantListEntries } from './merchant-items.js';

/** The merchant id the authorizer reports for ops keys (they act for no merchant). */
export const OPS_PRINCIPAL = 'ops';

export interface ApiKeyRecord {
  readonly merchantId: string;
  readonly role: Role;
  /** The key's id (`key_…`); absent for the seeded ops key. */
  readonly keyId?: string;
  /** When a rolled key stops working (epoch ms); absent while it has no end. */
  readonly expiresAt?: number;
  /** The merchant is suspended: its keys answer 403 `merchant-suspended`, not 401. */
  readonly merchantSuspended?: true;
}

/** SHA-256 of the key, hex. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/**
 * Stores an API key (its digest). Idempotent: storing the same key for the same principal again is a
 * no-op; the same key for another principal is refused, never silently rebound.
 */
export async function putApiKey(
  client: DynamoDBClient,
  tableName: string,
  input: { apiKey: string; merchantId: string; role: Role },
): Promise<void> {
  await putOnce(
    client,
    tableName,
    apiKeyItem(input, new Date().toISOString()),
    (existing) => existing.merchantId === input.merchantId && existing.role === input.role,
  );
}

/** The item an API key is stored as: its digest, never the key. */
export function apiKeyItem(
  input: { apiKey: string; merchantId: string; role: Role; keyId?: string },
  createdAt: string,
): Record<string, unknown> {
  return {
    ...keys.apiKey(hashApiKey(input.apiKey)),
    entity: 'apiKey',
    merchantId: input.merchantId,
    role: input.role,
    ...(input.keyId ? { keyId: input.keyId } : {}),
    createdAt,
  };
}

/** The merchant's record of a seeded key, so ops list it (and may roll or revoke it) like any other. */
function merchantApiKeyItem(
  input: { apiKey: string; merchantId: string; keyId: string },
  createdAt: string,
): Record<string, unknown> {
  return {
    ...keys.merchantApiKey(input.merchantId, input.keyId),
    entity: 'merchantApiKey',
    id: input.keyId,
    merchantId: input.merchantId,
    digest: hashApiKey(input.apiKey),
    last4: input.apiKey.slice(-4),
    createdAt,
  };
}

/** Stores a merchant record; idempotent like `putApiKey`. */
export async function putMerchant(
  client: DynamoDBClient,
  tableName: string,
  input: { merchantId: string; name?: string },
): Promise<void> {
  for (const item of merchantItems(input, new Date().toISOString())) {
    await putOnce(client, tableName, item, (existing) => existing.merchantId === input.merchantId);
  }
}

/**
 * The items a merchant is stored as: its record, and its entry in the registry settlement lists
 * merchants from (one Query instead of a scan of the table).
 */
export function merchantItems(
  input: { merchantId: string; name?: string },
  createdAt: string,
): Record<string, unknown>[] {
  // Seeded merchants are active from the start (contract), onboarded by no one.
  const merchant: Omit<MerchantItem, 'PK' | 'SK'> = {
    entity: 'merchant',
    merchantId: input.merchantId,
    name: input.name ?? input.merchantId,
    country: 'US',
    website: null,
    mcc: null,
    expectedMonthlyVolume: {},
    status: 'active',
    riskRating: DEFAULT_RISK_RATING,
    version: 1,
    createdAt,
    updatedAt: createdAt,
  };
  return [
    { ...keys.merchant(input.merchantId), ...merchant },
    ...merchantListEntries(merchantFromItem(merchant)),
    {
      ...keys.merchantRegistry(input.merchantId),
      entity: 'merchantRegistration',
      merchantId: input.merchantId,
    },
  ];
}

/** What the authorizer needs: the key's principal and role, or `undefined` for an unknown key. */
export async function resolveApiKey(
  client: DynamoDBClient,
  tableName: string,
  apiKey: string,
  now: () => number = Date.now,
): Promise<ApiKeyRecord | undefined> {
  const out = await client.send(
    new GetItemCommand({ TableName: tableName, Key: marshall(keys.apiKey(hashApiKey(apiKey))) }),
  );
  if (!out.Item) return undefined;
  const item = unmarshall(out.Item);
  if (item.entity !== 'apiKey' || typeof item.merchantId !== 'string') return undefined;
  if (item.role !== 'merchant' && item.role !== 'ops') return undefined;
  if (item.revokedAt) return undefined;
  const expiresAt = typeof item.keyExpiresAt === 'string' ? Date.parse(item.keyExpiresAt) : undefined;
  if (expiresAt !== undefined && !(expiresAt > now())) return undefined;
  const record: ApiKeyRecord = {
    merchantId: item.merchantId,
    role: item.role,
    ...(typeof item.keyId === 'string' ? { keyId: item.keyId } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
  if (record.role !== 'merchant') return record;
  const merchant = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: marshall(keys.merchant(record.merchantId)),
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
    }),
  );
  if (!merchant.Item) return undefined;
  // A record seeded before onboarding existed has no status: it is active.
  const status = (unmarshall(merchant.Item).status ?? 'active') as MerchantStatus;
  const access = keyAccess(status);
  if (access === 'allowed') return record;
  return access === 'merchant_suspended' ? { ...record, merchantSuspended: true } : undefined;
}

/** The contract's local credentials (docs/contract.md, Local runtime). For local use only. */
export const LOCAL_CREDENTIALS = [
  { apiKey: 'sk_test_demo_1', merchantId: 'm_demo_1', role: 'merchant', keyId: 'key_demo_1' },
  { apiKey: 'sk_test_demo_2', merchantId: 'm_demo_2', role: 'merchant', keyId: 'key_demo_2' },
  { apiKey: 'sk_test_ops', merchantId: OPS_PRINCIPAL, role: 'ops' },
] as const satisfies ReadonlyArray<{ apiKey: string; merchantId: string; role: Role; keyId?: string }>;

/**
 * The items `seedLocalCredentials` writes, in its order: what the local emulator seeds from
 * `local.config.json` (scripts/local-config.ts writes them there).
 */
export function localCredentialItems(createdAt: string): Record<string, unknown>[] {
  return LOCAL_CREDENTIALS.flatMap((credential) => [
    ...(credential.role === 'merchant'
      ? merchantItems({ merchantId: credential.merchantId }, createdAt)
      : []),
    apiKeyItem(credential, createdAt),
    ...(credential.role === 'merchant' ? [merchantApiKeyItem(credential, createdAt)] : []),
  ]);
}

/**
 * When the local credentials were created, fixed: the ops list's entries are keyed by creation time, so
 * seeding again writes the same items (and local.config.json only changes when the items do).
 */
export const LOCAL_SEEDED_AT = '2026-01-01T00:00:00.000Z';

/** Seeds the local merchants and keys; safe to run on every start. */
export async function seedLocalCredentials(client: DynamoDBClient, tableName: string): Promise<void> {
  for (const item of localCredentialItems(LOCAL_SEEDED_AT)) {
    await putOnce(client, tableName, item, (existing) => existing.merchantId === item.merchantId);
  }
}

async function putOnce(
  client: DynamoDBClient,
  tableName: string,
  item: Record<string, unknown>,
  sameAs: (existing: Record<string, unknown>) => boolean,
): Promise<void> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: marshall(item),
        ConditionExpression: 'attribute_not_exists(PK)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = error.Item ? unmarshall(error.Item) : undefined;
    if (existing && !sameAs(existing))
      throw new Error(`${String(item.PK)} already belongs to another principal`);
  }
}

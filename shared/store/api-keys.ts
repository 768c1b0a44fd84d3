/**
 * API keys and merchants. A key is stored only as its SHA-256 digest: a leaked table holds no usable
 * key, and the authorizer finds a key with one GetItem on the digest.
 */
import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Role } from '../http/api-event.js';
import { keys } from './keys.js';

/** The merchant id the authorizer reports for ops keys (they act for no merchant). */
export const OPS_PRINCIPAL = 'ops';

export interface ApiKeyRecord {
  readonly merchantId: string;
  readonly role: Role;
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
  input: { apiKey: string; merchantId: string; role: Role },
  createdAt: string,
): Record<string, unknown> {
  return {
    ...keys.apiKey(hashApiKey(input.apiKey)),
    entity: 'apiKey',
    merchantId: input.merchantId,
    role: input.role,
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
  return [
    {
      ...keys.merchant(input.merchantId),
      entity: 'merchant',
      merchantId: input.merchantId,
      name: input.name ?? input.merchantId,
      createdAt,
    },
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
): Promise<ApiKeyRecord | undefined> {
  const out = await client.send(
    new GetItemCommand({ TableName: tableName, Key: marshall(keys.apiKey(hashApiKey(apiKey))) }),
  );
  if (!out.Item) return undefined;
  const item = unmarshall(out.Item);
  if (item.entity !== 'apiKey' || typeof item.merchantId !== 'string') return undefined;
  if (item.role !== 'merchant' && item.role !== 'ops') return undefined;
  if (item.revokedAt) return undefined;
  return { merchantId: item.merchantId, role: item.role };
}

/** The contract's local credentials (docs/contract.md, Local runtime). For local use only. */
export const LOCAL_CREDENTIALS = [
  { apiKey: 'sk_test_demo_1', merchantId: 'm_demo_1', role: 'merchant' },
  { apiKey: 'sk_test_demo_2', merchantId: 'm_demo_2', role: 'merchant' },
  { apiKey: 'sk_test_ops', merchantId: OPS_PRINCIPAL, role: 'ops' },
] as const satisfies ReadonlyArray<{ apiKey: string; merchantId: string; role: Role }>;

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
  ]);
}

/** Seeds the local merchants and keys; safe to run on every start. */
export async function seedLocalCredentials(client: DynamoDBClient, tableName: string): Promise<void> {
  for (const credential of LOCAL_CREDENTIALS) {
    if (credential.role === 'merchant')
      await putMerchant(client, tableName, { merchantId: credential.merchantId });
    await putApiKey(client, tableName, credential);
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

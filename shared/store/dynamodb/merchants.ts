/**
 * DynamoDB adapter of merchant onboarding (keys.ts, merchant-items.ts). Every change is ONE
 * TransactWriteItems: the merchant record, guarded on the status and version the decision was made from
 * (so of two concurrent reviews exactly one wins, the other answers 409), its list entries, and the
 * change item that is both its history (who, when, why) and, through the table stream, its event. An
 * approval also writes, in that same transaction, the entry in the registry settlement lists merchants
 * from. A suspended merchant stays registered (settlement still owes it what it took); a rejected one
 * never is.
 *
 * The risk profile limits of an approval's rating are risk's items: risk rates the profile (a
 * `ProfileRater`, risk's `rate-merchant` function in the deployed review) BEFORE the approval is written,
 * so the limits are in force before the merchant is active and its first key can work. A crash between
 * the two leaves a pending merchant with a rated profile (which no payment uses), and the retried
 * approval rates it again (the same profile: rating is idempotent) and approves it. Concurrent reviews:
 * the one that wins rates again after its write, and one that lost to an approval rates with the
 * winner's rating, so the profile follows the review that won whatever order the ratings landed in.
 */
import {
  QueryCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { MerchantStateError } from '../../domain/merchants/errors.js';
import { decide, initialState, type MerchantCommand } from '../../domain/merchants/onboarding.js';
import { logger } from '../../http/logger.js';
import type {
  CreateMerchantBody,
  ListMerchantsQuery,
  Merchant,
  MerchantChange,
} from '../../schemas/merchants.js';
import { decodeOpaque, encodeOpaque } from '../cursor.js';
import { ConcurrentModificationError, IdempotencyKeyReusedError, InvalidCursorError } from '../errors.js';
import { idempotencySlot } from '../idempotency.js';
import { backOfficeKeys, keys, MERCHANT_SK } from '../keys.js';
import {
  apiKeyChangeFromItem,
  changeFromItem,
  type MerchantItem,
  merchantChangeItem,
  merchantFromItem,
  merchantListEntries,
} from '../merchant-items.js';
import { MerchantNotFoundError } from './risk-profiles.js';
import { directRater, type ProfileRater } from './risk-ratings.js';
import {
  capacityParam,
  claimItem,
  getItemConsistent,
  queryPages,
  reportCapacity,
  type TableContext,
} from './table.js';

export const MERCHANT_ID_PREFIX = 'm_';
const LIST_SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9_-]{1,64}$/;

export interface CreateMerchantInput {
  readonly callerId: string;
  readonly idempotencyKey: string;
  readonly requestFingerprint: string;
  readonly body: CreateMerchantBody;
  readonly now: Date;
}

export interface ChangeInput {
  readonly merchantId: string;
  readonly command: MerchantCommand;
  /** The ops caller. */
  readonly by: string;
  readonly note: string | null;
  readonly now: Date;
}

const put = (table: TableContext, item: object, condition?: string): TransactWriteItem => ({
  Put: {
    TableName: table.tableName,
    Item: marshall(item, { removeUndefinedValues: true }),
    ...(condition ? { ConditionExpression: condition } : {}),
  },
});

export class DynamoMerchantStore {
  /** @param rate rates an approval's risk profile: risk's own store by default (tests and scripts). */
  constructor(
    private readonly table: TableContext,
    private readonly rate: ProfileRater = directRater(table),
  ) {}

  /** Creates a merchant pending review at the Idempotency-Key's slot (`m_<slot>`), or replays it. */
  async create(input: CreateMerchantInput): Promise<{ merchant: Merchant; replayed: boolean }> {
    const slot = idempotencySlot(input.callerId, input.idempotencyKey);
    const id = `${MERCHANT_ID_PREFIX}${slot}`;
    const at = input.now.toISOString();
    const state = initialState();
    const item: MerchantItem = {
      ...keys.merchant(id),
      entity: 'merchant',
      merchantId: id,
      name: input.body.name,
      country: input.body.country,
      website: input.body.website ?? null,
      mcc: input.body.mcc ?? null,
      expectedMonthlyVolume: input.body.expectedMonthlyVolume,
      status: state.status,
      riskRating: state.riskRating,
      version: state.version,
      createdAt: at,
      updatedAt: at,
    };
    const merchant = merchantFromItem(item);
    const request = {
      ...keys.object(slot),
      entity: 'merchantRequest',
      merchantId: id,
      requestFingerprint: input.requestFingerprint,
      /** The first answer, replayed as it was (contract: Idempotency). */
      response: JSON.stringify(merchant),
      createdAt: at,
    };
    const change: MerchantChange = {
      action: 'create',
      from: null,
      to: state.status,
      by: input.callerId,
      at,
      note: null,
    };
    try {
      await this.transact('merchant.create', [
        claimItem(this.table, request),
        put(this.table, item, 'attribute_not_exists(PK)'),
        ...merchantListEntries(merchant).map((entry) => put(this.table, entry)),
        put(this.table, merchantChangeItem(merchant, state.version, change)),
      ]);
      return { merchant, replayed: false };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [reason] = error.CancellationReasons ?? [];
      if (reason?.Code !== 'ConditionalCheckFailed') throw new ConcurrentModificationError(error);
      const existing = reason.Item ? unmarshall(reason.Item) : undefined;
      if (existing?.entity !== 'merchantRequest' || existing.requestFingerprint !== input.requestFingerprint)
        throw new IdempotencyKeyReusedError();
      return { merchant: JSON.parse(String(existing.response)) as Merchant, replayed: true };
    }
  }

  /** @throws MerchantNotFoundError */
  async get(merchantId: string): Promise<Merchant> {
    const item = await getItemConsistent(this.table, keys.merchant(merchantId), 'merchant.get');
    if (item?.entity !== 'merchant') throw new MerchantNotFoundError(merchantId);
    return merchantFromItem(item);
  }

  /** The merchant and its history, oldest change first: one Query (keys.ts). @throws MerchantNotFoundError */
  async getWithHistory(merchantId: string): Promise<Merchant> {
    let merchant: Merchant | undefined;
    const history: NonNullable<Merchant['history']> = [];
    for await (const item of queryPages(
      this.table,
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :mer)',
        ExpressionAttributeValues: marshall({ ':pk': keys.merchant(merchantId).PK, ':mer': MERCHANT_SK }),
        ConsistentRead: true,
      },
      'merchant.getWithHistory',
    )) {
      if (item.entity === 'merchant') merchant = merchantFromItem(item);
      else if (item.entity === 'merchantChange') history.push(changeFromItem(item));
      else if (item.entity === 'merchantKeyChange') history.push(apiKeyChangeFromItem(item));
    }
    if (!merchant) throw new MerchantNotFoundError(merchantId);
    // Key changes sort after the merchant's own (by key id): one timeline by time, ties in stored order.
    return { ...merchant, history: history.sort((a, b) => a.at.localeCompare(b.at)) };
  }

  /** A page of merchants, newest first, of one status or all. @throws InvalidCursorError */
  async list(query: ListMerchantsQuery): Promise<{ data: Merchant[]; nextCursor: string | null }> {
    const pk = backOfficeKeys.merchantList(query.status);
    const out = await this.table.client.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: marshall({ ':pk': pk }),
        ScanIndexForward: false,
        Limit: query.limit,
        ...(query.cursor ? { ExclusiveStartKey: marshall({ PK: pk, SK: decodeListCursor(query) }) } : {}),
        ...capacityParam(this.table),
      }),
    );
    reportCapacity(this.table, 'merchant.list', out.ConsumedCapacity);
    const data = (out.Items ?? []).map((raw) => unmarshall(raw).merchant as Merchant);
    const last = out.LastEvaluatedKey ? String(unmarshall(out.LastEvaluatedKey).SK) : undefined;
    return { data, nextCursor: last ? encodeOpaque([query.status ?? null, last]) : null };
  }

  /**
   * Applies `command` (review, suspend, reinstate) as decided by the state machine, with its history
   * item; an approval also has its risk profile rated first, and writes the settlement registry entry.
   * @throws MerchantNotFoundError, MerchantStateError (409; also when a concurrent change won)
   */
  async change(input: ChangeInput): Promise<Merchant> {
    const current = await getItemConsistent(this.table, keys.merchant(input.merchantId), 'merchant.get');
    if (current?.entity !== 'merchant') throw new MerchantNotFoundError(input.merchantId);
    const before = current as unknown as MerchantItem;
    const decision = decide(
      { status: before.status, version: before.version, riskRating: before.riskRating },
      input.command,
    );
    const at = input.now.toISOString();
    const after: MerchantItem = {
      ...before,
      status: decision.next.status,
      version: decision.next.version,
      riskRating: decision.next.riskRating,
      updatedAt: at,
    };
    const merchant = merchantFromItem(after);
    const change: MerchantChange = {
      action: input.command.kind,
      from: before.status,
      to: after.status,
      by: input.by,
      at,
      note: input.note,
      ...(input.command.kind === 'approve' && after.riskRating ? { riskRating: after.riskRating } : {}),
    };
    const items: TransactWriteItem[] = [
      {
        Put: {
          TableName: this.table.tableName,
          Item: marshall(after, { removeUndefinedValues: true }),
          ConditionExpression: '#status = :from AND version = :version',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':from': before.status, ':version': before.version }),
        },
      },
      {
        Delete: {
          TableName: this.table.tableName,
          Key: marshall(keys.merchantListEntry(before.createdAt, before.merchantId, before.status)),
        },
      },
      ...merchantListEntries(merchant).map((entry) => put(this.table, entry)),
      put(this.table, merchantChangeItem(merchant, after.version, change), 'attribute_not_exists(PK)'),
    ];
    const rating = input.command.kind === 'approve' ? after.riskRating : null;
    // Rated before the merchant can be active: a failure here approves nothing (the request fails).
    if (rating) await this.rate(before.merchantId, rating);
    if (rating) {
      items.push(
        put(this.table, {
          ...keys.merchantRegistry(before.merchantId),
          entity: 'merchantRegistration',
          merchantId: before.merchantId,
        }),
      );
    }
    try {
      await this.transact('merchant.change', items);
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed')
        throw new ConcurrentModificationError(error);
      // Another change won the race: refuse as the state it left calls for.
      const now = await this.get(input.merchantId);
      if (now.status === before.status) throw new ConcurrentModificationError(error);
      // An approval that won may have been rated before this one's rating landed: rate as it decided.
      if (rating && now.status === 'active' && now.riskRating) await this.rerate(now.id, now.riskRating);
      throw new MerchantStateError(input.command.kind, now.status, before.status);
    }
    // A concurrent approval's rating may have landed after this one's: this approval won, rate as it said.
    if (rating) await this.rerate(before.merchantId, rating);
    return merchant;
  }

  /**
   * Rates again after a review was decided (idempotent). The decision stands whatever happens here: a
   * failure leaves the profile rated by the approval's first rating, or, if a concurrent approval with
   * another rating was rated in between, by that one until ops correct it (logged).
   */
  private async rerate(merchantId: string, rating: NonNullable<MerchantItem['riskRating']>): Promise<void> {
    try {
      await this.rate(merchantId, rating);
    } catch (error) {
      logger.error('merchant approved, its risk profile not rated again', {
        merchantId,
        rating,
        error: error as Error,
      });
    }
  }

  private async transact(operation: string, items: TransactWriteItem[]): Promise<void> {
    const out = await this.table.client.send(
      new TransactWriteItemsCommand({ TransactItems: items, ...capacityParam(this.table) }),
    );
    reportCapacity(this.table, operation, out.ConsumedCapacity);
  }
}

/** The list position a cursor holds; it must have been issued for the same status filter. */
function decodeListCursor(query: ListMerchantsQuery): string {
  const [status, sk] = decodeOpaque(query.cursor ?? '', 2);
  if (typeof sk !== 'string' || !LIST_SORT_KEY.test(sk))
    throw new InvalidCursorError('not a cursor this API issued');
  if ((status ?? undefined) !== query.status)
    throw new InvalidCursorError('issued for another status filter');
  return sk;
}

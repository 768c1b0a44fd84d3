/**
 * The ops side of request signing (keys.ts: `MER#<merchant>` / `SIGNING`): turning the requirement on
 * issues a secret, shown once; turning it off forgets the secret. Merchant routes read the requirement
 * through request-signing-reads.ts.
 */
import { ConditionalCheckFailedException, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { keys } from '../keys.js';
import { merchantExists } from './merchant-exists.js';
import { MerchantNotFoundError } from './risk-profiles.js';
import { capacityParam, reportCapacity, type TableContext } from './table.js';

/** What the PUT answers: the secret only in the answer that turned signing on. */
export type SigningChange =
  | { readonly required: true; readonly secret?: string }
  | { readonly required: false };

export class DynamoRequestSigningStore {
  constructor(private readonly table: TableContext) {}

  /**
   * Sets the requirement of an existing merchant. Turning it on stores `newSecret` and answers it; when it
   * is already on (or a concurrent PUT turned it on first) the stored secret is kept and not shown again.
   * Turning it off removes the secret. @throws MerchantNotFoundError
   */
  async put(
    merchantId: string,
    required: boolean,
    newSecret: () => string,
    now: Date = new Date(),
  ): Promise<SigningChange> {
    if (!(await merchantExists(this.table, merchantId))) throw new MerchantNotFoundError(merchantId);
    const base = {
      ...keys.requestSigning(merchantId),
      entity: 'requestSigning',
      merchantId,
      updatedAt: now.toISOString(),
    };
    if (!required) {
      await this.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: marshall({ ...base, required: false }),
          ...capacityParam(this.table),
        }),
      );
      return { required: false };
    }
    const secret = newSecret();
    try {
      await this.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: marshall({ ...base, required: true, secret }),
          ConditionExpression: 'attribute_not_exists(PK) OR #required = :false',
          ExpressionAttributeNames: { '#required': 'required' },
          ExpressionAttributeValues: marshall({ ':false': false }),
          ...capacityParam(this.table),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { required: true };
      throw error;
    }
    return { required: true, secret };
  }

  private async send(command: PutItemCommand): Promise<void> {
    const out = await this.table.client.send(command);
    reportCapacity(this.table, 'requestSigning.put', out.ConsumedCapacity);
  }
}

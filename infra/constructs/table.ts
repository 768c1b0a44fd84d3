import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { TABLE_GSIS, TABLE_KEY_SCHEMA, TTL_ATTRIBUTE } from '../../shared/store/table-definition.js';

const ATTRIBUTE_TYPES = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
} as const;

const PROJECTION_TYPES = {
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
  INCLUDE: dynamodb.ProjectionType.INCLUDE,
  ALL: dynamodb.ProjectionType.ALL,
} as const;

type KeyDefinition = { readonly name: string; readonly type: keyof typeof ATTRIBUTE_TYPES };

function toAttribute(key: KeyDefinition): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

/**
 * The single payments table, built from `shared/store/table-definition.ts` so that the keys the
 * repositories use, the integration tests' table and the deployed table cannot drift apart.
 *
 * A classic `AWS::DynamoDB::Table` (not TableV2/global table): the local runtime creates DynamoDB Local
 * tables from this resource's properties, and one region is all the product needs today.
 */
export class PaymentsTable extends dynamodb.Table {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      partitionKey: toAttribute(TABLE_KEY_SCHEMA.partitionKey),
      sortKey: toAttribute(TABLE_KEY_SCHEMA.sortKey),
      // Traffic is spiky and small at first; on-demand costs nothing idle and never throttles on a burst.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // The stream is the transactional outbox: consumers see a state change and its before/after images.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-managed KMS key: encryption at rest with CloudTrail-audited key use and no key to administer.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // Payment records must survive a stack deletion or an accidental replacement.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });

    for (const gsi of TABLE_GSIS) {
      this.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: toAttribute(gsi.partitionKey),
        sortKey: toAttribute(gsi.sortKey),
        projectionType: PROJECTION_TYPES[gsi.projection],
        ...('nonKeyAttributes' in gsi ? { nonKeyAttributes: [...gsi.nonKeyAttributes] } : {}),
      });
    }
  }

  /**
   * Allows `actions` on the table's items only. Unlike `Table.grant`, no `index/*` resource is added:
   * a function that reads one item by key has no business querying the indexes.
   */
  grantItemActions(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.tableArn] });
  }

  /**
   * Allows `actions` on the table's items whose partition key matches one of `leadingKeys` (IAM
   * `dynamodb:LeadingKeys` patterns such as `CTR#*`): a function reaches only the kinds of items it uses.
   */
  grantItemActionsOnKeys(grantee: iam.IGrantable, actions: string[], leadingKeys: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
    });
  }

  /** Allows `actions` (typically `dynamodb:Query`) on one named index, not on every index. */
  grantIndexActions(grantee: iam.IGrantable, indexName: string, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [`${this.tableArn}/index/${indexName}`],
    });
  }
}

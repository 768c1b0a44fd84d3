import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { TABLE_GSIS, TABLE_KEY_SCHEMA, TTL_ATTRIBUTE } from '../../shared/store/table-definition.js';
import { stageOf } from '../stages.js';

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
export class PaymentsTable extends dynamodb.Table implements PaymentsTableRef {
  constructor(scope: Construct, id: string) {
    const stage = stageOf(scope);
    super(scope, id, {
      partitionKey: toAttribute(TABLE_KEY_SCHEMA.partitionKey),
      sortKey: toAttribute(TABLE_KEY_SCHEMA.sortKey),
      // Traffic is spiky and small at first; on-demand costs nothing idle and never throttles on a burst.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // The stream is the transactional outbox: consumers see a state change and its before/after images.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: stage.pointInTimeRecovery },
      // AWS-managed KMS key: encryption at rest with CloudTrail-audited key use and no key to administer.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // Payment records must survive a stack deletion or an accidental replacement in prod (stages.ts);
      // a dev or staging copy holds test data and goes with its stack.
      removalPolicy: stage.removalPolicy,
      deletionProtection: stage.tableDeletionProtection,
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

  grantItemActions(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return grantItemActions(this, grantee, ...actions);
  }

  grantItemActionsOnKeys(grantee: iam.IGrantable, actions: string[], leadingKeys: string[]): iam.Grant {
    return grantItemActionsOnKeys(this, grantee, actions, leadingKeys);
  }

  grantIndexActions(grantee: iam.IGrantable, indexName: string, ...actions: string[]): iam.Grant {
    return grantIndexActions(this, grantee, indexName, ...actions);
  }
}

/**
 * The payments table as every service sees it: the foundation's table in its own stack, an import by
 * name and ARNs (read from SSM parameters) in a service's stack, with the same narrow grants.
 */
export interface PaymentsTableRef extends dynamodb.ITable {
  /** Allows `actions` on the table's items only (no `index/*` resource, unlike `Table.grant`). */
  grantItemActions(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;
  /** Allows `actions` on the items whose partition key matches one of `leadingKeys` (`CTR#*`, ...). */
  grantItemActionsOnKeys(grantee: iam.IGrantable, actions: string[], leadingKeys: string[]): iam.Grant;
  /** Allows `actions` (typically `dynamodb:Query`) on one named index, not on every index. */
  grantIndexActions(grantee: iam.IGrantable, indexName: string, ...actions: string[]): iam.Grant;
}

/** The payments table of another stack, from its name and ARNs (SSM parameter values). */
export function importPaymentsTable(
  scope: Construct,
  id: string,
  attributes: { tableName: string; tableArn: string; tableStreamArn?: string },
): PaymentsTableRef {
  const { tableName, tableArn, tableStreamArn } = attributes;
  // fromTableAttributes takes a name or an ARN; both are parameters here, so the ARN is used as given
  // rather than rebuilt from the name.
  const table = dynamodb.Table.fromTableAttributes(scope, id, { tableName, tableStreamArn });
  Object.defineProperty(table, 'tableArn', { value: tableArn });
  return Object.assign(table, {
    grantItemActions: (grantee: iam.IGrantable, ...actions: string[]) =>
      grantItemActions(table, grantee, ...actions),
    grantItemActionsOnKeys: (grantee: iam.IGrantable, actions: string[], leadingKeys: string[]) =>
      grantItemActionsOnKeys(table, grantee, actions, leadingKeys),
    grantIndexActions: (grantee: iam.IGrantable, indexName: string, ...actions: string[]) =>
      grantIndexActions(table, grantee, indexName, ...actions),
  });
}

function grantItemActions(table: dynamodb.ITable, grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [table.tableArn] });
}

/** IAM `dynamodb:LeadingKeys` patterns: a function reaches only the kinds of items it uses. */
function grantItemActionsOnKeys(
  table: dynamodb.ITable,
  grantee: iam.IGrantable,
  actions: string[],
  leadingKeys: string[],
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [table.tableArn],
    conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
  });
}

function grantIndexActions(
  table: dynamodb.ITable,
  grantee: iam.IGrantable,
  indexName: string,
  ...actions: string[]
): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions,
    resourceArns: [`${table.tableArn}/index/${indexName}`],
  });
}

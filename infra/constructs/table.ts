import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { TABLE_GSIS, TABLE_KEY_SCHEMA, TTL_ATTRIBUTE } from '../../shared/store/table-definition.js';
import { allowedKeys, type DataResource, patternCovers } from '../services/data-ownership.js';
import { serviceOf } from '../services/function-services.js';
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

  /**
   * Allows `actions` on the table's items of the function's service (infra/services/data-ownership.ts):
   * each action limited by `dynamodb:LeadingKeys` to the service's own prefixes and the exceptions
   * declared for it. Never an unconditioned grant.
   */
  grantItemActions(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    return grantData(this, grantee, 'table', actions);
  }

  /**
   * Allows `actions` on the table's items whose partition key matches one of `leadingKeys` (IAM
   * `dynamodb:LeadingKeys` patterns such as `CTR#*`): narrower than the service's prefixes, which must
   * cover each of them (synthesis fails otherwise).
   */
  grantItemActionsOnKeys(grantee: iam.IGrantable, actions: string[], leadingKeys: string[]): iam.Grant {
    return grantData(this, grantee, 'table', actions, leadingKeys);
  }

  /** Allows `actions` (typically `dynamodb:Query`) on one named index, on its service's index keys only. */
  grantIndexActions(grantee: iam.IGrantable, indexName: string, ...actions: string[]): iam.Grant {
    return grantData(this, grantee, indexName as DataResource, actions);
  }
}

/**
 * The one grant builder of table access: `actions` on `resource` (the table or one index) for the service
 * of `grantee`'s handler, each statement conditioned on `ForAllValues:StringLike dynamodb:LeadingKeys`
 * with the patterns that service may use that action on (its own, plus its declared exceptions), or with
 * `leadingKeys` when given, each of which must be among them. Actions allowed on the same patterns share
 * a statement. Stream reads are not table items: `grantStreamRead` stays as it is (no leading key).
 */
export function grantData(
  table: dynamodb.ITable,
  grantee: iam.IGrantable,
  resource: DataResource,
  actions: string[],
  leadingKeys?: string[],
): iam.Grant {
  const entry = (grantee as { entry?: unknown }).entry;
  if (typeof entry !== 'string') throw new Error('table access is granted to payments functions only');
  const service = serviceOf(entry);
  const byKeys = new Map<string, string[]>();
  for (const action of actions) {
    const allowed = allowedKeys(service, resource, action);
    const keys = leadingKeys ?? allowed;
    const outside = keys.filter((k) => !allowed.some((a) => patternCovers(a, k)));
    if (keys.length === 0 || outside.length > 0) {
      throw new Error(
        `${entry} (${service}) may not ${action} on ${resource} keys ${outside.join(', ') || '(none)'}: see infra/services/data-ownership.ts`,
      );
    }
    const id = JSON.stringify(keys);
    byKeys.set(id, [...(byKeys.get(id) ?? []), action]);
  }
  const arn = resource === 'table' ? table.tableArn : `${table.tableArn}/index/${resource}`;
  const grants = [...byKeys].map(([id, grouped]) =>
    iam.Grant.addToPrincipal({
      grantee,
      actions: grouped,
      resourceArns: [arn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': JSON.parse(id) } },
    }),
  );
  return grants.reduce((all, grant) => all.combine(grant));
}

/**
 * The payments table as every service sees it: the foundation's table in its own stack, an import by
 * name and ARNs (read from SSM parameters) in a service's stack, with the same grants (grantData: each service's own keys).
 */
export interface PaymentsTableRef extends dynamodb.ITable {
  /** Allows `actions` on the table's items of the grantee's service (grantData). */
  grantItemActions(grantee: iam.IGrantable, ...actions: string[]): iam.Grant;
  /** Allows `actions` on the items whose partition key matches `leadingKeys`, within its service's. */
  grantItemActionsOnKeys(grantee: iam.IGrantable, actions: string[], leadingKeys: string[]): iam.Grant;
  /** Allows `actions` (typically `dynamodb:Query`) on one named index, on its service's index keys. */
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
      grantData(table, grantee, 'table', actions),
    grantItemActionsOnKeys: (grantee: iam.IGrantable, actions: string[], leadingKeys: string[]) =>
      grantData(table, grantee, 'table', actions, leadingKeys),
    grantIndexActions: (grantee: iam.IGrantable, indexName: string, ...actions: string[]) =>
      grantData(table, grantee, indexName as DataResource, actions),
  });
}

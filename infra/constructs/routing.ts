import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { PaymentsApi } from './api.js';
import type { PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

export interface RoutingProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
}

/** Partition-key prefixes (shared/store/keys.ts): merchant records (the configuration), quota usage shards. */
const ROUTING_CONFIGS = 'ROUTING#*';
const QUOTA_USAGE = 'QUOTA#*';

/**
 * Routing: the ops routes of merchants' routing configurations, and the grants routing adds to
 * create-payment. Beyond the key lookup every keyed route has (GetItem, which also reads the merchant
 * record and the configuration), each grant is limited to the partition-key prefixes it uses
 * (`dynamodb:LeadingKeys`):
 * - PUT configuration: PutItem `ROUTING#<merchant>` / `ROUTING`;
 * - create-payment: BatchGetItem `QUOTA#…` (the shards of a quota's usage, read only when a quota
 *   applies) and UpdateItem `QUOTA#…` (one shard counted inside the create's TransactWriteItems; the
 *   payment's Put is the API's grant). The configuration and the channels' facts it routes by are the
 *   channels' `routing-config` and `channel-facts` functions' answers (CoreStack's useFunction).
 */
export class Routing extends Construct {
  readonly getConfigFunction: PaymentsFunction;
  readonly putConfigFunction: PaymentsFunction;

  constructor(scope: Construct, id: string, props: RoutingProps) {
    super(scope, id);
    const { api, table } = props;
    const environment = { TABLE_NAME: table.tableName };
    const path = '/v1/ops/merchants/{merchantId}/routing';

    this.getConfigFunction = api.addKeyedFunction('GetRoutingConfigFunction', apigw.HttpMethod.GET, path, {
      entry: 'api/get-routing-config',
      environment,
    });

    this.putConfigFunction = api.addKeyedFunction('PutRoutingConfigFunction', apigw.HttpMethod.PUT, path, {
      entry: 'api/put-routing-config',
      environment,
    });
    table.grantItemActionsOnKeys(this.putConfigFunction, ['dynamodb:PutItem'], [ROUTING_CONFIGS]);
  }
}

/**
 * Routing's grants to create-payment (see {@link Routing}), given by the stack that owns the function: a
 * grant from another stack would reference that stack's role.
 */
export function grantRoutingReads(table: PaymentsTableRef, createPayment: PaymentsFunction): void {
  table.grantItemActionsOnKeys(
    createPayment,
    ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
    [QUOTA_USAGE],
  );
}

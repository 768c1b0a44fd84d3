import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { PaymentsApi } from './api.js';
import type { PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

export interface RiskBeforeProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
}

/** Partition-key prefixes (shared/store/keys.ts): risk profiles (with fraud-report days), counters. */
const RISK_PROFILES = 'RISK#*';
const RISK_COUNTERS = 'CTR#*';

/**
 * Risk before: the ops routes of merchants' risk profiles, and the grants the before-checks add to
 * create-payment. Beyond the API key lookup every keyed route has (GetItem, which also reads the
 * merchant record), each grant is limited to the partition-key prefixes the function uses
 * (`dynamodb:LeadingKeys`):
 * - GET profile: Query `RISK#<merchant>` (the profile and the fraud-report days of its rating);
 * - PUT profile: PutItem `RISK#<merchant>` / `RISK_PROFILE`;
 * - create-payment: UpdateItem `CTR#…` (the counted limits' counters, inside the create's
 *   TransactWriteItems; the payment's Put is the API's grant) and BatchGetItem `CTR#…` (the daily
 *   amount's shards, read when a piece found no room). It reads no `RISK#…`: the profile it applies is
 *   risk's `merchant-risk-profile` function's answer, and a refusal is counted in the merchant's daily
 *   risk summary (`RISKSUM#…`) by risk's `count-refusal` function, both invoked by create-payment
 *   (CoreStack), not by create-payment itself.
 */
export class RiskBefore extends Construct {
  readonly getProfileFunction: PaymentsFunction;
  readonly putProfileFunction: PaymentsFunction;

  constructor(scope: Construct, id: string, props: RiskBeforeProps) {
    super(scope, id);
    const { api, table } = props;
    const environment = { TABLE_NAME: table.tableName };
    const grant = (fn: PaymentsFunction, actions: string[], leadingKeys: string[]) =>
      table.grantItemActionsOnKeys(fn, actions, leadingKeys);
    const path = '/v1/ops/merchants/{merchantId}/risk-profile';

    this.getProfileFunction = api.addKeyedFunction('GetRiskProfileFunction', apigw.HttpMethod.GET, path, {
      entry: 'api/get-risk-profile',
      environment,
    });
    grant(this.getProfileFunction, ['dynamodb:Query'], [RISK_PROFILES]);

    this.putProfileFunction = api.addKeyedFunction('PutRiskProfileFunction', apigw.HttpMethod.PUT, path, {
      entry: 'api/put-risk-profile',
      environment,
    });
    grant(this.putProfileFunction, ['dynamodb:PutItem'], [RISK_PROFILES]);
  }
}

/**
 * The before-checks' grants to create-payment (see {@link RiskBefore}), given by the stack that owns the
 * function: a grant from another stack would reference that stack's role.
 */
export function grantRiskBeforeChecks(table: PaymentsTableRef, createPayment: PaymentsFunction): void {
  table.grantItemActionsOnKeys(
    createPayment,
    ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
    [RISK_COUNTERS],
  );
}

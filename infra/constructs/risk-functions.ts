import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { stageOf } from '../stages.js';
import type { Monitoring } from './monitoring.js';
import { EVENT_MEMORY_MB, PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

export interface RiskFunctionsProps {
  readonly table: PaymentsTableRef;
  readonly monitoring: Monitoring;
}

/** Partition-key prefixes (shared/store/keys.ts, risk-keys.ts) of what each function changes. */
const HOLDS = 'HOLD#*';
const SUMMARIES = 'RISKSUM#*';
const PROFILES = 'RISK#*';

/** `rate-merchant`'s name, fixed per stage: the gateway invokes it by name ({@link useRateMerchant}). */
export const rateMerchantFunctionName = (stage: string) => `payments-${stage}-risk-rate-merchant`;

/**
 * Lets `grantee` (the gateway's merchant review) invoke risk's `rate-merchant` (its `live` alias) by its
 * name rather than by the SSM parameter `useFunction` reads: the gateway deploys before risk (risk's
 * routes send their usage lines to the gateway's aggregator, whose ARN risk reads when it deploys), so
 * reading a parameter risk writes would make the deploy order a cycle. Until risk is deployed the review
 * answers 500 for an approval; nothing is approved unrated.
 */
export function useRateMerchant(grantee: PaymentsFunction, environmentVariable: string): void {
  const arn = Stack.of(grantee).formatArn({
    service: 'lambda',
    resource: 'function',
    resourceName: `${rateMerchantFunctionName(stageOf(grantee).name)}:live`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  grantee.addEnvironment(environmentVariable, arn);
  grantee.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [arn] }));
}

/**
 * Risk's internal functions: what other services ask of risk's items instead of writing them
 * (shared/schemas/risk-functions.ts holds their contracts). The risk stack exposes each one
 * (`exposeFunction`); a caller's stack grants its function the invoke (`useFunction`). Each is granted
 * only the risk items it changes, as the risk service (grantData).
 * - set-holds: UpdateItem `HOLD#…` (ADD / DELETE of a discrepancy among a payment's hold reasons),
 *   invoked by reconciliation's run (per batch of findings) and resolve route (per request).
 * - count-refusal: PutItem and UpdateItem `RISKSUM#…` (a TransactWriteItems of the refusal's marker and
 *   the summary's `ADD`), invoked asynchronously by create-payment per risk refusal.
 * - rate-merchant: GetItem and PutItem `RISK#…` (the profile read, then stored rated), invoked
 *   synchronously by the gateway's merchant review before an approval.
 */
export class RiskFunctions extends Construct {
  readonly setHolds: PaymentsFunction;
  readonly countRefusal: PaymentsFunction;
  readonly rateMerchant: PaymentsFunction;

  constructor(scope: Construct, id: string, props: RiskFunctionsProps) {
    super(scope, id);
    const { table, monitoring } = props;
    const fn = (name: string, entry: string, description: string) => {
      const created = new PaymentsFunction(this, name, {
        entry,
        description,
        // A caller waits on the synchronous ones: a batch of writes takes well under a second.
        timeout: Duration.seconds(10),
        memorySize: EVENT_MEMORY_MB,
        environment: { TABLE_NAME: table.tableName },
      });
      monitoring.watchFunction(created);
      return created;
    };

    this.setHolds = fn(
      'SetHoldsFunction',
      'internal/set-holds',
      'Holds payments out of settlement, or releases them, for discrepancies (asked by reconciliation)',
    );
    table.grantItemActionsOnKeys(this.setHolds, ['dynamodb:UpdateItem'], [HOLDS]);

    this.countRefusal = fn(
      'CountRefusalFunction',
      'internal/count-refusal',
      "Counts a payment refused by the before-checks in its merchant's daily risk summary, once",
    );
    table.grantItemActionsOnKeys(this.countRefusal, ['dynamodb:PutItem', 'dynamodb:UpdateItem'], [SUMMARIES]);
    // Lambda's defaults for an asynchronous invocation of `live` (what create-payment invokes), stated:
    // two retries, and an event kept up to 6 h (shorter than the refusal's marker, 2 days).
    this.countRefusal.invocable.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });

    this.rateMerchant = fn(
      'RateMerchantFunction',
      'internal/rate-merchant',
      "Stores an approved merchant's risk profile with its initial rating's limits (asked by the gateway)",
    );
    (this.rateMerchant.node.defaultChild as lambda.CfnFunction).functionName = rateMerchantFunctionName(
      stageOf(this).name,
    );
    table.grantItemActionsOnKeys(this.rateMerchant, ['dynamodb:GetItem', 'dynamodb:PutItem'], [PROFILES]);
  }
}

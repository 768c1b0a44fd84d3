import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
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
    table.grantItemActionsOnKeys(this.rateMerchant, ['dynamodb:GetItem', 'dynamodb:PutItem'], [PROFILES]);
  }
}

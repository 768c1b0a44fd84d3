import { Construct } from 'constructs';
import type { Monitoring } from './monitoring.js';
import { EVENT_MEMORY_MB, PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

/** The name other services use it by (`useFunction('core', RISK_DECISIONS_FUNCTION, …)`). */
export const RISK_DECISIONS_FUNCTION = 'apply-risk-decisions';
/** The environment variable its callers find its ARN in (risk's consumer and review route). */
export const RISK_DECISIONS_ARN_ENV = 'APPLY_RISK_DECISIONS_FUNCTION_ARN';

export interface RiskDecisionWritesProps {
  readonly table: PaymentsTableRef;
  readonly monitoring: Monitoring;
}

/**
 * Core's function that writes risk's decisions on the payments core owns (functions/internal/
 * apply-risk-decisions.ts): the assessment and its effect, ops' review, and the full refund a rejected
 * succeeded payment is owed. Invoked by risk's consumer once per batch and by the review route once per
 * request; at the event consumers' size (EVENT_MEMORY_MB): its time goes to DynamoDB round trips.
 */
export class RiskDecisionWrites extends Construct {
  readonly fn: PaymentsFunction;

  constructor(scope: Construct, id: string, props: RiskDecisionWritesProps) {
    super(scope, id);
    this.fn = new PaymentsFunction(this, 'ApplyRiskDecisionsFunction', {
      entry: 'internal/apply-risk-decisions',
      description: "Applies risk's assessments and ops reviews to payments (hold, cancel, refund)",
      memorySize: EVENT_MEMORY_MB,
      environment: { TABLE_NAME: props.table.tableName },
    });
    // The payment's read (a redelivered assessment, a review), its guarded updates, and the refund's
    // transaction (refund request and refund: Put; the payment: Update), all on payment partitions.
    props.table.grantItemActionsOnKeys(
      this.fn,
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      ['OBJ#*'],
    );
    props.monitoring.watchFunction(this.fn);
  }
}

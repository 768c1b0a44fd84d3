import { Construct } from 'constructs';
import { EVENT_MEMORY_MB, PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

/** The name core publishes its channel outcomes function under (ServiceStack.exposeFunction). */
export const APPLY_CHANNEL_OUTCOMES = 'apply-channel-outcomes';
/** Where a caller finds it (shared/config/env.ts applyOutcomesEnvSchema). */
export const APPLY_CHANNEL_OUTCOMES_ENV = 'APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN';

/** Props of {@link ChannelOutcomes}. */
export interface ChannelOutcomesProps {
  readonly table: PaymentsTableRef;
}

/**
 * Core's function that applies what the channels learn about payments and refunds (their outcomes, and the
 * dispatcher's and checks' failures and failovers), invoked by the channels service and reconciliation's
 * repairs: the payment is core's, so its guarded writes need core's grants only.
 *
 * 256 MB (EVENT_MEMORY_MB): its time goes to one or two DynamoDB round trips per operation, which more
 * CPU does not shorten; the callback is the one caller a client (the channel) waits on, and it waits on
 * those round trips either way.
 */
export class ChannelOutcomes extends Construct {
  readonly applyFunction: PaymentsFunction;

  constructor(scope: Construct, id: string, props: ChannelOutcomesProps) {
    super(scope, id);
    const { table } = props;
    this.applyFunction = new PaymentsFunction(this, 'ApplyChannelOutcomesFunction', {
      entry: 'internal/apply-channel-outcomes',
      description: "Apply the channels' outcomes, failures and failovers to payments and refunds",
      memorySize: EVENT_MEMORY_MB,
      environment: { TABLE_NAME: table.tableName },
    });
    // The guarded transitions (UpdateItem; a refund's release and a failover with a quota are transactions
    // authorized by these per-item actions), the mismatch and conflict records (PutItem), the object read
    // when a guard failed (GetItem) and a cumulative notify's refunds (Query), all under OBJ#.
    table.grantItemActionsOnKeys(
      this.applyFunction,
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      ['OBJ#*'],
    );
    // A failover of a payment counted against a channel's quota moves the count in the same transaction.
    table.grantItemActionsOnKeys(this.applyFunction, ['dynamodb:UpdateItem'], ['QUOTA#*']);
  }
}

import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { PaymentsApi } from './api.js';
import type { PaymentsFunction, PaymentsFunctionProps } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

/**
 * The part of the event backbone (events.ts) this construct uses: a rule → queue (+DLQ, alarm) →
 * function. Structural, so risk control depends on the backbone's API and not on its internals.
 */
export interface EventConsumerFactory {
  addConsumer(
    id: string,
    props: Pick<PaymentsFunctionProps, 'entry' | 'description' | 'environment'> & {
      readonly detailTypes: readonly 'PaymentCreated'[];
      readonly batchSize?: number;
      readonly maxBatchingWindow?: Duration;
    },
  ): { readonly fn: PaymentsFunction };
}

export interface RiskControlProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
  readonly events: EventConsumerFactory;
}

/**
 * The key prefixes (partition keys) each kind of item lives under (shared/store/keys.ts, risk-keys.ts).
 * A fraud report is stored at its Idempotency-Key's slot, an `OBJ#` key (PutItem only: the slot
 * exception of infra/services/data-ownership.ts); no risk function reads core's `OBJ#` items.
 */
const IDEMPOTENCY_SLOTS = 'OBJ#*';
/** Merchants' risk profiles and their fraud-report days (not the gateway's merchant records). */
const RISK_PROFILES = 'RISK#*';
const RISK_ITEMS = ['RISKVEL#*', 'RISKCUS#*', 'RISKSUM#*'];
/** How long the risk queue's pollers gather a batch (see the consumer below). */
const RISK_BATCHING_WINDOW = Duration.seconds(1);
/** The settlement hold registry (a held payment is out of settlement until ops release it). */
const HOLDS = 'HOLD#*';

/**
 * Risk during and after: the consumer that scores payments from the bus (rule: PaymentCreated; see
 * functions/events/risk.ts for why no other event is needed), and the risk routes: ops review of held payments, merchant fraud reports, ops daily
 * summary. Every grant is per function and, beyond the API key lookup every keyed route has, limited to
 * the partition-key prefixes the function writes or reads (`dynamodb:LeadingKeys`).
 */
export class RiskControl extends Construct {
  readonly consumerFunction: PaymentsFunction;
  readonly reviewFunction: PaymentsFunction;
  readonly fraudReportFunction: PaymentsFunction;
  readonly summaryFunction: PaymentsFunction;

  constructor(scope: Construct, id: string, props: RiskControlProps) {
    super(scope, id);
    const { api, table, events } = props;
    const environment = { TABLE_NAME: table.tableName };
    const grant = (fn: PaymentsFunction, actions: string[], leadingKeys: string[]) =>
      table.grantItemActionsOnKeys(fn, actions, leadingKeys);

    this.consumerFunction = events.addConsumer('Risk', {
      entry: 'events/risk',
      description: 'PaymentCreated: score the payment; hold, cancel or refund it',
      detailTypes: ['PaymentCreated'],
      environment,
      // Up to a second more before a payment is assessed (it stays `processing` meanwhile; a rejection
      // cancels or refunds it either way) for full batches at volume: one invocation, one delete, one
      // profile read and one summary write per merchant for 10 payments instead of each.
      maxBatchingWindow: RISK_BATCHING_WINDOW,
    }).fn;
    // Counters' BatchGetItem (and a GetItem on a redelivery), profile Query; the counters (one
    // version-guarded PutItem each), the summary and the review holds. The payment is scored as its event
    // carries it (never read); the decision itself, its effect and the automatic refund are written by
    // core's function (infra/stacks/services.ts, useFunction).
    grant(this.consumerFunction, ['dynamodb:GetItem'], [RISK_PROFILES, ...RISK_ITEMS]);
    grant(this.consumerFunction, ['dynamodb:BatchGetItem', 'dynamodb:Query'], [RISK_PROFILES, ...RISK_ITEMS]);
    grant(this.consumerFunction, ['dynamodb:PutItem', 'dynamodb:UpdateItem'], [...RISK_ITEMS, HOLDS]);

    this.reviewFunction = api.addKeyedFunction(
      'ReviewPaymentFunction',
      apigw.HttpMethod.POST,
      '/v1/ops/payments/{id}/review',
      {
        entry: 'api/review-payment',
        environment,
      },
    );
    // The review hold kept in step with ops' decision, which core's function writes on the payment (and
    // the refund a reject of a succeeded payment is owed).
    grant(this.reviewFunction, ['dynamodb:UpdateItem'], [HOLDS]);
    // A payment's events (the console's timeline) on the same function: derived by core's function from
    // the payment and its refunds (infra/stacks/services.ts, useFunction), nothing read here.
    api.addKeyedRoute(apigw.HttpMethod.GET, '/v1/ops/payments/{id}/events', this.reviewFunction);

    this.fraudReportFunction = api.addKeyedFunction(
      'CreateFraudReportFunction',
      apigw.HttpMethod.POST,
      '/v1/payments/{id}/fraud-reports',
      {
        entry: 'api/create-fraud-report',
        environment,
      },
    );
    // The report at its slot with the rating's day counter (one transaction); the blocklist appends. The
    // reported payment's customer comes from core's function (infra/stacks/services.ts, useFunction).
    grant(this.fraudReportFunction, ['dynamodb:PutItem'], [IDEMPOTENCY_SLOTS, RISK_PROFILES]);
    grant(this.fraudReportFunction, ['dynamodb:UpdateItem', 'dynamodb:Query'], [RISK_PROFILES]);

    this.summaryFunction = api.addKeyedFunction(
      'GetRiskSummaryFunction',
      apigw.HttpMethod.GET,
      '/v1/ops/merchants/{merchantId}/risk-summary',
      {
        entry: 'api/get-risk-summary',
        environment,
      },
    );
    // GetItem only (merchant record and the day's summary), which the keyed route already grants.
  }
}

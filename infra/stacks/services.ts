import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { FLOW_METRICS_NAMESPACE } from '../../shared/http/rate-limit.js';
import { ChannelHealth } from '../constructs/channel-health.js';
import { ChannelSecrets, VENDOR_CHANNELS, type VendorChannel } from '../constructs/channel-secrets.js';
import { Channels } from '../constructs/channels.js';
import { OutboxPublisher } from '../constructs/events.js';
import {
  APPLY_CHANNEL_OUTCOMES,
  APPLY_CHANNEL_OUTCOMES_ENV,
  APPLY_CHANNEL_OUTCOMES_FUNCTION,
  APPLY_RISK_DECISIONS,
  CHANNEL_DAY_OUTCOMES,
  CHANNEL_FACTS,
  CHANNEL_FEES,
  CHANNEL_HEALTH_SUMMARY,
  COUNT_REFUSAL,
  FLOW_LEASE,
  HELD_PAYMENTS,
  HOLD_COUNTS,
  INTERNAL_READS,
  MERCHANT_REGISTRY,
  MERCHANT_RISK_PROFILE,
  OBJECT_STATES,
  OPEN_DISCREPANCIES,
  PAYMENT_CUSTOMER,
  PAYMENT_EVENTS,
  RATE_MERCHANT,
  REVIEW_QUEUE,
  RISK_DECISIONS_ARN_ENV,
  RISK_DECISIONS_FUNCTION,
  ROUTING_CONFIG,
  SET_HOLDS,
  SETTLEMENT_LINES,
} from '../constructs/internal-functions.js';
import { Merchants } from '../constructs/merchants.js';
import { addGatewayRoutes, addPaymentRoutes } from '../constructs/payment-routes.js';
import type { PaymentsFunction } from '../constructs/payments-function.js';
import { Reconciliation } from '../constructs/reconciliation.js';
import { grantRiskBeforeChecks, RiskBefore } from '../constructs/risk.js';
import { RiskControl } from '../constructs/risk-consumer.js';
import { grantRoutingReads, Routing } from '../constructs/routing.js';
import { Settlement } from '../constructs/settlement.js';
import { Usage } from '../constructs/usage.js';
import { MerchantWebhooks } from '../constructs/webhooks.js';
import { readParameter, writeParameter } from './parameters.js';
import { ServiceStack, type ServiceStackProps, USAGE_AGGREGATOR_ARN } from './service-stack.js';

/** The settlement state machine's ARN, for the dashboard. */
export const SETTLEMENT_STATE_MACHINE_ARN = 'state-machine-arn';
const secretArnName = (channel: VendorChannel) => `secrets/${channel}-arn`;

/**
 * Core payments: the payments API (create, get, list, refund, the ops reads of payments), the `$default`
 * route, and the transactional outbox's publisher (table stream → bus).
 */
export class CoreStack extends ServiceStack {
  readonly publisher: OutboxPublisher;

  constructor(scope: Construct, id: string, props?: ServiceStackProps) {
    super(scope, id, 'core', { ...props, tableStream: true, busAccess: { busName: true, busArn: true } });
    const { createPayment, opsPayments } = addPaymentRoutes(this.api, this.table);
    // The ops search's `risk=review` pages come from risk's review queue.
    this.useFunction('risk', INTERNAL_READS.reviewQueue, opsPayments, 'REVIEW_QUEUE_FUNCTION_ARN');
    // What routing and the risk before-checks count while a payment is created (core's transaction).
    grantRoutingReads(this.table, createPayment);
    grantRiskBeforeChecks(this.table, createPayment);
    // What they read of risk's and the channels' items is asked of their functions (on cache misses).
    this.useFunction(
      'risk',
      INTERNAL_READS.merchantRiskProfile,
      createPayment,
      'MERCHANT_RISK_PROFILE_FUNCTION_ARN',
    );
    this.useFunction('channels', INTERNAL_READS.routingConfig, createPayment, 'ROUTING_CONFIG_FUNCTION_ARN');
    this.useFunction('channels', INTERNAL_READS.channelFacts, createPayment, 'CHANNEL_FACTS_FUNCTION_ARN');
    // A refusal of the before-checks is counted in risk's daily summary by risk's function (asynchronous).
    this.useFunction('risk', 'count-refusal', createPayment, 'COUNT_REFUSAL_FUNCTION_ARN');
    this.api.addNoRoute();
    this.publisher = new OutboxPublisher(this, 'Events', {
      table: this.table,
      bus: this.bus,
      monitoring: this.monitoring,
    });
    const dlq = this.shareQueue('publisher-dlq', this.publisher.publisherDeadLetterQueue);
    this.deadLetterQueues.push({ name: 'publisher', queue: dlq, sources: [] });
    // Risk's decisions on payments, written by core (the payment and its refunds are core's).
    this.internalFunction(APPLY_RISK_DECISIONS);
    // What settlement and reconciliation read of core's items, answered page by page.
    this.internalFunction(SETTLEMENT_LINES);
    this.internalFunction(CHANNEL_DAY_OUTCOMES);
    // What risk reads of payments: a reported payment's customer, a payment's events (the ops timeline).
    this.internalFunction(PAYMENT_CUSTOMER);
    this.internalFunction(PAYMENT_EVENTS);
    // Where payments and refunds stand, for the channels' dispatcher and checks (once per batch).
    this.internalFunction(OBJECT_STATES);
    // The channels' outcomes reach the payment through core's own function (channels and reconciliation).
    this.internalFunction(APPLY_CHANNEL_OUTCOMES_FUNCTION);
    this.finish();
  }
}

/**
 * Channels: the channel callbacks, the dispatcher (table stream → PSP), delayed channel checks, routing
 * configuration, channel health and breakers, and the vendor channels' secrets.
 */
export class ChannelsStack extends ServiceStack {
  readonly channels: Channels;
  readonly channelHealth: ChannelHealth;

  constructor(scope: Construct, id: string, props?: ServiceStackProps) {
    super(scope, id, 'channels', { ...props, tableStream: true });
    this.channels = new Channels(this, 'Channels', { api: this.api, table: this.table });
    const { channels, monitoring } = this;
    for (const fn of [channels.callbackFunction, channels.dispatchFunction, channels.checkFunction]) {
      monitoring.watchFunction(fn);
      this.useFunction('core', APPLY_CHANNEL_OUTCOMES, fn, APPLY_CHANNEL_OUTCOMES_ENV);
    }
    // Where the payments and refunds they submit or check stand: core's function, asked once per batch.
    for (const fn of [channels.dispatchFunction, channels.checkFunction])
      this.useFunction('core', INTERNAL_READS.objectStates, fn, 'OBJECT_STATES_FUNCTION_ARN');
    monitoring.watchStreamConsumer(
      'DispatchIteratorAgeAlarm',
      channels.dispatchFunction,
      'The channel dispatcher lags behind the table stream: new payments wait.',
    );
    monitoring.watchDeadLetterQueue(channels.dispatchDeadLetterQueue);
    monitoring.watchDeadLetterQueue(channels.checksDeadLetterQueue);
    new Routing(this, 'Routing', { api: this.api, table: this.table });
    // The channels' fee schedules, for settlement.
    this.internalFunction(CHANNEL_FEES);
    // What routing at create (core's create-payment) reads of the channels' items.
    this.internalFunction(ROUTING_CONFIG);
    this.internalFunction(CHANNEL_FACTS);
    this.channelHealth = new ChannelHealth(this, 'ChannelHealth', {
      api: this.api,
      table: this.table,
      events: this.events,
      monitoring,
    });
    this.internalFunction(CHANNEL_HEALTH_SUMMARY);
    for (const channel of VENDOR_CHANNELS)
      writeParameter(this, 'channels', secretArnName(channel), channels.secrets.secrets[channel].secretArn);

    const checks = this.shareQueue('channel-checks', channels.checksQueue);
    this.queues.push(checks);
    this.deadLetterQueues.push(
      {
        name: 'dispatch',
        queue: this.shareQueue('dispatch-dlq', channels.dispatchDeadLetterQueue),
        sources: [],
      },
      {
        name: 'channel-checks',
        queue: this.shareQueue('channel-checks-dlq', channels.checksDeadLetterQueue),
        sources: [checks],
      },
    );
    this.finish();
  }
}

/** Risk: the risk consumer, the ops review, fraud reports, summaries, and pre-authorization profiles. */
export class RiskStack extends ServiceStack {
  constructor(scope: Construct, id: string, props?: ServiceStackProps) {
    super(scope, id, 'risk', props);
    const risk = new RiskControl(this, 'Risk', { api: this.api, table: this.table, events: this.events });
    // Its decisions on payments are written by core's function (risk keeps its own items).
    for (const fn of [risk.consumerFunction, risk.reviewFunction])
      this.useFunction('core', RISK_DECISIONS_FUNCTION, fn, RISK_DECISIONS_ARN_ENV);
    // What it needs of payments, answered by core: a fraud report's payment, a payment's ops timeline.
    this.useFunction(
      'core',
      INTERNAL_READS.paymentCustomer,
      risk.fraudReportFunction,
      'PAYMENT_CUSTOMER_FUNCTION_ARN',
    );
    this.useFunction(
      'core',
      INTERNAL_READS.paymentEvents,
      risk.reviewFunction,
      'PAYMENT_EVENTS_FUNCTION_ARN',
    );
    new RiskBefore(this, 'RiskBefore', { api: this.api, table: this.table });
    this.internalFunction(HOLD_COUNTS);
    this.internalFunction(HELD_PAYMENTS);
    this.internalFunction(REVIEW_QUEUE);
    // The profile create-payment's before-checks apply (core).
    this.internalFunction(MERCHANT_RISK_PROFILE);
    // What other services ask to change of risk's items (shared/schemas/risk-functions.ts).
    this.internalFunction(SET_HOLDS);
    // Lambda's defaults for an asynchronous invocation of `live` (what create-payment invokes), stated:
    // two retries, and an event kept up to 6 h (shorter than the refusal's marker, 2 days).
    this.internalFunction(COUNT_REFUSAL).invocable.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    this.internalFunction(RATE_MERCHANT);
    this.finish();
  }
}

/** Reconciliation: statements, runs against the channels' statements, discrepancies. */
export class ReconciliationStack extends ServiceStack {
  readonly reconciliation: Reconciliation;

  constructor(scope: Construct, id: string, props?: ServiceStackProps) {
    super(scope, id, 'reconciliation', props);
    const arns = Object.fromEntries(
      VENDOR_CHANNELS.map((c) => [c, readParameter(this, 'channels', secretArnName(c))]),
    ) as Record<VendorChannel, string>;
    this.reconciliation = new Reconciliation(this, 'Reconciliation', {
      api: this.api,
      table: this.table,
      events: this.events,
      channelSecrets: new ChannelSecrets(this, 'ChannelSecrets', arns),
    });
    // Core's applied outcomes of a channel-day, for the run consumer.
    this.useFunction(
      'core',
      INTERNAL_READS.channelDayOutcomes,
      this.reconciliation.runs.fn,
      'CHANNEL_DAY_OUTCOMES_FUNCTION_ARN',
    );
    this.internalFunction(OPEN_DISCREPANCIES);
    // Holds and releases of payments with discrepancies: risk's hold registry, through its function.
    for (const fn of [this.reconciliation.runs.fn, this.reconciliation.resolveFunction])
      this.useFunction('risk', 'set-holds', fn, 'SET_HOLDS_FUNCTION_ARN');
    // A repair applies the channel's outcome through core's function.
    this.useFunction('core', APPLY_CHANNEL_OUTCOMES, this.reconciliation.runs.fn, APPLY_CHANNEL_OUTCOMES_ENV);
    this.finish();
  }
}

/** Settlement: the state machine, its daily schedule, its routes. */
export class SettlementStack extends ServiceStack {
  readonly settlement: Settlement;

  constructor(scope: Construct, id: string, props?: ServiceStackProps) {
    super(scope, id, 'settlement', { ...props, busAccess: { busName: false, busArn: true } });
    this.settlement = new Settlement(this, 'Settlement', {
      api: this.api,
      table: this.table,
      events: this.events,
      monitoring: this.monitoring,
    });
    writeParameter(
      this,
      'settlement',
      SETTLEMENT_STATE_MACHINE_ARN,
      this.settlement.stateMachine.stateMachineArn,
    );
    // Core's line items, for the settle task and the settlement CSV.
    for (const fn of [this.settlement.settleFunction, this.settlement.getSettlementFunction])
      this.useFunction('core', INTERNAL_READS.settlementLines, fn, 'SETTLEMENT_LINES_FUNCTION_ARN');
    // The channels' fees, which price each line item.
    this.useFunction(
      'channels',
      INTERNAL_READS.channelFees,
      this.settlement.settleFunction,
      'CHANNEL_FEES_FUNCTION_ARN',
    );
    // The payments a settle leaves out: risk's hold registry.
    this.useFunction(
      'risk',
      INTERNAL_READS.heldPayments,
      this.settlement.settleFunction,
      'HELD_PAYMENTS_FUNCTION_ARN',
    );
    // The merchants a run settles: the gateway's registry of approved merchants.
    this.useFunction(
      'gateway',
      INTERNAL_READS.merchantRegistry,
      this.settlement.startFunction,
      'MERCHANT_REGISTRY_FUNCTION_ARN',
    );
    this.finish();
  }
}

/** Merchant webhooks: endpoints, deliveries (the bus → each merchant's endpoints). */
export class WebhooksStack extends ServiceStack {
  constructor(scope: Construct, id: string, props?: ServiceStackProps) {
    super(scope, id, 'webhooks', props);
    new MerchantWebhooks(this, 'Webhooks', { api: this.api, table: this.table, events: this.events });
    this.finish();
  }
}

/**
 * The gateway: merchants and their API keys, flow limits, request signing, usage metering and billing.
 * Its usage aggregator receives the usage lines of every stack's keyed routes.
 */
export class GatewayStack extends ServiceStack {
  readonly usage: Usage;

  constructor(scope: Construct, id: string, props?: ServiceStackProps) {
    super(scope, id, 'gateway', props);
    addGatewayRoutes(this.api, this.table);
    const merchants = new Merchants(this, 'Merchants', { api: this.api, table: this.table });
    this.internalFunction(MERCHANT_REGISTRY);
    // The leases of the other services' merchant routes from the merchants' token buckets.
    this.internalFunction(FLOW_LEASE);
    // An approval's risk profile: rated by risk's function.
    this.useFunction(
      'risk',
      'rate-merchant',
      merchants.functions.ReviewMerchant as PaymentsFunction,
      'RATE_MERCHANT_FUNCTION_ARN',
    );
    this.usage = new Usage(this, 'Usage', { api: this.api, table: this.table, monitoring: this.monitoring });
    writeParameter(this, 'gateway', USAGE_AGGREGATOR_ARN, this.usage.aggregator.invocable.functionArn);
    const replay = this.shareQueue('usage-aggregator', this.usage.replayQueue);
    this.deadLetterQueues.push({
      name: 'usage-aggregator',
      queue: this.shareQueue('usage-aggregator-dlq', this.usage.deadLetterQueue),
      sources: [replay],
      redriveTo: replay,
    });
    // Flow control fails open when its store (or flow-lease) cannot be reached (shared/http/rate-limit.ts): say so.
    this.monitoring.watchCount(
      'FlowStoreErrorsAlarm',
      new cloudwatch.Metric({
        namespace: FLOW_METRICS_NAMESPACE,
        metricName: 'FlowStoreErrors',
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.SUM,
      }),
      'Flow control could not reach its store: merchants are not rate limited while it lasts (requests are admitted).',
    );
    this.finish(this.usage.aggregator.invocable);
  }
}

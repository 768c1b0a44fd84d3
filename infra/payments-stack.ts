import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { FLOW_METRICS_NAMESPACE } from '../shared/http/rate-limit.js';
import { PaymentsApi } from './constructs/api.js';
import { ChannelHealth } from './constructs/channel-health.js';
import { Channels } from './constructs/channels.js';
import { OpsConsole } from './constructs/console.js';
import { DeadLetters } from './constructs/dead-letters.js';
import { Events } from './constructs/events.js';
import { Merchants } from './constructs/merchants.js';
import { Monitoring } from './constructs/monitoring.js';
import { Reconciliation } from './constructs/reconciliation.js';
import { RiskBefore } from './constructs/risk.js';
import { RiskControl } from './constructs/risk-consumer.js';
import { Routing } from './constructs/routing.js';
import { Settlement } from './constructs/settlement.js';
import { PaymentsTable } from './constructs/table.js';
import { Usage } from './constructs/usage.js';
import { MerchantWebhooks } from './constructs/webhooks.js';

/**
 * The whole payments system in one stack: table, HTTP API, channel callbacks and dispatch, the event
 * backbone (stream → bus → queues → consumers), alarms.
 * One stack keeps cross-references plain `Ref`/`GetAtt` that the local runtime can resolve itself.
 */
export class PaymentsStack extends Stack {
  readonly table: PaymentsTable;
  readonly api: PaymentsApi;
  readonly channels: Channels;
  readonly monitoring: Monitoring;
  /** The event backbone; other constructs add their consumers with `events.addConsumer(...)`. */
  readonly events: Events;
  readonly reconciliation: Reconciliation;
  readonly settlement: Settlement;
  readonly channelHealth: ChannelHealth;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new PaymentsTable(this, 'Table');
    this.api = new PaymentsApi(this, 'Api', { table: this.table });
    this.channels = new Channels(this, 'Channels', { api: this.api, table: this.table });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      httpApi: this.api.httpApi,
      stage: this.api.stage,
      apiFunctions: this.api.functions,
      functions: [
        this.channels.callbackFunction,
        this.channels.dispatchFunction,
        this.channels.checkFunction,
      ],
      streamConsumer: this.channels.dispatchFunction,
      deadLetterQueues: [this.channels.dispatchDeadLetterQueue, this.channels.checksDeadLetterQueue],
    });
    this.events = new Events(this, 'Events', { table: this.table, monitoring: this.monitoring });
    new RiskControl(this, 'Risk', { api: this.api, table: this.table, events: this.events });
    new MerchantWebhooks(this, 'Webhooks', { api: this.api, table: this.table, events: this.events });
    new RiskBefore(this, 'RiskBefore', { api: this.api, table: this.table });
    new Routing(this, 'Routing', { api: this.api, table: this.table });
    new Merchants(this, 'Merchants', { api: this.api, table: this.table });
    new OpsConsole(this, 'Console', { api: this.api });
    this.reconciliation = new Reconciliation(this, 'Reconciliation', {
      api: this.api,
      table: this.table,
      events: this.events,
      channelSecrets: this.channels.secrets,
    });
    this.settlement = new Settlement(this, 'Settlement', {
      api: this.api,
      table: this.table,
      events: this.events,
      monitoring: this.monitoring,
    });
    this.channelHealth = new ChannelHealth(this, 'ChannelHealth', {
      api: this.api,
      table: this.table,
      events: this.events,
      monitoring: this.monitoring,
    });
    // Meters every keyed route, those added above and below (it subscribes to routes as they are added).
    const usage = new Usage(this, 'Usage', { api: this.api, table: this.table, monitoring: this.monitoring });
    new DeadLetters(this, 'DeadLetters', {
      api: this.api,
      table: this.table,
      channels: this.channels,
      events: this.events,
      usage,
    });

    // Constructs created after Monitoring (risk, webhooks: create them above this line) may add API routes;
    // their functions join the dashboard here, their failures paged as API 5xx (watching twice does nothing).
    for (const fn of this.api.functions) this.monitoring.watchFunction(fn, { alarm: false });
    // Flow control fails open when its store cannot be reached (shared/http/rate-limit.ts): say so.
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

    this.monitoring.addOpsRows({
      queues: [...this.events.consumers.map((c) => c.queue), this.channels.checksQueue],
      settlement: this.settlement.stateMachine,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the payments API' });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description: 'The payments event bus',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The payments table' });
  }
}

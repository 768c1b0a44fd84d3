import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { OpsConsole } from '../constructs/console.js';
import { DeadLetters } from '../constructs/dead-letters.js';
import { INTERNAL_READS } from '../constructs/internal-functions.js';
import { ApiDashboard } from '../constructs/monitoring.js';
import { readParameter } from './parameters.js';
import {
  type DeadLetterQueueRef,
  importQueue,
  type QueueRef,
  ServiceStack,
  type ServiceStackProps,
} from './service-stack.js';
import { SETTLEMENT_STATE_MACHINE_ARN } from './services.js';

export interface ConsoleStackProps extends ServiceStackProps {
  /** Every dead-letter queue of the app (computed at app level from the service stacks). */
  readonly deadLetterQueues: readonly DeadLetterQueueRef[];
  /** Every consumer queue of the app, for the dashboard. */
  readonly queues: readonly QueueRef[];
}

/**
 * The ops console: its assets route, the ops overview and dead-letter routes over every service's DLQs,
 * the API's alarms (5xx, the create SLO) and the stage's dashboard. Other services' queues and state
 * machine are imported from their SSM parameters.
 */
export class ConsoleStack extends ServiceStack {
  readonly deadLetters: DeadLetters;
  readonly dashboard: ApiDashboard;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, 'console', props);
    new OpsConsole(this, 'Console', { api: this.api });
    const imported = new Map<string, sqs.IQueue>();
    // A DLQ's URL is read (the ops routes receive from it); other queues need their name and ARN only.
    const dlqs = new Set(props.deadLetterQueues.map((d) => `${d.queue.service}/${d.queue.key}`));
    const queue = (ref: QueueRef) => {
      const key = `${ref.service}/${ref.key}`;
      if (!imported.has(key)) imported.set(key, importQueue(this, ref, { url: dlqs.has(key) }));
      return imported.get(key) as sqs.IQueue;
    };
    const entries = props.deadLetterQueues.map((d) => ({
      name: d.name,
      queue: queue(d.queue),
      sources: d.sources.map(queue),
      ...(d.redriveTo ? { redriveTo: queue(d.redriveTo) } : {}),
    }));
    this.deadLetters = new DeadLetters(this, 'DeadLetters', {
      api: this.api,
      table: this.table,
      queues: entries,
    });
    // The ops overview's figures, each from the service that owns its items (shared/ops/overview.ts).
    const overview = this.deadLetters.listQueuesFunction;
    this.useFunction(
      'channels',
      INTERNAL_READS.channelHealthSummary,
      overview,
      'CHANNEL_HEALTH_SUMMARY_FUNCTION_ARN',
    );
    this.useFunction('gateway', INTERNAL_READS.merchantRegistry, overview, 'MERCHANT_REGISTRY_FUNCTION_ARN');
    this.useFunction('risk', INTERNAL_READS.holdCounts, overview, 'HOLD_COUNTS_FUNCTION_ARN');
    this.useFunction(
      'reconciliation',
      INTERNAL_READS.openDiscrepancies,
      overview,
      'OPEN_DISCREPANCIES_FUNCTION_ARN',
    );
    this.dashboard = new ApiDashboard(this, 'Dashboard', {
      monitoring: this.monitoring,
      httpApi: this.api.httpApi,
      stage: { stageName: '$default' },
      queues: props.queues.map(queue),
      deadLetterQueues: entries.map((e) => e.queue),
      settlement: sfn.StateMachine.fromStateMachineArn(
        this,
        'Settlement',
        readParameter(this, 'settlement', SETTLEMENT_STATE_MACHINE_ARN),
      ),
    });
    this.finish();
  }
}

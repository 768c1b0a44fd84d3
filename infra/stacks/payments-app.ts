import type { App, Stack, StackProps } from 'aws-cdk-lib';
import { ApiRegistry } from '../constructs/api.js';
import { stageOf } from '../stages.js';
import { ConsoleStack } from './console-stack.js';
import { FoundationStack } from './foundation-stack.js';
import type { ServiceStack } from './service-stack.js';
import {
  ChannelsStack,
  CoreStack,
  GatewayStack,
  ReconciliationStack,
  RiskStack,
  SettlementStack,
  WebhooksStack,
} from './services.js';

/** The stacks of one stage of the app. */
export interface PaymentsStacks {
  readonly foundation: FoundationStack;
  readonly core: CoreStack;
  readonly channels: ChannelsStack;
  readonly risk: RiskStack;
  readonly reconciliation: ReconciliationStack;
  readonly settlement: SettlementStack;
  readonly webhooks: WebhooksStack;
  readonly gateway: GatewayStack;
  readonly console: ConsoleStack;
}

const DESCRIPTIONS = {
  Foundation: 'Payments foundation: table, event bus, HTTP API, alarm topic',
  Core: 'Payments core: payments API and the outbox publisher',
  Channels: 'Payments channels: callbacks, dispatch, checks, routing, channel health',
  Risk: 'Payments risk: risk consumer, reviews, fraud reports, risk profiles',
  Reconciliation: 'Payments reconciliation: statements, runs, discrepancies',
  Settlement: 'Payments settlement: state machine, schedule, routes',
  Webhooks: 'Payments merchant webhooks: endpoints and deliveries',
  Gateway: 'Payments gateway: merchants, API keys, limits, signing, usage and billing',
  Console: 'Payments ops console: assets, overview, dead letters, dashboard',
} as const;

/**
 * Every stack of a stage: construct id `Payments-<Service>` (what `cdk deploy` names), CloudFormation
 * name `Payments-<Service>-<stage>`. The foundation deploys first, then the gateway (whose usage
 * aggregator the others' route logs feed), the channels (whose secrets reconciliation reads), the other
 * services, the console (over every service's queues) last. Dependencies order deploys only: no stack
 * references another's resources (SSM parameter names only).
 */
export function addPaymentsStacks(app: App, props: StackProps = {}): PaymentsStacks {
  const stage = stageOf(app).name;
  const registry = new ApiRegistry();
  const stackProps = (service: keyof typeof DESCRIPTIONS) => ({
    ...props,
    stackName: `Payments-${service}-${stage}`,
    description: `${DESCRIPTIONS[service]} (${stage})`,
    registry,
  });
  const foundation = new FoundationStack(app, 'Payments-Foundation', stackProps('Foundation'));
  const gateway = new GatewayStack(app, 'Payments-Gateway', stackProps('Gateway'));
  const channels = new ChannelsStack(app, 'Payments-Channels', stackProps('Channels'));
  const core = new CoreStack(app, 'Payments-Core', stackProps('Core'));
  const risk = new RiskStack(app, 'Payments-Risk', stackProps('Risk'));
  const reconciliation = new ReconciliationStack(
    app,
    'Payments-Reconciliation',
    stackProps('Reconciliation'),
  );
  const settlement = new SettlementStack(app, 'Payments-Settlement', stackProps('Settlement'));
  const webhooks = new WebhooksStack(app, 'Payments-Webhooks', stackProps('Webhooks'));
  const services: ServiceStack[] = [gateway, channels, core, risk, reconciliation, settlement, webhooks];
  const console = new ConsoleStack(app, 'Payments-Console', {
    ...stackProps('Console'),
    deadLetterQueues: services.flatMap((s) => s.deadLetterQueues),
    queues: services.flatMap((s) => s.queues),
  });

  const dependsOn = (stack: Stack, ...others: Stack[]) => {
    for (const other of others) stack.addStackDependency(other, 'reads its SSM parameters');
  };
  dependsOn(gateway, foundation);
  for (const service of [channels, core, risk, reconciliation, settlement, webhooks])
    dependsOn(service, foundation, gateway);
  dependsOn(reconciliation, channels);
  // No order for the functions services invoke of each other: callers address them by name (useFunction).
  dependsOn(console, foundation, ...services);
  return { foundation, channels, core, risk, webhooks, reconciliation, settlement, gateway, console };
}

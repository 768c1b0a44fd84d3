import { ArnFormat, type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FLOW_LEASE_ARN_ENV, FLOW_LEASE_FUNCTION } from '../../shared/internal/flow-lease.js';
import { type ApiRegistry, PaymentsApi } from '../constructs/api.js';
import { deadLetterQueueName } from '../constructs/dead-letters.js';
import { EVENT_BUS_NAME, type EventConsumer, Events } from '../constructs/events.js';
import { FLOW_BUCKETS } from '../constructs/internal-functions.js';
import { Monitoring } from '../constructs/monitoring.js';
import { EVENT_MEMORY_MB, PaymentsFunction } from '../constructs/payments-function.js';
import { importPaymentsTable, type PaymentsTableRef } from '../constructs/table.js';
import { serviceOf } from '../services/function-services.js';
import { stageOf } from '../stages.js';
import { FOUNDATION, readParameter, type Service, writeParameter } from './parameters.js';

/** A queue another stack reaches through SSM parameters (`queues/<key>/{name,arn,url}`). */
export interface QueueRef {
  readonly service: Service;
  readonly key: string;
}

/** A dead-letter queue for the ops routes and the dashboard, by reference (plain strings). */
export interface DeadLetterQueueRef {
  /** Ops name (`/v1/ops/dead-letter-queues/{name}`). */
  readonly name: string;
  readonly queue: QueueRef;
  readonly sources: readonly QueueRef[];
  readonly redriveTo?: QueueRef;
}

/**
 * What an internal function may do on its owner's items: item actions on partitions of the given key
 * prefixes (`keys`, e.g. `HOLD#*`), or actions on one of the table's indexes (`index`, on the owner's own
 * index keys). Both are grantData's grants (infra/services/data-ownership.ts), as the owning service.
 */
export type InternalGrant =
  | { readonly actions: readonly string[]; readonly keys: readonly string[] }
  | { readonly actions: readonly string[]; readonly index: string };

/** An internal function of a service (functions/internal/*), as {@link ServiceStack.internalFunction} builds it. */
export interface InternalFunctionProps {
  /** What other services use it by (`useFunction(owner, name, …)`): its fixed name's last part. */
  readonly name: string;
  /** Its construct id, so its logical ids (`<id>`, `<id>Role`, `<id>Live…`). */
  readonly id: string;
  /**
   * A construct of the stack to create it in (made on first use): the functions once made by constructs
   * of their own (`RiskFunctions`, `RiskDecisions`, `ChannelOutcomes`) stay in them, so their logical ids,
   * and so the resources deployed, stay the same; @default the stack itself
   */
  readonly group?: string;
  /** Handler path under `functions/` (`internal/<name>`). */
  readonly entry: string;
  readonly description: string;
  /** @default EVENT_MEMORY_MB: an internal function's time goes to DynamoDB round trips */
  readonly memorySize?: number;
  /** @default API_TIMEOUT (10 s), PaymentsFunction's */
  readonly timeout?: Duration;
  /** Everything it may do on the table, in this order (its role's statements). */
  readonly grants: readonly InternalGrant[];
}

export interface ServiceStackProps extends StackProps {
  /** The app's route table and keyed functions; @default the stack's own (synthesized alone). */
  readonly registry?: ApiRegistry;
  /** Whether the stack consumes the table stream (it then reads the stream's ARN). */
  readonly tableStream?: boolean;
  /** What of the bus the stack uses: its name (rules, the default) and/or its ARN (PutEvents). */
  readonly busAccess?: { readonly busName: boolean; readonly busArn: boolean };
}

/**
 * A service's stack: the foundation's table, bus, HTTP API and alarm topic, imported from SSM parameters
 * by name (so the stack deploys, and synthesizes, on its own), an API facade its constructs add routes
 * through, its own alarms. The queues other services need (dead letters for the ops routes, queue ages for
 * the dashboard) are published with {@link shareQueue}.
 */
export class ServiceStack extends Stack {
  readonly service: Service;
  readonly table: PaymentsTableRef;
  readonly api: PaymentsApi;
  /** Queues whose oldest message's age the dashboard shows. */
  readonly queues: QueueRef[] = [];
  /** Dead-letter queues the ops routes list, peek at and redrive. */
  readonly deadLetterQueues: DeadLetterQueueRef[] = [];
  // Imported on first use: a stack reads only the parameters it uses (an unused template parameter
  // would still need its SSM parameter to exist at deploy).
  private busImport?: events.IEventBus;
  private readonly busAccess: { readonly busName: boolean; readonly busArn: boolean };
  private monitoringConstruct?: Monitoring;
  private eventsConstruct?: Events;

  constructor(scope: Construct, id: string, service: Service, props: ServiceStackProps = {}) {
    super(scope, id, props);
    this.service = service;
    this.busAccess = props.busAccess ?? { busName: true, busArn: false };
    this.table = importPaymentsTable(this, 'Table', {
      tableName: this.foundation(FOUNDATION.tableName),
      tableArn: this.foundation(FOUNDATION.tableArn),
      // Only the stream consumers (outbox publisher, dispatch) read the stream's ARN.
      ...(props.tableStream ? { tableStreamArn: this.foundation(FOUNDATION.tableStreamArn) } : {}),
    });
    const httpApi = apigw.HttpApi.fromHttpApiAttributes(this, 'HttpApi', {
      httpApiId: this.foundation(FOUNDATION.httpApiId),
    });
    this.api = new PaymentsApi(this, 'Api', {
      table: this.table,
      httpApi,
      url: () => this.foundation(FOUNDATION.apiUrl),
      leaseFlow: (fn) => this.leaseFlow(fn),
      ...(props.registry ? { registry: props.registry } : {}),
    });
  }

  /**
   * How a merchant route's function leases flow-control tokens (shared/http/rate-limit.ts `flowStore`
   * decides by the environment this sets): a gateway function writes the gateway's buckets itself
   * (UpdateItem `FLOW#…`); any other service's asks the gateway's `flow-lease` function
   * (infra/constructs/internal-functions.ts), whose ARN it then finds in FLOW_LEASE_FUNCTION_ARN.
   */
  private leaseFlow(fn: PaymentsFunction): void {
    if (serviceOf(fn.entry) === 'gateway')
      this.table.grantItemActionsOnKeys(fn, ['dynamodb:UpdateItem'], [FLOW_BUCKETS]);
    else this.useFunction('gateway', FLOW_LEASE_FUNCTION, fn, FLOW_LEASE_ARN_ENV);
  }

  /** A foundation parameter's value (parameters.ts). */
  protected foundation(name: string): string {
    return readParameter(this, 'foundation', name);
  }

  /** The foundation's `payments` bus. */
  get bus(): events.IEventBus {
    // Rules name the bus; PutEvents grants need its ARN: each is read only where it is used.
    const { busName, busArn } = this.busAccess;
    this.busImport ??= busName
      ? events.EventBus.fromEventBusAttributes(this, 'Bus', {
          eventBusName: this.foundation(FOUNDATION.busName),
          eventBusArn: busArn
            ? this.foundation(FOUNDATION.busArn)
            : this.formatArn({ service: 'events', resource: 'event-bus', resourceName: EVENT_BUS_NAME }),
          eventBusPolicy: '',
        })
      : events.EventBus.fromEventBusArn(this, 'Bus', this.foundation(FOUNDATION.busArn));
    return this.busImport;
  }

  /** This stack's alarms, notifying the foundation's alarm topic. */
  get monitoring(): Monitoring {
    this.monitoringConstruct ??= new Monitoring(this, 'Monitoring', {
      alarmTopic: sns.Topic.fromTopicArn(this, 'AlarmTopic', this.foundation(FOUNDATION.alarmTopicArn)),
    });
    return this.monitoringConstruct;
  }

  /** This stack's consumers of the bus (created on first use). */
  get events(): Events {
    this.eventsConstruct ??= new Events(this, 'Events', { bus: this.bus, monitoring: this.monitoring });
    return this.eventsConstruct;
  }

  /** The consumers this stack added to the bus. */
  get consumers(): readonly EventConsumer[] {
    return this.eventsConstruct?.consumers ?? [];
  }

  /** Publishes `queue` of this stack as `/payments/<stage>/<service>/queues/<key>/{name,arn,url}`. */
  shareQueue(key: string, queue: sqs.IQueue): QueueRef {
    writeParameter(this, this.service, `queues/${key}/name`, queue.queueName);
    writeParameter(this, this.service, `queues/${key}/arn`, queue.queueArn);
    writeParameter(this, this.service, `queues/${key}/url`, queue.queueUrl);
    return { service: this.service, key };
  }

  /**
   * One of this service's internal functions (DESIGN.md 7: what another service needs of this one's items
   * it asks this function, never the table), made the one way they all are: a PaymentsFunction given the
   * table's name, granted only the owner's items it touches (`grants`), watched by this stack's alarms,
   * and published under its name with {@link exposeFunction}.
   */
  internalFunction(props: InternalFunctionProps): PaymentsFunction {
    const scope = props.group
      ? ((this.node.tryFindChild(props.group) as Construct | undefined) ?? new Construct(this, props.group))
      : this;
    const fn = new PaymentsFunction(scope, props.id, {
      entry: props.entry,
      description: props.description,
      memorySize: props.memorySize ?? EVENT_MEMORY_MB,
      ...(props.timeout ? { timeout: props.timeout } : {}),
      environment: { TABLE_NAME: this.table.tableName },
    });
    for (const grant of props.grants)
      if ('index' in grant) this.table.grantIndexActions(fn, grant.index, ...grant.actions);
      else this.table.grantItemActionsOnKeys(fn, [...grant.actions], [...grant.keys]);
    this.monitoring.watchFunction(fn);
    this.exposeFunction(props.name, fn);
    return fn;
  }

  /**
   * Publishes `fn` for other services to invoke (DESIGN.md 7: a cross-service write goes through the
   * owning service's function). It gets a fixed name per stage, `payments-<stage>-<service>-<name>`
   * ({@link exposedFunctionName}), which callers address its `live` alias by, so they always reach the
   * version its canary has released; `/payments/<stage>/<service>/functions/<name>/arn` records the ARN
   * for operators and tools.
   */
  private exposeFunction(name: string, fn: PaymentsFunction): void {
    (fn.node.defaultChild as lambda.CfnFunction).functionName = exposedFunctionName(
      stageOf(this).name,
      this.service,
      name,
    );
    writeParameter(this, this.service, functionParameter(name), fn.invocable.functionArn);
  }

  /**
   * Lets `grantee` invoke another service's function published with {@link exposeFunction}: the ARN of
   * its `live` alias goes into the grantee's environment as `environmentVariable`, and the grantee may
   * `lambda:InvokeFunction` that alias and nothing else. The ARN is built from the function's fixed name,
   * not read from the owner's SSM parameter when this stack deploys: services call each other both ways
   * (core asks risk for its review queue, risk asks core to apply its decisions), and deploy-time reads
   * both ways would leave no order in which a new stage's first deploy succeeds. Until the owner's stack
   * is deployed a call fails (ResourceNotFoundException) and the caller answers or retries as for any
   * failure of a dependency.
   */
  useFunction(owner: Service, name: string, grantee: PaymentsFunction, environmentVariable: string): void {
    const arn = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: `${exposedFunctionName(stageOf(this).name, owner, name)}:live`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    grantee.addEnvironment(environmentVariable, arn);
    grantee.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [arn] }),
    );
  }

  /**
   * Ends the stack: every event consumer's queue and DLQ are published, and the usage lines of its keyed
   * routes go to the gateway's usage aggregator (its ARN from SSM), unless the stack has none.
   */
  protected finish(aggregator?: lambda.IFunction): void {
    for (const consumer of this.consumers) {
      const name = deadLetterQueueName(consumer.deadLetterQueue.node.id);
      const queue = this.shareQueue(name, consumer.queue);
      const dlq = this.shareQueue(`${name}-dlq`, consumer.deadLetterQueue);
      this.queues.push(queue);
      this.deadLetterQueues.push({ name, queue: dlq, sources: [queue] });
    }
    this.api.meterUsage(
      () =>
        aggregator ??
        lambda.Function.fromFunctionAttributes(this, 'UsageAggregator', {
          functionArn: readParameter(this, 'gateway', USAGE_AGGREGATOR_ARN),
          sameEnvironment: true,
        }),
    );
  }
}

/** The fixed name of a function a service exposes to the others (at most 64 characters, as Lambda allows). */
export function exposedFunctionName(stage: string, service: Service, name: string): string {
  const functionName = `payments-${stage}-${service}-${name}`;
  if (functionName.length > 64 || !/^[a-z0-9-]+$/.test(functionName))
    throw new Error(`exposed function name ${functionName} is not a valid Lambda name of ≤ 64 characters`);
  return functionName;
}

/** The parameter name part of an exposed function's ARN. */
function functionParameter(name: string): string {
  return `functions/${name}/arn`;
}

/** The gateway's usage aggregator (its `live` alias's ARN): every stack's keyed routes send it their usage lines. */
export const USAGE_AGGREGATOR_ARN = 'usage-aggregator-arn';

/** `queue` of another stack, from its SSM parameters; its URL is read only when `url` is asked for. */
export function importQueue(scope: Construct, ref: QueueRef, options: { url?: boolean } = {}): sqs.IQueue {
  const read = (part: string) => readParameter(scope, ref.service, `queues/${ref.key}/${part}`);
  return sqs.Queue.fromQueueAttributes(scope, `${ref.service}-${ref.key}`, {
    queueName: read('name'),
    queueArn: read('arn'),
    ...(options.url ? { queueUrl: read('url') } : {}),
  });
}

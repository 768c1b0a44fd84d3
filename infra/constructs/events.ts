import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type DetailType, EVENT_SOURCE } from '../../shared/schemas/events.js';
import type { Monitoring } from './monitoring.js';
import { EVENT_MEMORY_MB, PaymentsFunction, STREAM_TIMEOUT } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

/** The bus every payments event is put on (contract: Events). */
export const EVENT_BUS_NAME = 'payments';

/** Long enough to replay a quarter's events into a new consumer or after an incident. */
const ARCHIVE_RETENTION = Duration.days(90);
/** The longest SQS allows: time for ops to notice the alarm and redrive. */
const DEAD_LETTER_RETENTION = Duration.days(14);
/** AWS: a queue's visibility timeout should be at least six times its consumer's timeout. */
const VISIBILITY_TIMEOUT_FACTOR = 6;

const DLQ_REASON = (what: string) =>
  `This queue is itself a dead-letter queue: ${what} (cdk-nag only recognises a queue as a DLQ when another queue's redrive policy names it).`;

/** Props of {@link Events}: a stack's consumers of the foundation's bus. */
export interface EventsProps {
  readonly bus: events.IEventBus;
  readonly monitoring: Monitoring;
}

/** Props of {@link OutboxPublisher}. */
export interface OutboxPublisherProps extends EventsProps {
  readonly table: PaymentsTableRef;
}

/** What {@link Events.addConsumer} builds: a function fed by its own queue from a rule on the bus. */
export interface EventConsumerProps {
  /** Handler file path relative to `functions/`, without extension (e.g. `events/risk`). */
  readonly entry: string;
  readonly description: string;
  /** The detail-types the rule sends to the queue (a typo fails `npm run test:infra`). */
  readonly detailTypes: readonly DetailType[];
  /** Function-specific environment (e.g. `TABLE_NAME`); grants are the caller's to add on `fn`. */
  readonly environment?: Record<string, string>;
  /** Messages per invocation. @default 10 */
  readonly batchSize?: number;
  /**
   * How long the pollers gather a batch: fewer invocations and SQS requests for consumers nobody waits
   * on. Required (≥ 1 s) for a batch size over 10. @default none: invoke as soon as a message arrives
   */
  readonly maxBatchingWindow?: Duration;
  /** @default STREAM_TIMEOUT (30 s) */
  readonly timeout?: Duration;
  /** At least 6 × the function timeout (AWS's recommendation). @default 6 × timeout */
  readonly visibilityTimeout?: Duration;
  /** Receives before a message moves to the DLQ. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default EVENT_MEMORY_MB */
  readonly memorySize?: number;
}

/** A consumer of bus events; its DLQ is already watched by an alarm. */
export interface EventConsumer {
  readonly fn: PaymentsFunction;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;
}

/**
 * The `payments` bus (archived for replay), in the foundation stack: the outbox publisher puts events on
 * it and every service adds its rules from its own stack.
 */
export class EventBackbone extends Construct {
  readonly bus: events.EventBus;
  readonly archive: events.Archive;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: EVENT_BUS_NAME });
    this.archive = this.bus.archive('Archive', {
      description: 'Every payments event, for replay into a new or recovered consumer',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: ARCHIVE_RETENTION,
    });
  }
}

/**
 * The transactional outbox's publisher (core service): the table stream → the publisher Lambda → the bus.
 */
export class OutboxPublisher extends Construct {
  readonly publisherFunction: PaymentsFunction;
  /** Stream batches the publisher failed to publish after every retry (pointers to the stream records). */
  readonly publisherDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: OutboxPublisherProps) {
    super(scope, id);
    const { table, monitoring, bus } = props;
    this.publisherDeadLetterQueue = newDeadLetterQueue(
      this,
      'PublisherDeadLetterQueue',
      'the on-failure destination of the publisher event source mapping',
    );
    this.publisherFunction = new PaymentsFunction(this, 'PublisherFunction', {
      entry: 'events/publisher',
      description: 'Table stream: publish payment, refund and risk events to the payments bus',
      timeout: STREAM_TIMEOUT,
      memorySize: EVENT_MEMORY_MB,
      otherWildcardResourceReason:
        "The DynamoDB stream event source needs dynamodb:ListStreams, which does not support resource-level permissions; reading records is limited to this table's stream ARN.",
      environment: { EVENT_BUS_NAME: bus.eventBusName },
    });
    // events:PutEvents on this bus only; the function reads no table item (the stream carries the images).
    bus.grantPutEventsTo(this.publisherFunction);
    this.publisherFunction.addEventSource(
      new DynamoEventSource(table, {
        // Never skip a record: every committed change must reach the bus.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        // Up to 100 records per invocation: PutEvents carries 10 entries, so busy shards cost fewer calls.
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        bisectBatchOnError: true,
        // Each retry starts from the first record reported failed, so order is kept; a record that still
        // fails after these lands in the DLQ (a pointer, readable while the stream keeps it: 24 h).
        retryAttempts: 10,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.publisherDeadLetterQueue),
        // Only payments and refunds (any change), new discrepancies, reconciliation runs and merchant
        // changes (onboarding: review, suspension, reinstatement) announce
        // anything; idempotency records, counters and removals (TTL) cost no invocation. A MODIFY that
        // announces nothing (amountRefunded moving) still invokes.
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { NewImage: { entity: { S: lambda.FilterRule.or('payment', 'refund') } } },
          }),
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: {
              NewImage: {
                entity: { S: lambda.FilterRule.or('discrepancy', 'reconciliationRun', 'merchantChange') },
              },
            },
          }),
          // A channel breaker's writes that open or close it (the others, a failure counted, a probe
          // claimed, announce nothing and cost no invocation).
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: {
              NewImage: {
                entity: { S: lambda.FilterRule.isEqual('channelBreaker') },
                announce: { S: lambda.FilterRule.exists() },
              },
            },
          }),
        ],
      }),
    );
    monitoring.watchFunction(this.publisherFunction);
    monitoring.watchStreamConsumer(
      'PublisherIteratorAgeAlarm',
      this.publisherFunction,
      'The event publisher lags behind the table stream: consumers (risk, webhooks, reconciliation) see events late.',
    );
    monitoring.watchDeadLetterQueue(this.publisherDeadLetterQueue);
  }
}

/**
 * One stack's consumers of the bus: one rule and one SQS queue (+ DLQ) per consumer.
 */
export class Events extends Construct {
  readonly bus: events.IEventBus;
  /** Every consumer added with {@link addConsumer}, in order. */
  readonly consumers: EventConsumer[] = [];
  private readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.bus = props.bus;
    this.monitoring = props.monitoring;
  }

  /**
   * A consumer of bus events: a rule (source `payments`, the given detail-types) → an SQS queue
   * (SQS-managed encryption, TLS only, DLQ after `maxReceiveCount` receives) → `entry` with partial batch
   * responses. Ids: `<id>Function`, `<id>Queue`, `<id>DeadLetterQueue`, `<id>Rule`. The DLQ is alarmed
   * and the function's errors too; table or other grants are the caller's to add on `fn`.
   */
  addConsumer(id: string, props: EventConsumerProps): EventConsumer {
    const timeout = props.timeout ?? STREAM_TIMEOUT;
    const visibilityTimeout =
      props.visibilityTimeout ?? Duration.seconds(timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR);
    if (visibilityTimeout.toSeconds() < timeout.toSeconds() * VISIBILITY_TIMEOUT_FACTOR) {
      throw new Error(
        `${id}: visibility timeout ${visibilityTimeout.toSeconds()} s is under ${VISIBILITY_TIMEOUT_FACTOR} × the function timeout`,
      );
    }
    if (props.detailTypes.length === 0) throw new Error(`${id}: a consumer needs at least one detail-type`);

    const deadLetterQueue = newDeadLetterQueue(
      this,
      `${id}DeadLetterQueue`,
      `messages of ${id}Queue that failed ${props.maxReceiveCount ?? 5} receives move here (redrive policy)`,
    );
    const queue = new sqs.Queue(this, `${id}Queue`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    const rule = new events.Rule(this, `${id}Rule`, {
      eventBus: this.bus,
      description: `${props.detailTypes.join(', ')} → ${id}Queue`,
      eventPattern: { source: [EVENT_SOURCE], detailType: [...props.detailTypes] },
      // The queue policy the target adds lets this rule, and only it, send to the queue.
      targets: [new targets.SqsQueue(queue)],
    });

    const fn = new PaymentsFunction(this, `${id}Function`, {
      entry: props.entry,
      description: props.description,
      timeout,
      memorySize: props.memorySize ?? EVENT_MEMORY_MB,
      environment: props.environment,
    });
    fn.addEventSource(
      new SqsEventSource(queue, {
        batchSize: props.batchSize ?? 10,
        ...(props.maxBatchingWindow ? { maxBatchingWindow: props.maxBatchingWindow } : {}),
        reportBatchItemFailures: true,
      }),
    );
    this.monitoring.watchFunction(fn);
    this.monitoring.watchDeadLetterQueue(deadLetterQueue);

    const consumer = { fn, queue, deadLetterQueue, rule };
    this.consumers.push(consumer);
    return consumer;
  }
}

/** An SQS-encrypted, TLS-only DLQ keeping messages as long as SQS allows. */
function newDeadLetterQueue(scope: Construct, id: string, what: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
  });
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: DLQ_REASON(what) });
  return queue;
}

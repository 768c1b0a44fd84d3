/**
 * `AWS::Logs::SubscriptionFilter` with a Lambda destination, on the log group of a function of the
 * template: the lines a function writes (stdout and stderr, as Lambda ships them) that Lambda's level
 * filter keeps and the filter pattern matches are batched per filter and source, as CloudWatch Logs does,
 * and delivered to the destination function as `{ awslogs: { data: base64(gzip(JSON)) } }`, asynchronously:
 * a failed delivery is retried twice, then sent to the destination's DeadLetterConfig queue if it has one.
 *
 * `deliverTwice` delivers every batch a second time, as an at-least-once delivery may: a destination must
 * count it once.
 */
import { gzipSync } from 'node:zlib';
import type { InvokeResult } from './lambda-runner.js';
import type { Logger } from './log.js';
import { admittedAtLevel, compileFilterPattern, type LogFilter } from './log-filter-pattern.js';
import { physicalName } from './resolve.js';
import { type CfnTemplate, referencedResource } from './template.js';

export interface LogSubscription {
  readonly logicalId: string;
  readonly filterName: string;
  readonly logGroup: string;
  readonly matches: LogFilter;
  /** Functions whose LoggingConfig names the filter's log group. */
  readonly sourceFunctionIds: readonly string[];
  readonly destinationFunctionId: string;
  /** The destination's DeadLetterConfig target (a queue ARN, resolved by the caller), if any. */
  readonly deadLetterTarget?: unknown;
}

const refOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && typeof (value as { Ref?: unknown }).Ref === 'string'
    ? (value as { Ref: string }).Ref
    : undefined;

/** The template's subscription filters. Throws, naming the filter, on what is not emulated. */
export function logSubscriptions(template: CfnTemplate): LogSubscription[] {
  const resources = Object.entries(template.Resources);
  return resources
    .filter(([, r]) => r.Type === 'AWS::Logs::SubscriptionFilter')
    .map(([logicalId, r]) => {
      const props = r.Properties ?? {};
      const group = refOf(props.LogGroupName);
      if (!group)
        throw new Error(
          `subscription filter ${logicalId}: only a LogGroupName Ref to a log group of the template is emulated`,
        );
      // A function's ARN, or its alias's or version's.
      const destination = referencedResource(template, props.DestinationArn, 'AWS::Lambda::Function');
      if (!destination)
        throw new Error(
          `subscription filter ${logicalId}: only a Lambda function of the template is emulated as destination`,
        );
      const sources = resources
        .filter(([, f]) => f.Type === 'AWS::Lambda::Function')
        .filter(([, f]) => refOf((f.Properties?.LoggingConfig as { LogGroup?: unknown })?.LogGroup) === group)
        .map(([id]) => id);
      const deadLetterTarget = (
        template.Resources[destination]?.Properties?.DeadLetterConfig as { TargetArn?: unknown }
      )?.TargetArn;
      return {
        logicalId,
        filterName: typeof props.FilterName === 'string' ? props.FilterName : logicalId,
        logGroup: physicalName(template, group),
        matches: compileFilterPattern(String(props.FilterPattern ?? '')),
        sourceFunctionIds: sources,
        destinationFunctionId: destination,
        ...(deadLetterTarget !== undefined ? { deadLetterTarget } : {}),
      };
    });
}

export interface LogDeliveryOptions {
  readonly subscriptions: readonly LogSubscription[];
  readonly invoke: (logicalId: string, event: unknown) => Promise<InvokeResult>;
  readonly log: Logger;
  /** Each function's application log level (JSON format), as Lambda filters before ingestion. */
  readonly levelOf: (functionId: string) => string | undefined;
  /** How long events wait for more before their batch is delivered. @default 1000 */
  readonly batchWindowMs?: number;
  /** @default 1000 events */
  readonly maxBatchEvents?: number;
  /** Delay before each retry of a failed delivery. @default 1000 */
  readonly retryDelayMs?: number;
  readonly deliverTwice?: boolean;
  /** Where a batch goes after its retries (the destination's DLQ), when it has one. */
  readonly deadLetter?: (subscription: LogSubscription, event: unknown) => void;
  readonly accountId: string;
}

interface LogEvent {
  readonly id: string;
  readonly timestamp: number;
  readonly message: string;
}

/** Batches and delivers what functions log to the subscriptions on their log groups. */
export class LogDelivery {
  private readonly bySource = new Map<string, LogSubscription[]>();
  private readonly pending = new Map<
    string,
    { sub: LogSubscription; source: string; events: LogEvent[]; timer: NodeJS.Timeout }
  >();
  private readonly inFlight = new Set<Promise<void>>();
  // Event ids unique across restarts (markers of applied batches may persist with --persist).
  private readonly idPrefix = `${Date.now()}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  private nextId = 0;
  private closed = false;
  delivered = 0;

  constructor(private readonly options: LogDeliveryOptions) {
    for (const sub of options.subscriptions)
      for (const source of sub.sourceFunctionIds)
        this.bySource.set(source, [...(this.bySource.get(source) ?? []), sub]);
  }

  /** Functions whose lines are watched. */
  get sources(): string[] {
    return [...this.bySource.keys()];
  }

  /** A line `functionId` wrote. */
  line(functionId: string, message: string): void {
    const subs = this.bySource.get(functionId);
    if (!subs || this.closed || !admittedAtLevel(message, this.options.levelOf(functionId))) return;
    for (const sub of subs) {
      if (!sub.matches(message)) continue;
      const key = `${sub.logicalId}\u0000${functionId}`;
      let batch = this.pending.get(key);
      if (!batch) {
        const timer = setTimeout(() => this.release(key), this.options.batchWindowMs ?? 1000);
        batch = { sub, source: functionId, events: [], timer };
        this.pending.set(key, batch);
      }
      batch.events.push({
        id: `${this.idPrefix}${String(this.nextId++).padStart(12, '0')}`,
        timestamp: Date.now(),
        message,
      });
      if (batch.events.length >= (this.options.maxBatchEvents ?? 1000)) this.release(key);
    }
  }

  /** Delivers every pending batch now and waits for every delivery under way. */
  async flush(): Promise<void> {
    for (const key of [...this.pending.keys()]) this.release(key);
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Stops taking lines; what is pending is delivered first. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private release(key: string): void {
    const batch = this.pending.get(key);
    if (!batch) return;
    this.pending.delete(key);
    clearTimeout(batch.timer);
    const event = this.eventOf(batch.sub, batch.source, batch.events);
    const delivery = this.deliver(batch.sub, event).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  private eventOf(sub: LogSubscription, source: string, logEvents: LogEvent[]) {
    const payload = {
      messageType: 'DATA_MESSAGE',
      owner: this.options.accountId,
      logGroup: sub.logGroup,
      logStream: `local/[$LATEST]${source}`,
      subscriptionFilters: [sub.filterName],
      logEvents,
    };
    return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64') } };
  }

  private async deliver(sub: LogSubscription, event: unknown): Promise<void> {
    const times = this.options.deliverTwice ? 2 : 1;
    for (let copy = 0; copy < times; copy++) {
      let result: InvokeResult | undefined;
      // Asynchronous invocation: the first attempt and two retries.
      for (let attempt = 0; attempt < 3; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 1000));
        result = await this.options.invoke(sub.destinationFunctionId, event);
        if (result.ok) break;
      }
      if (result?.ok) {
        this.delivered += 1;
        continue;
      }
      if (this.options.deadLetter && sub.deadLetterTarget !== undefined) this.options.deadLetter(sub, event);
      else
        this.options.log.error(
          `${sub.logicalId}: a batch of ${sub.logGroup} was not delivered to ${sub.destinationFunctionId}`,
        );
      return;
    }
  }
}

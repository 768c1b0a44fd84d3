/**
 * Reads the event backbone from the template: SQS queues (with their redrive policies), event buses,
 * archives, rules (event patterns → SQS targets) and the event source mappings on SQS queues. What the
 * local runtime cannot emulate faithfully is a start-up error naming the resource, never a silent skip.
 */

import type { EventArchive, EventBus, EventRule, EventTarget } from './eventbridge.js';
import { InvalidPatternError, type Pattern, validatePattern } from './filter-pattern.js';
import type { Logger } from './log.js';
import { physicalName, type ResolveContext, resolveValue } from './resolve.js';
import type { QueueConfig, SqsBroker } from './sqs.js';
import { type CfnTemplate, referencedResource, resourcesOfType } from './template.js';

/** SQS's defaults for what a queue's properties leave out. */
const QUEUE_DEFAULTS = {
  VisibilityTimeout: 30,
  MessageRetentionPeriod: 345_600,
  DelaySeconds: 0,
  ReceiveMessageWaitTimeSeconds: 0,
  MaximumMessageSize: 1_048_576,
};

function num(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`expected a number, got ${JSON.stringify(value)}`);
  return n;
}

export function queueConfigs(template: CfnTemplate, ctx: ResolveContext): QueueConfig[] {
  return resourcesOfType(template, 'AWS::SQS::Queue').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    if (props.FifoQueue === true || props.FifoQueue === 'true') {
      throw new Error(`queue ${logicalId}: FIFO queues are not emulated locally (standard queues are)`);
    }
    let redrivePolicy: QueueConfig['redrivePolicy'];
    if (props.RedrivePolicy !== undefined) {
      const raw = resolveValue(ctx, props.RedrivePolicy);
      const policy = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
      redrivePolicy = {
        deadLetterTargetArn: String(policy.deadLetterTargetArn),
        maxReceiveCount: num(policy.maxReceiveCount, 10),
      };
    }
    return {
      logicalId,
      name: physicalName(template, logicalId),
      visibilityTimeout: num(props.VisibilityTimeout, QUEUE_DEFAULTS.VisibilityTimeout),
      messageRetentionPeriod: num(props.MessageRetentionPeriod, QUEUE_DEFAULTS.MessageRetentionPeriod),
      delaySeconds: num(props.DelaySeconds, QUEUE_DEFAULTS.DelaySeconds),
      receiveMessageWaitTimeSeconds: num(
        props.ReceiveMessageWaitTimeSeconds,
        QUEUE_DEFAULTS.ReceiveMessageWaitTimeSeconds,
      ),
      maximumMessageSize: num(props.MaximumMessageSize, QUEUE_DEFAULTS.MaximumMessageSize),
      ...(redrivePolicy ? { redrivePolicy } : {}),
      // New queues get SSE-SQS unless told otherwise (or given a KMS key).
      sqsManagedSseEnabled: props.SqsManagedSseEnabled !== false && props.KmsMasterKeyId === undefined,
    };
  });
}

/** The template's buses, plus the account's `default` bus (which always exists). */
export function eventBuses(template: CfnTemplate, ctx: ResolveContext): EventBus[] {
  const buses: EventBus[] = [
    { name: 'default', arn: `arn:aws:events:${ctx.region}:${ctx.accountId}:event-bus/default` },
  ];
  for (const [logicalId] of resourcesOfType(template, 'AWS::Events::EventBus')) {
    const name = physicalName(template, logicalId);
    buses.push({ logicalId, name, arn: `arn:aws:events:${ctx.region}:${ctx.accountId}:event-bus/${name}` });
  }
  return buses;
}

function busName(ctx: ResolveContext, value: unknown, buses: readonly EventBus[], who: string): string {
  const resolved = value === undefined ? 'default' : String(resolveValue(ctx, value));
  const bus = buses.find((b) => b.name === resolved || b.arn === resolved);
  if (!bus) throw new Error(`${who}: event bus ${resolved} is not in the template`);
  return bus.name;
}

function pattern(ctx: ResolveContext, value: unknown, who: string): Pattern {
  const resolved = resolveValue(ctx, value);
  const parsed = typeof resolved === 'string' ? (JSON.parse(resolved) as unknown) : resolved;
  try {
    validatePattern(parsed);
  } catch (error) {
    if (error instanceof InvalidPatternError) throw new Error(`${who}: event pattern: ${error.message}`);
    throw error;
  }
  return parsed as Pattern;
}

export function eventArchives(
  template: CfnTemplate,
  ctx: ResolveContext,
  buses: readonly EventBus[],
): EventArchive[] {
  return resourcesOfType(template, 'AWS::Events::Archive').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const who = `archive ${logicalId}`;
    return {
      logicalId,
      name: physicalName(template, logicalId),
      busName: busName(ctx, props.SourceArn, buses, who),
      ...(props.EventPattern !== undefined ? { pattern: pattern(ctx, props.EventPattern, who) } : {}),
    };
  });
}

export function eventRules(
  template: CfnTemplate,
  ctx: ResolveContext,
  buses: readonly EventBus[],
  broker: SqsBroker,
  log: Logger,
): EventRule[] {
  const rules: EventRule[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Events::Rule')) {
    const props = resource.Properties ?? {};
    const who = `rule ${logicalId}`;
    if (props.EventPattern === undefined) {
      // Not an error: a laptop runtime has no day to wait for. What the schedule starts can be run by hand.
      log.info(
        `${who}: scheduled (${String(props.ScheduleExpression)}); schedules do not fire locally (npm run reconcile runs a reconciliation by hand)`,
      );
      continue;
    }
    const targets = ((props.Targets as Array<Record<string, unknown>> | undefined) ?? []).map(
      (t): EventTarget => {
        const id = String(t.Id);
        const arn = String(resolveValue(ctx, t.Arn));
        const queue = broker.queueByArn(arn);
        if (!queue) {
          throw new Error(
            `${who}: target ${id} (${arn}) is not an SQS queue of the template; only SQS targets are emulated locally`,
          );
        }
        for (const unsupported of [
          'InputTransformer',
          'SqsParameters',
          'HttpParameters',
          'RunCommandParameters',
        ]) {
          if (t[unsupported] !== undefined)
            throw new Error(`${who}: target ${id}: ${unsupported} is not emulated locally`);
        }
        const inputPath = t.InputPath === undefined ? undefined : String(t.InputPath);
        if (inputPath !== undefined && !/^\$(\.[A-Za-z0-9_-]+)*$/.test(inputPath)) {
          throw new Error(
            `${who}: target ${id}: InputPath ${inputPath} is not emulated locally (only $.a.b paths)`,
          );
        }
        return {
          id,
          queue,
          ...(t.Input !== undefined ? { input: String(resolveValue(ctx, t.Input)) } : {}),
          ...(inputPath !== undefined ? { inputPath } : {}),
        };
      },
    );
    rules.push({
      logicalId,
      name: physicalName(template, logicalId),
      busName: busName(ctx, props.EventBusName, buses, who),
      pattern: pattern(ctx, props.EventPattern, who),
      enabled: props.State === undefined || String(props.State).startsWith('ENABLED'),
      targets,
    });
  }
  return rules;
}

export interface SqsMapping {
  readonly logicalId: string;
  readonly functionLogicalId: string;
  readonly queueLogicalId: string;
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly filters: readonly Pattern[];
  /** Concurrent batches in flight (ScalingConfig.MaximumConcurrency, else a few). */
  readonly maximumConcurrency: number;
}

/** The enabled event source mappings on SQS queues. */
export function sqsMappings(template: CfnTemplate): SqsMapping[] {
  const out: SqsMapping[] = [];
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::EventSourceMapping')) {
    const props = resource.Properties ?? {};
    const queueLogicalId = referencedResource(template, props.EventSourceArn, 'AWS::SQS::Queue');
    if (!queueLogicalId || props.Enabled === false) continue;
    const functionLogicalId = referencedResource(template, props.FunctionName, 'AWS::Lambda::Function');
    if (!functionLogicalId)
      throw new Error(`event source mapping ${logicalId}: FunctionName names no function`);
    const filters = (
      (props.FilterCriteria as { Filters?: Array<{ Pattern?: string }> } | undefined)?.Filters ?? []
    ).map((f) => {
      const parsed = JSON.parse(String(f.Pattern)) as Pattern;
      validatePattern(parsed);
      return parsed;
    });
    const batchSize = num(props.BatchSize, 10);
    const window = num(props.MaximumBatchingWindowInSeconds, 0);
    if (batchSize > 10 && window === 0) {
      throw new Error(
        `event source mapping ${logicalId}: a BatchSize over 10 needs MaximumBatchingWindowInSeconds of at least 1 (as in AWS)`,
      );
    }
    const types = (props.FunctionResponseTypes as string[] | undefined) ?? [];
    const scaling = props.ScalingConfig as { MaximumConcurrency?: unknown } | undefined;
    out.push({
      logicalId,
      functionLogicalId,
      queueLogicalId,
      batchSize,
      maximumBatchingWindowInSeconds: window,
      reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
      filters,
      maximumConcurrency: Math.min(num(scaling?.MaximumConcurrency, 3), 5),
    });
  }
  return out;
}

/** The start-up banner: where the API and every emulated service is, then the configuration's own lines. */

import { fill } from './config.js';
import type { SqsMapping } from './event-wiring.js';
import type { EventArchive, EventBus, EventRule } from './eventbridge.js';
import type { SqsBroker } from './sqs.js';

export interface BannerInfo {
  /** The system's name (configuration). */
  readonly name: string;
  /** The configuration's lines (credentials, a first request); `${url}` is the API's URL. */
  readonly lines: readonly string[];
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly pspUrl?: string;
  /** The channel simulators started, by channel. */
  readonly channelUrls?: Readonly<Record<string, string>>;
  readonly secretsUrl?: string;
  readonly secrets?: readonly string[];
  readonly tableName: string;
  readonly routes: readonly string[];
  readonly eventBridgeUrl?: string;
  readonly buses?: ReadonlyArray<{ name: string; rules: readonly string[]; archives: readonly string[] }>;
  readonly sqsUrl?: string;
  /** One line per queue: its name and what it feeds or collects. */
  readonly queues?: readonly string[];
  readonly s3Url?: string;
  readonly buckets?: readonly string[];
  readonly stepFunctionsUrl?: string;
  readonly stateMachines?: readonly string[];
  readonly persist: boolean;
  readonly startupMs: number;
  /** The assembly's stacks, and those whose functions run (fewer with `--only`). */
  readonly stacks?: readonly string[];
  readonly running?: readonly string[];
}

/** How the banner names each channel simulator. */
const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  stripe: 'Stripe',
  alipay: 'Alipay',
  wechatpay: 'WeChat Pay',
};

/** The line tests and scripts wait for; printed last. */
export function readyLine(name: string, url: string): string {
  return `${name} API listening on ${url}`;
}

export function banner(info: BannerInfo): string {
  return [
    '',
    `  ${info.name}: local runtime (no AWS account, nothing leaves this machine)`,
    '',
    ...stackLines(info),
    `  API              ${info.url}`,
    `  DynamoDB Local   ${info.dynamoEndpoint}   table ${info.tableName}${info.persist ? '   (persisted in .local/dynamodb)' : '   (in memory)'}`,
    ...(info.pspUrl ? [`  Sandbox PSP      ${info.pspUrl}`] : []),
    ...Object.entries(info.channelUrls ?? {}).map(
      ([channel, url]) => `  ${(CHANNEL_LABELS[channel] ?? channel).padEnd(17)}${url}   (simulator)`,
    ),
    `  Routes           ${info.routes.join(', ')}`,
    ...(info.eventBridgeUrl
      ? [
          `  EventBridge      ${info.eventBridgeUrl}   (AWS_ENDPOINT_URL_EVENTBRIDGE)`,
          ...(info.buses ?? []).flatMap((b) => [
            `    bus ${b.name}${b.archives.length ? `   archive ${b.archives.join(', ')}` : ''}`,
            ...b.rules.map((r) => `      rule ${r}`),
          ]),
        ]
      : []),
    ...(info.sqsUrl
      ? [
          `  SQS              ${info.sqsUrl}   (AWS_ENDPOINT_URL_SQS)`,
          ...(info.queues ?? []).map((q) => `    ${q}`),
        ]
      : []),
    ...(info.s3Url
      ? [
          `  S3               ${info.s3Url}   (AWS_ENDPOINT_URL_S3)`,
          ...(info.buckets ?? []).map((b) => `    bucket ${b}`),
        ]
      : []),
    ...(info.secretsUrl
      ? [
          `  Secrets Manager  ${info.secretsUrl}   (AWS_ENDPOINT_URL_SECRETS_MANAGER)`,
          ...(info.secrets ?? []).map((n) => `    secret ${n}`),
        ]
      : []),
    ...(info.stepFunctionsUrl
      ? [
          `  Step Functions   ${info.stepFunctionsUrl}   (AWS_ENDPOINT_URL_SFN; schedules do not fire locally)`,
          ...(info.stateMachines ?? []).map((m) => `    state machine ${m}`),
        ]
      : []),
    '',
    ...info.lines.map((l) => fill(l, { url: info.url })),
    ...(info.lines.length ? [''] : []),
    `  Started in ${(info.startupMs / 1000).toFixed(1)} s. Ctrl-C stops everything (API, workers, stream and queue pollers, EventBridge, SQS, S3, Step Functions, simulators, DynamoDB Local).`,
    '',
  ].join('\n');
}

/** Which stacks run, when the assembly has several or `--only` chose some. */
function stackLines(info: BannerInfo): string[] {
  const stacks = info.stacks ?? [];
  const running = info.running ?? stacks;
  if (stacks.length <= 1) return [];
  if (running.length === stacks.length) return [`  Stacks           ${stacks.join(', ')}`];
  const others = stacks.filter((s) => !running.includes(s));
  return [
    `  Stacks           ${running.join(', ')}   (--only)`,
    `    resources only ${others.join(', ')}   (their routes answer 404, their queues wait)`,
  ];
}

/** Each bus of the template with its rules (`rule → target queues`) and archives. */
export function busLines(
  buses: readonly EventBus[],
  rules: readonly EventRule[],
  archives: readonly EventArchive[],
): NonNullable<BannerInfo['buses']> {
  return buses
    .filter((b) => b.logicalId)
    .map((b) => ({
      name: b.name,
      rules: rules
        .filter((r) => r.busName === b.name)
        .map((r) => `${r.name} → ${r.targets.map((t) => t.queue.config.name).join(', ')}`),
      archives: archives.filter((a) => a.busName === b.name).map((a) => a.name),
    }));
}

/** One line per queue: its name, the functions it feeds, its dead-letter queue or whose it is. */
export function queueLines(broker: SqsBroker, queueMappings: readonly SqsMapping[]): string[] {
  return broker.queues.map((q) => {
    const consumers = queueMappings.filter((m) => m.queueLogicalId === q.config.logicalId);
    const dlqOf = broker.queues.filter((s) => s.config.redrivePolicy?.deadLetterTargetArn === q.arn);
    const notes = [
      ...consumers.map((m) => `→ ${m.functionLogicalId}`),
      ...(q.config.redrivePolicy
        ? [
            `DLQ ${broker.queueByArn(q.config.redrivePolicy.deadLetterTargetArn)?.config.name} after ${q.config.redrivePolicy.maxReceiveCount}`,
          ]
        : []),
      ...(dlqOf.length ? [`dead letters of ${dlqOf.map((s) => s.config.name).join(', ')}`] : []),
    ];
    return `${q.config.name}${notes.length ? ` (${notes.join('; ')})` : ''}`;
  });
}

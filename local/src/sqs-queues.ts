/**
 * The queues of one local account and the one place their messages change: every put and removal goes
 * through here, so the durable store (`--persist`, sqs-store.ts) sees each change, and long polls
 * waiting on a queue are woken.
 */
import { AwsError } from './aws-json.js';
import { type LocalQueue, type QueueConfig, queueDoesNotExist, type SqsMessage } from './sqs-model.js';
import type { QueueStore } from './sqs-store.js';

export interface QueueState {
  readonly queue: LocalQueue;
  readonly messages: Map<string, SqsMessage>;
  readonly waiters: Set<() => void>;
  lastPurge?: number;
}

export interface SqsBrokerOptions {
  readonly region: string;
  readonly accountId: string;
  readonly queues: readonly QueueConfig[];
  /** Called when a message moves to a dead-letter queue. */
  readonly onDeadLetter?: (from: LocalQueue, to: LocalQueue, message: SqsMessage) => void;
  /** Keeps every message change on disk and gives back what the queues held (`--persist`). */
  readonly store?: QueueStore;
}

/** Queue lookups, message storage and wake-ups; the SQS operations build on it (sqs.ts). */
export class SqsQueues {
  protected readonly states = new Map<string, QueueState>();
  protected readonly byArn = new Map<string, QueueState>();
  private endpoint = '';
  protected stopped = false;

  constructor(protected readonly options: SqsBrokerOptions) {
    const created = Date.now();
    for (const config of options.queues) {
      if (this.states.has(config.name)) throw new Error(`two queues are named ${config.name}`);
      const broker = this;
      const queue: LocalQueue = {
        config,
        arn: `arn:aws:sqs:${options.region}:${options.accountId}:${config.name}`,
        get url() {
          return broker.queueUrl(config.name);
        },
        createdTimestamp: created,
      };
      // A message in flight when the emulator stopped was held by a consumer that stopped with it (every
      // event source mapping is the emulator's own): it is visible again at once, its receive counted, rather
      // than after the template's visibility timeout (minutes) as after a consumer crash in AWS.
      const restored = (options.store?.messages(config.name) ?? []).map((m) =>
        m.receiptHandle === undefined
          ? m
          : { ...m, visibleAt: Math.min(m.visibleAt, created), receiptHandle: undefined },
      );
      const messages = new Map(restored.map((m) => [m.messageId, m]));
      const state: QueueState = { queue, messages, waiters: new Set() };
      this.states.set(config.name, state);
      this.byArn.set(queue.arn, state);
    }
    for (const state of this.states.values()) {
      const target = state.queue.config.redrivePolicy?.deadLetterTargetArn;
      if (target && !this.byArn.has(target)) {
        throw new Error(
          `queue ${state.queue.config.logicalId}: dead-letter queue ${target} is not a queue of the template`,
        );
      }
    }
  }

  /** Sets the endpoint queue URLs are made of (known once the SQS server listens). */
  setEndpoint(url: string): void {
    this.endpoint = url;
  }

  queueUrl(name: string): string {
    return `${this.endpoint}/${this.options.accountId}/${name}`;
  }

  get queues(): LocalQueue[] {
    return [...this.states.values()].map((s) => s.queue);
  }

  /** The queue a URL names (its path `/<account>/<name>`, whatever the host), or QueueDoesNotExist. */
  queueByUrl(url: unknown): LocalQueue {
    if (typeof url !== 'string' || !url) {
      throw new AwsError(
        'MissingParameter',
        'The request must contain the parameter QueueUrl.',
        400,
        'MissingParameter',
      );
    }
    let path: string;
    try {
      path = new URL(url).pathname;
    } catch {
      throw new AwsError(
        'InvalidAddress',
        'The address is not valid for this endpoint.',
        404,
        'InvalidAddress',
      );
    }
    const [, account, name] = path.split('/');
    const state = account === this.options.accountId && name ? this.states.get(name) : undefined;
    if (!state) throw queueDoesNotExist();
    return state.queue;
  }

  queueByName(name: string): LocalQueue | undefined {
    return this.states.get(name)?.queue;
  }

  queueByArn(arn: string): LocalQueue | undefined {
    return this.byArn.get(arn)?.queue;
  }

  protected state(queue: LocalQueue): QueueState {
    const state = this.states.get(queue.config.name);
    if (!state) throw queueDoesNotExist();
    return state;
  }

  protected notify(state: QueueState): void {
    for (const wake of [...state.waiters]) wake();
  }

  protected put(state: QueueState, message: SqsMessage): void {
    state.messages.set(message.messageId, message);
    this.options.store?.put(state.queue.config.name, message);
  }

  protected remove(state: QueueState, messageId: string): void {
    if (state.messages.delete(messageId)) this.options.store?.remove(state.queue.config.name, messageId);
  }

  /** Resolves once every message change so far is on disk (at once without a store). */
  async flush(): Promise<void> {
    await this.options.store?.flush();
  }

  protected expire(state: QueueState, now: number): void {
    const retentionMs = state.queue.config.messageRetentionPeriod * 1000;
    for (const [id, m] of state.messages) if (m.sentTimestamp + retentionMs <= now) this.remove(state, id);
  }

  /** True when some queue's redrive policy names `arn` as its dead-letter queue. */
  isDeadLetterQueue(arn: string): boolean {
    return [...this.states.values()].some((s) => s.queue.config.redrivePolicy?.deadLetterTargetArn === arn);
  }
}

/**
 * The SQS semantics of the template's standard queues, in memory: messages become invisible for the
 * visibility timeout when received (or for what `ChangeMessageVisibility` sets), come back when it runs
 * out, count their receives, and move to the dead-letter queue when a receive would exceed the redrive
 * policy's `maxReceiveCount` (as SQS does: at receive time, keeping message id, body, attributes and
 * the original enqueue timestamp, adding `DeadLetterQueueSourceArn`). Retention deletes expired
 * messages; long polling waits for a message to be sent or to become visible. Message move tasks
 * (`StartMessageMoveTask`) redrive a dead-letter queue to its source queue(s) or to a given queue.
 *
 * The wire protocol is in sqs-api.ts; the Lambda event source mappings (sqs-poller.ts) use this
 * class directly.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsError } from './aws-json.js';
import type { QueueStore } from './sqs-store.js';

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface QueueConfig {
  readonly logicalId: string;
  readonly name: string;
  readonly visibilityTimeout: number;
  readonly messageRetentionPeriod: number;
  readonly delaySeconds: number;
  readonly receiveMessageWaitTimeSeconds: number;
  readonly maximumMessageSize: number;
  readonly redrivePolicy?: RedrivePolicy;
  readonly sqsManagedSseEnabled: boolean;
}

/** A message attribute as the JSON protocol carries it (`BinaryValue` base64). */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export interface SqsMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly md5OfMessageAttributes?: string;
  sentTimestamp: number;
  readonly senderId: string;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Epoch ms from which the message can be received. */
  visibleAt: number;
  /** When the current receive happened (for the 12-hour visibility limit). */
  receivedAt?: number;
  receiptHandle?: string;
  deadLetterQueueSourceArn?: string;
}

export interface LocalQueue {
  readonly config: QueueConfig;
  readonly arn: string;
  readonly url: string;
  readonly createdTimestamp: number;
}

interface QueueState {
  readonly queue: LocalQueue;
  readonly messages: Map<string, SqsMessage>;
  readonly waiters: Set<() => void>;
  lastPurge?: number;
}

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

export interface MoveTask {
  readonly taskHandle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly maxNumberOfMessagesPerSecond?: number;
  readonly startedTimestamp: number;
  readonly approximateNumberOfMessagesToMove: number;
  status: MoveTaskStatus;
  approximateNumberOfMessagesMoved: number;
  failureReason?: string;
}

export interface SendOptions {
  readonly body: string;
  readonly messageAttributes?: Readonly<Record<string, MessageAttributeValue>>;
  readonly delaySeconds?: number;
  readonly senderId?: string;
}

export interface ReceiveOptions {
  readonly maxNumberOfMessages?: number;
  readonly visibilityTimeout?: number;
  /** Seconds to wait for a message; the queue's ReceiveMessageWaitTimeSeconds when absent. */
  readonly waitTimeSeconds?: number;
  readonly signal?: AbortSignal;
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

/** The SenderId of messages sent by the local functions and by EventBridge (an IAM role id, as in AWS). */
export const LOCAL_SENDER_ID = 'AROAEXAMPLELOCALROLE:local';

const MAX_VISIBILITY = 43_200;

export const md5 = (data: string | Uint8Array) => createHash('md5').update(data).digest('hex');

/** SQS's MD5 of message attributes: names sorted, each length-prefixed name, type, transport byte, value. */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string {
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    hash.update(len);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name] as MessageAttributeValue;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(value.DataType, 'utf8'));
    if (value.StringValue !== undefined) {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(value.StringValue, 'utf8'));
    } else {
      hash.update(Buffer.from([2]));
      lengthPrefixed(Buffer.from(value.BinaryValue ?? '', 'base64'));
    }
  }
  return hash.digest('hex');
}

export const invalidParameter = (message: string) =>
  new AwsError('InvalidParameterValue', message, 400, 'InvalidParameterValue');

export const queueDoesNotExist = () =>
  new AwsError(
    'QueueDoesNotExist',
    'The specified queue does not exist.',
    400,
    'AWS.SimpleQueueService.NonExistentQueue',
  );

function encodeHandle(queue: string, messageId: string): string {
  return Buffer.from(`${queue}\n${messageId}\n${randomUUID()}`).toString('base64url');
}

function decodeHandle(handle: string): { queue: string; messageId: string } | undefined {
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  return { queue: parts[0], messageId: parts[1] };
}

/** The queues of one local account, with their messages and move tasks. */
export class SqsBroker {
  private readonly states = new Map<string, QueueState>();
  private readonly byArn = new Map<string, QueueState>();
  private readonly tasks: Array<MoveTask & { pending: Set<string>; timer?: NodeJS.Timeout }> = [];
  private endpoint = '';
  private stopped = false;

  constructor(private readonly options: SqsBrokerOptions) {
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
      const messages = new Map((options.store?.messages(config.name) ?? []).map((m) => [m.messageId, m]));
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

  private state(queue: LocalQueue): QueueState {
    const state = this.states.get(queue.config.name);
    if (!state) throw queueDoesNotExist();
    return state;
  }

  private notify(state: QueueState): void {
    for (const wake of [...state.waiters]) wake();
  }

  private put(state: QueueState, message: SqsMessage): void {
    state.messages.set(message.messageId, message);
    this.options.store?.put(state.queue.config.name, message);
  }

  private remove(state: QueueState, messageId: string): void {
    if (state.messages.delete(messageId)) this.options.store?.remove(state.queue.config.name, messageId);
  }

  /** Resolves once every message change so far is on disk (at once without a store). */
  async flush(): Promise<void> {
    await this.options.store?.flush();
  }

  send(queue: LocalQueue, options: SendOptions): SqsMessage {
    const state = this.state(queue);
    const now = Date.now();
    const attributes = options.messageAttributes ?? {};
    const hasAttributes = Object.keys(attributes).length > 0;
    const delay = options.delaySeconds ?? queue.config.delaySeconds;
    const message: SqsMessage = {
      messageId: randomUUID(),
      body: options.body,
      md5OfBody: md5(options.body),
      messageAttributes: attributes,
      ...(hasAttributes ? { md5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
      sentTimestamp: now,
      senderId: options.senderId ?? LOCAL_SENDER_ID,
      receiveCount: 0,
      visibleAt: now + delay * 1000,
    };
    this.put(state, message);
    if (delay === 0) this.notify(state);
    return message;
  }

  private expire(state: QueueState, now: number): void {
    const retentionMs = state.queue.config.messageRetentionPeriod * 1000;
    for (const [id, m] of state.messages) if (m.sentTimestamp + retentionMs <= now) this.remove(state, id);
  }

  private moveToDeadLetter(state: QueueState, message: SqsMessage, now: number): void {
    const target = this.byArn.get(state.queue.config.redrivePolicy?.deadLetterTargetArn ?? '');
    if (!target) return;
    this.remove(state, message.messageId);
    const moved: SqsMessage = {
      ...message,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receivedAt: undefined,
      receiptHandle: undefined,
      visibleAt: now,
      deadLetterQueueSourceArn: state.queue.arn,
    };
    this.put(target, moved);
    this.options.onDeadLetter?.(state.queue, target.queue, moved);
    this.notify(target);
  }

  /** Receives what is visible now, without waiting. Returned messages are snapshots. */
  receiveNow(queue: LocalQueue, options: ReceiveOptions = {}): SqsMessage[] {
    const state = this.state(queue);
    const now = Date.now();
    this.expire(state, now);
    const max = options.maxNumberOfMessages ?? 1;
    const visibility = options.visibilityTimeout ?? queue.config.visibilityTimeout;
    const redrive = queue.config.redrivePolicy;
    const out: SqsMessage[] = [];
    for (const message of state.messages.values()) {
      if (out.length >= max) break;
      if (message.visibleAt > now) continue;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        this.moveToDeadLetter(state, message, now);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.receivedAt = now;
      message.visibleAt = now + visibility * 1000;
      message.receiptHandle = encodeHandle(queue.config.name, message.messageId);
      this.options.store?.put(queue.config.name, message);
      out.push({ ...message });
    }
    return out;
  }

  /** ReceiveMessage: long polls up to `waitTimeSeconds` for at least one message. */
  async receive(queue: LocalQueue, options: ReceiveOptions = {}): Promise<SqsMessage[]> {
    const state = this.state(queue);
    const wait = options.waitTimeSeconds ?? queue.config.receiveMessageWaitTimeSeconds;
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const got = this.receiveNow(queue, options);
      if (got.length > 0 || this.stopped || options.signal?.aborted || Date.now() >= deadline) return got;
      let nextVisible = deadline;
      for (const m of state.messages.values()) nextVisible = Math.min(nextVisible, m.visibleAt);
      await this.waitForChange(state, Math.max(1, nextVisible - Date.now()), options.signal);
    }
  }

  private waitForChange(state: QueueState, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        state.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      state.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private inFlight(queue: LocalQueue, handle: unknown): { state: QueueState; message?: SqsMessage } {
    const state = this.state(queue);
    const decoded = typeof handle === 'string' ? decodeHandle(handle) : undefined;
    if (!decoded || decoded.queue !== queue.config.name) {
      throw new AwsError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${String(handle)}" is not a valid receipt handle.`,
        404,
        'ReceiptHandleIsInvalid',
      );
    }
    const message = state.messages.get(decoded.messageId);
    return { state, message: message?.receiptHandle === handle ? message : undefined };
  }

  /**
   * DeleteMessage. A receipt handle of an earlier receive (the message was received again since) is
   * accepted and deletes nothing, which is one of the outcomes SQS documents for a stale handle.
   */
  delete(queue: LocalQueue, receiptHandle: unknown): void {
    const { state, message } = this.inFlight(queue, receiptHandle);
    if (message) this.remove(state, message.messageId);
  }

  changeVisibility(queue: LocalQueue, receiptHandle: unknown, timeout: unknown): void {
    if (
      typeof timeout !== 'number' ||
      !Number.isInteger(timeout) ||
      timeout < 0 ||
      timeout > MAX_VISIBILITY
    ) {
      throw invalidParameter(
        `Value ${String(timeout)} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.`,
      );
    }
    const { state, message } = this.inFlight(queue, receiptHandle);
    const now = Date.now();
    if (!message) {
      throw invalidParameter(
        `Value ${String(receiptHandle)} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    if (message.visibleAt <= now) {
      throw new AwsError(
        'MessageNotInflight',
        'The message referred to isn\u2019t in flight.',
        400,
        'AWS.SimpleQueueService.MessageNotInflight',
      );
    }
    if (now + timeout * 1000 - (message.receivedAt ?? now) > MAX_VISIBILITY * 1000) {
      throw invalidParameter(
        `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]`,
      );
    }
    message.visibleAt = now + timeout * 1000;
    this.options.store?.put(queue.config.name, message);
    if (timeout === 0) this.notify(state);
  }

  /** PurgeQueue; SQS allows one purge per queue every 60 seconds. */
  purge(queue: LocalQueue): void {
    const state = this.state(queue);
    const now = Date.now();
    if (state.lastPurge !== undefined && now - state.lastPurge < 60_000) {
      throw new AwsError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${queue.config.name} is allowed every 60 seconds.`,
        403,
        'AWS.SimpleQueueService.PurgeQueueInProgress',
      );
    }
    state.lastPurge = now;
    for (const id of [...state.messages.keys()]) this.remove(state, id);
  }

  /** Empties a queue, in flight messages included (tests; no once-a-minute limit). */
  clear(queue: LocalQueue): void {
    const state = this.state(queue);
    for (const id of [...state.messages.keys()]) this.remove(state, id);
  }

  counts(queue: LocalQueue): { visible: number; notVisible: number; delayed: number } {
    const state = this.state(queue);
    const now = Date.now();
    this.expire(state, now);
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const m of state.messages.values()) {
      if (m.visibleAt <= now) visible += 1;
      else if (m.receiveCount > 0) notVisible += 1;
      else delayed += 1;
    }
    return { visible, notVisible, delayed };
  }

  /** Snapshots of every message of a queue, visible or not (for tests and the banner's counts). */
  peek(queue: LocalQueue): SqsMessage[] {
    return [...this.state(queue).messages.values()].map((m) => ({ ...m }));
  }

  /** True when some queue's redrive policy names `arn` as its dead-letter queue. */
  isDeadLetterQueue(arn: string): boolean {
    return [...this.states.values()].some((s) => s.queue.config.redrivePolicy?.deadLetterTargetArn === arn);
  }

  startMoveTask(sourceArn: unknown, destinationArn?: unknown, rate?: unknown): string {
    if (typeof sourceArn !== 'string' || !sourceArn) {
      throw new AwsError(
        'MissingParameter',
        'The request must contain the parameter SourceArn.',
        400,
        'MissingParameter',
      );
    }
    const source = this.byArn.get(sourceArn);
    if (!source) {
      throw new AwsError(
        'ResourceNotFoundException',
        'The resource that you specified for the SourceArn parameter doesn\u2019t exist.',
        404,
        'ResourceNotFoundException',
      );
    }
    if (!this.isDeadLetterQueue(sourceArn)) {
      throw invalidParameter('Source queue must be configured as a Dead Letter Queue.');
    }
    if (
      destinationArn !== undefined &&
      (typeof destinationArn !== 'string' || !this.byArn.has(destinationArn))
    ) {
      throw new AwsError(
        'ResourceNotFoundException',
        'The resource that you specified for the DestinationArn parameter doesn\u2019t exist.',
        404,
        'ResourceNotFoundException',
      );
    }
    if (
      rate !== undefined &&
      (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1 || rate > 500)
    ) {
      throw invalidParameter(
        `Value ${String(rate)} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.`,
      );
    }
    if (
      this.tasks.some(
        (t) => t.sourceArn === sourceArn && (t.status === 'RUNNING' || t.status === 'CANCELLING'),
      )
    ) {
      throw new AwsError(
        'UnsupportedOperation',
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
        400,
        'AWS.SimpleQueueService.UnsupportedOperation',
      );
    }
    const pending = new Set(source.messages.keys());
    const task = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64'),
      sourceArn,
      ...(typeof destinationArn === 'string' ? { destinationArn } : {}),
      ...(typeof rate === 'number' ? { maxNumberOfMessagesPerSecond: rate } : {}),
      startedTimestamp: Date.now(),
      approximateNumberOfMessagesToMove: pending.size,
      status: 'RUNNING' as MoveTaskStatus,
      approximateNumberOfMessagesMoved: 0,
      pending,
    };
    this.tasks.unshift(task);
    this.runMoveTask(task);
    return task.taskHandle;
  }

  private runMoveTask(task: MoveTask & { pending: Set<string>; timer?: NodeJS.Timeout }): void {
    const tickMs = 100;
    const perTick = Math.max(1, Math.ceil(((task.maxNumberOfMessagesPerSecond ?? 500) * tickMs) / 1000));
    const tick = () => {
      task.timer = undefined;
      if (this.stopped) return;
      if (task.status === 'CANCELLING') {
        task.status = 'CANCELLED';
        return;
      }
      const source = this.byArn.get(task.sourceArn) as QueueState;
      const now = Date.now();
      this.expire(source, now);
      let moved = 0;
      for (const id of [...task.pending]) {
        if (moved >= perTick) break;
        const message = source.messages.get(id);
        if (!message) {
          task.pending.delete(id);
          continue;
        }
        if (message.visibleAt > now) continue;
        const to = this.byArn.get(task.destinationArn ?? message.deadLetterQueueSourceArn ?? '');
        if (!to) {
          task.status = 'FAILED';
          task.failureReason = `CouldNotDetermineMessageSource: message ${id} has no DeadLetterQueueSourceArn and the task has no DestinationArn`;
          return;
        }
        this.remove(source, id);
        this.put(to, {
          ...message,
          sentTimestamp: now,
          receiveCount: 0,
          firstReceiveTimestamp: undefined,
          receivedAt: undefined,
          receiptHandle: undefined,
          visibleAt: now,
          deadLetterQueueSourceArn: undefined,
        });
        this.notify(to);
        task.pending.delete(id);
        task.approximateNumberOfMessagesMoved += 1;
        moved += 1;
      }
      if (task.pending.size === 0) {
        task.status = 'COMPLETED';
        return;
      }
      task.timer = setTimeout(tick, tickMs);
    };
    task.timer = setTimeout(tick, 0);
  }

  listMoveTasks(sourceArn: unknown, maxResults: unknown): MoveTask[] {
    if (typeof sourceArn !== 'string' || !this.byArn.has(sourceArn)) {
      throw new AwsError(
        'ResourceNotFoundException',
        'The resource that you specified for the SourceArn parameter doesn\u2019t exist.',
        404,
        'ResourceNotFoundException',
      );
    }
    const max = maxResults === undefined ? 1 : Number(maxResults);
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw invalidParameter(
        `Value ${String(maxResults)} for parameter MaxResults is invalid. Reason: Must be between 1 and 10.`,
      );
    }
    return this.tasks.filter((t) => t.sourceArn === sourceArn).slice(0, max);
  }

  cancelMoveTask(taskHandle: unknown): MoveTask {
    const task = this.tasks.find((t) => t.taskHandle === taskHandle);
    if (!task) {
      throw new AwsError(
        'ResourceNotFoundException',
        'The resource that you specified for the TaskHandle parameter doesn\u2019t exist.',
        404,
        'ResourceNotFoundException',
      );
    }
    if (task.status !== 'RUNNING') throw invalidParameter('Only RUNNING tasks can be cancelled.');
    task.status = 'CANCELLING';
    return task;
  }

  /** Ends long polls and move tasks; no timer survives. The store is closed (synced) last. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const task of this.tasks) {
      clearTimeout(task.timer);
      task.timer = undefined;
    }
    for (const state of this.states.values()) this.notify(state);
    this.options.store?.close();
  }
}

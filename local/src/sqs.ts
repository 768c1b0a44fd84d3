/**
 * The SQS semantics of the template's standard queues, in memory: messages become invisible for the
 * visibility timeout when received (or for what `ChangeMessageVisibility` sets), come back when it runs
 * out, count their receives, and move to the dead-letter queue when a receive would exceed the redrive
 * policy's `maxReceiveCount` (sqs-redrive.ts, with the message move tasks). Retention deletes expired
 * messages; long polling waits for a message to be sent or to become visible. The message model is in
 * sqs-model.ts; queue lookups and the durable store hooks in sqs-queues.ts.
 *
 * The wire protocol is in sqs-api.ts; the Lambda event source mappings (sqs-poller.ts) use this
 * class directly.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from './aws-json.js';
import {
  decodeHandle,
  encodeHandle,
  invalidParameter,
  LOCAL_SENDER_ID,
  type LocalQueue,
  md5,
  md5OfMessageAttributes,
  type ReceiveOptions,
  type SendOptions,
  type SqsMessage,
} from './sqs-model.js';
import type { QueueState } from './sqs-queues.js';
import { SqsRedrive } from './sqs-redrive.js';

export {
  invalidParameter,
  LOCAL_SENDER_ID,
  type LocalQueue,
  type MessageAttributeValue,
  md5,
  md5OfMessageAttributes,
  type QueueConfig,
  queueDoesNotExist,
  type ReceiveOptions,
  type RedrivePolicy,
  type SendOptions,
  type SqsMessage,
} from './sqs-model.js';
export type { SqsBrokerOptions } from './sqs-queues.js';
export type { MoveTask, MoveTaskStatus } from './sqs-redrive.js';

const MAX_VISIBILITY = 43_200;

/** The queues of one local account, with their messages and move tasks. */
export class SqsBroker extends SqsRedrive {
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
    // Waiters wake for a delayed message too: a long poll that began before it slept until its own
    // deadline (up to 20 s) and only then saw a message that was due long before.
    this.notify(state);
    return message;
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
    // Any change, not only 0: a shorter timeout makes the message due before a waiter's next wake-up.
    this.notify(state);
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

  /** Ends long polls and move tasks; no timer survives. The store is closed (synced) last. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopMoveTasks();
    for (const state of this.states.values()) this.notify(state);
    this.options.store?.close();
  }
}

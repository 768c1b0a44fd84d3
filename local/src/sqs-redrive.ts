/**
 * Dead-lettering and message move tasks. A message moves to the dead-letter queue when a receive would
 * exceed the redrive policy's `maxReceiveCount` (as SQS does: at receive time, keeping message id,
 * body, attributes and the original enqueue timestamp, adding `DeadLetterQueueSourceArn`). Move tasks
 * (`StartMessageMoveTask`) redrive a dead-letter queue to its source queue(s) or to a given queue.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from './aws-json.js';
import { invalidParameter, type SqsMessage } from './sqs-model.js';
import { type QueueState, SqsQueues } from './sqs-queues.js';

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

type RunningMoveTask = MoveTask & { pending: Set<string>; timer?: NodeJS.Timeout };

/** The queues with their redrive: what a receive hands to the DLQ, and the move tasks out of it. */
export class SqsRedrive extends SqsQueues {
  private readonly tasks: RunningMoveTask[] = [];

  protected moveToDeadLetter(state: QueueState, message: SqsMessage, now: number): void {
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

  private runMoveTask(task: RunningMoveTask): void {
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

  /** Clears the move tasks' timers (the broker stops). */
  protected stopMoveTasks(): void {
    for (const task of this.tasks) {
      clearTimeout(task.timer);
      task.timer = undefined;
    }
  }
}

/**
 * Dead-letter queues of the stack, for ops: their depth, a peek at their messages, and redrive back to the
 * queues they came from with SQS's own move tasks (`StartMessageMoveTask`, `ListMessageMoveTasks`).
 * The queues are the ones named in `DEAD_LETTER_QUEUES` (env.ts), never discovered.
 */
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { DeadLetterQueueRegistry } from './env.js';
import { DeadLetterQueueNotFoundError, RedriveInProgressError, RedriveNotSupportedError } from './errors.js';

export interface DeadLetterQueueView {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly sourceQueues: readonly string[];
  /** False for stream on-failure destinations (see RedriveNotSupportedError). */
  readonly redrivable: boolean;
  readonly approximateMessages: number;
  readonly approximateMessagesNotVisible: number;
}

export interface DeadLetterMessage {
  readonly messageId: string;
  /** The body parsed when it is JSON, else the raw string. */
  readonly body: unknown;
  readonly receiveCount: number;
  readonly sentAt: string | null;
  /** The queue the message was dead-lettered from; null for messages SQS did not move here itself. */
  readonly sourceQueueArn: string | null;
}

export type RedriveStatus = 'running' | 'completed' | 'cancelling' | 'cancelled' | 'failed';

export interface Redrive {
  readonly taskHandle: string | null;
  readonly status: RedriveStatus;
  readonly sourceArn: string;
  readonly destinationArn: string | null;
  readonly maxPerSecond: number | null;
  readonly messagesMoved: number;
  readonly messagesToMove: number | null;
  readonly failureReason: string | null;
  readonly startedAt: string | null;
}

/** SQS's ceiling for `MaxNumberOfMessagesPerSecond`. */
export const MAX_REDRIVE_PER_SECOND = 500;

/**
 * Error names SQS answers a second StartMessageMoveTask on a source with a running task with (the local
 * emulation says `UnsupportedOperation`; the API reference lists it among the action's errors).
 */
const START_REFUSED = new Set(['UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation']);

const iso = (millis: string | number | undefined): string | null => {
  const n = Number(millis);
  return millis === undefined || !Number.isFinite(n) ? null : new Date(n).toISOString();
};

function parseBody(body: string | undefined): unknown {
  if (body === undefined) return null;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

export class DeadLetterQueues {
  constructor(
    private readonly client: SQSClient,
    private readonly registry: DeadLetterQueueRegistry,
  ) {}

  /** Every DLQ with its depth (one GetQueueAttributes each, in parallel), sorted by name. */
  async list(): Promise<DeadLetterQueueView[]> {
    const names = Object.keys(this.registry).sort();
    return Promise.all(names.map((name) => this.describe(name)));
  }

  async describe(name: string): Promise<DeadLetterQueueView> {
    const queue = this.queue(name);
    const { Attributes = {} } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      name,
      url: queue.url,
      arn: queue.arn,
      sourceQueues: queue.sources,
      redrivable: queue.sources.length > 0,
      approximateMessages: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      approximateMessagesNotVisible: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }

  /**
   * Up to `limit` (1–10) messages, left in the queue. Each peek is a receive, so it adds one to the
   * messages' receive counts (harmless here: a DLQ has no redrive policy of its own).
   */
  async peek(name: string, limit: number): Promise<DeadLetterMessage[]> {
    const queue = this.queue(name);
    const { Messages = [] } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: limit,
        // A peek must not hide messages from a concurrent redrive: visibility 0 leaves them receivable
        // (and movable) at once, exactly as if nobody had looked.
        VisibilityTimeout: 0,
        // A short poll samples only some SQS servers and may answer empty while messages exist; a 1 s
        // long poll asks all of them and returns as soon as any message is there.
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return Messages.map((m) => ({
      messageId: m.MessageId ?? '',
      body: parseBody(m.Body),
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 0),
      sentAt: iso(m.Attributes?.SentTimestamp),
      sourceQueueArn: m.Attributes?.DeadLetterQueueSourceArn ?? null,
    }));
  }

  /**
   * Starts moving every message of the DLQ back to the queue it came from (no `DestinationArn`: SQS uses
   * each message's `DeadLetterQueueSourceArn`), or to the DLQ's `redriveTo` queue when its messages were put
   * there by Lambda rather than by a redrive policy.
   * @throws RedriveNotSupportedError for a DLQ no queue feeds; RedriveInProgressError when one runs.
   */
  async redrive(name: string, maxPerSecond?: number): Promise<{ taskHandle: string; status: RedriveStatus }> {
    const queue = this.queue(name);
    if (queue.sources.length === 0) throw new RedriveNotSupportedError(name);
    try {
      const { TaskHandle } = await this.client.send(
        new StartMessageMoveTaskCommand({
          SourceArn: queue.arn,
          ...(queue.redriveTo ? { DestinationArn: queue.redriveTo } : {}),
          ...(maxPerSecond !== undefined ? { MaxNumberOfMessagesPerSecond: maxPerSecond } : {}),
        }),
      );
      return { taskHandle: TaskHandle ?? '', status: 'running' };
    } catch (error) {
      if (!START_REFUSED.has((error as { name?: string }).name ?? '')) throw error;
      // Refused: the documented reason is a task already active on this source; confirm before saying so.
      const [latest] = await this.redrives(name, 1);
      if (latest?.status === 'running' || latest?.status === 'cancelling') {
        throw new RedriveInProgressError(name, latest.taskHandle ?? undefined, { cause: error });
      }
      throw error;
    }
  }

  /** The most recent move tasks of the DLQ (SQS keeps up to 10), newest first. */
  async redrives(name: string, max = 10): Promise<Redrive[]> {
    const queue = this.queue(name);
    const { Results = [] } = await this.client.send(
      new ListMessageMoveTasksCommand({ SourceArn: queue.arn, MaxResults: max }),
    );
    return Results.map((t) => ({
      taskHandle: t.TaskHandle ?? null,
      status: (t.Status ?? 'RUNNING').toLowerCase() as RedriveStatus,
      sourceArn: t.SourceArn ?? queue.arn,
      destinationArn: t.DestinationArn ?? null,
      maxPerSecond: t.MaxNumberOfMessagesPerSecond ?? null,
      messagesMoved: t.ApproximateNumberOfMessagesMoved ?? 0,
      messagesToMove: t.ApproximateNumberOfMessagesToMove ?? null,
      failureReason: t.FailureReason ?? null,
      startedAt: iso(t.StartedTimestamp),
    }));
  }

  private queue(name: string) {
    const queue = Object.hasOwn(this.registry, name) ? this.registry[name] : undefined;
    if (!queue) throw new DeadLetterQueueNotFoundError(name);
    return queue;
  }
}

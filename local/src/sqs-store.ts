/**
 * With `--persist`, the queues' messages on disk, as SQS keeps them: every change of a message (sent,
 * received, its visibility changed, moved to a dead-letter queue, deleted, expired) is one journal
 * entry, written before the broker's caller is answered. After a restart each message is back with
 * its receive count; one in flight when the runtime stopped is visible again at once (sqs-queues.ts: its
 * consumer stopped with the runtime).
 *
 * Message move tasks (DLQ redrives) are not kept: the messages they had moved are where they were put,
 * the rest stay in the dead-letter queue, and ops start a new redrive.
 */
import { DurableLog, readJournal } from './durable-log.js';
import type { SqsMessage } from './sqs-model.js';

/** What the broker tells its store; without one, queues live in memory only. */
export interface QueueStore {
  /** The messages a queue held when the runtime last stopped. */
  messages(queue: string): SqsMessage[];
  put(queue: string, message: SqsMessage): void;
  remove(queue: string, messageId: string): void;
  /** Resolves once every change so far is on disk. */
  flush(): Promise<void>;
  close(): void;
}

type Entry = { readonly q: string; readonly m: SqsMessage } | { readonly q: string; readonly d: string };

/** Compacts once the journal holds this many entries more than there are live messages… */
const COMPACT_MIN = 10_000;
/** …and at least this many times as many. */
const COMPACT_RATIO = 4;

export class FileQueueStore implements QueueStore {
  private readonly queues = new Map<string, Map<string, SqsMessage>>();
  private readonly log: DurableLog<Entry>;
  private live = 0;
  /** Lines of the journal that could not be read at start-up (a torn last write). */
  readonly damaged: number;

  constructor(file: string) {
    const { entries, damaged } = readJournal<Entry>(file);
    this.damaged = damaged;
    for (const entry of entries) {
      if (typeof entry?.q !== 'string') continue;
      if ('m' in entry && typeof entry.m?.messageId === 'string')
        this.queue(entry.q).set(entry.m.messageId, entry.m);
      else if ('d' in entry) this.queue(entry.q).delete(entry.d);
    }
    for (const q of this.queues.values()) this.live += q.size;
    this.log = new DurableLog<Entry>(file, this.snapshot());
  }

  messages(queue: string): SqsMessage[] {
    return [...(this.queues.get(queue)?.values() ?? [])].map((m) => ({ ...m }));
  }

  put(queue: string, message: SqsMessage): void {
    const messages = this.queue(queue);
    if (!messages.has(message.messageId)) this.live += 1;
    const copy = { ...message };
    messages.set(message.messageId, copy);
    this.log.append({ q: queue, m: copy });
    this.maybeCompact();
  }

  remove(queue: string, messageId: string): void {
    const messages = this.queues.get(queue);
    if (!messages?.delete(messageId)) return;
    this.live -= 1;
    this.log.append({ q: queue, d: messageId });
    this.maybeCompact();
  }

  flush(): Promise<void> {
    return this.log.sync();
  }

  close(): void {
    this.log.close();
  }

  private queue(name: string): Map<string, SqsMessage> {
    let messages = this.queues.get(name);
    if (!messages) {
      messages = new Map();
      this.queues.set(name, messages);
    }
    return messages;
  }

  private *snapshot(): Generator<Entry> {
    for (const [q, messages] of this.queues) for (const m of messages.values()) yield { q, m };
  }

  private maybeCompact(): void {
    const excess = this.log.sinceCompaction;
    if (excess > COMPACT_MIN && excess > COMPACT_RATIO * this.live) this.log.compact(this.snapshot());
  }
}

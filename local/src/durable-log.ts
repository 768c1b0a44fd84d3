/**
 * An append-only JSON Lines journal for what `--persist` keeps of the emulated services (queue
 * messages, the sandbox PSP's books, Step Functions executions). Each entry is one `write(2)` of one
 * line, so a SIGKILL of the runtime loses nothing already appended (the kernel holds it); `sync()`
 * fsyncs every entry appended so far, several callers sharing one fsync (group commit), and the
 * services await it before they answer, so what they acknowledged also survives a machine crash.
 *
 * Reading tolerates a torn write: a last line cut short (no newline, or not JSON) is dropped, and a
 * damaged line elsewhere is skipped and counted, never a reason not to start. The owner rewrites the
 * journal as a snapshot of its live state (`compact`: temp file, fsync, rename), at start-up (which also
 * removes a torn tail before anything is appended after it) and whenever the journal has grown well
 * past what is live.
 */
import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export interface JournalContents<T> {
  readonly entries: T[];
  /** Lines that could not be read (a torn tail or a damaged line); they are dropped. */
  readonly damaged: number;
}

/** Reads a journal; a missing file is an empty one. */
export function readJournal<T>(file: string): JournalContents<T> {
  if (!existsSync(file)) return { entries: [], damaged: 0 };
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries: T[] = [];
  let damaged = 0;
  for (const line of lines) {
    if (line === '') continue;
    try {
      entries.push(JSON.parse(line) as T);
    } catch {
      damaged += 1;
    }
  }
  return { entries, damaged };
}

export class DurableLog<T> {
  private fd: number;
  private appended = 0;
  private written = 0;
  private synced = 0;
  private syncing?: Promise<void>;
  private closed = false;

  /** Opens `file`, replacing its contents with `snapshot` (see `compact`). */
  constructor(
    readonly file: string,
    snapshot: Iterable<T> = [],
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = this.rewrite(snapshot);
  }

  /** Entries appended since the last compaction (to decide when to compact). */
  get sinceCompaction(): number {
    return this.appended;
  }

  /** Appends one entry; on return it survives the death of this process. */
  append(entry: T): void {
    if (this.closed) return;
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    this.appended += 1;
    this.written += 1;
  }

  /** Resolves once everything appended before the call is on disk (one fsync for concurrent callers). */
  async sync(): Promise<void> {
    const target = this.written;
    while (this.synced < target && !this.closed) {
      if (!this.syncing) {
        const upTo = this.written;
        const fd = this.fd;
        this.syncing = new Promise<void>((resolve) => {
          fdatasync(fd, () => {
            // A failed fsync (the fd was replaced by a compaction, which fsynced itself) counts as done.
            this.synced = Math.max(this.synced, upTo);
            this.syncing = undefined;
            resolve();
          });
        });
      }
      await this.syncing;
    }
  }

  /** Replaces the journal with `snapshot` atomically: a crash leaves either the old or the new file. */
  compact(snapshot: Iterable<T>): void {
    if (this.closed) return;
    const old = this.fd;
    this.fd = this.rewrite(snapshot);
    closeSync(old);
    this.synced = this.written;
    this.appended = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }

  private rewrite(snapshot: Iterable<T>): number {
    const temp = `${this.file}.tmp`;
    const fd = openSync(temp, 'w');
    try {
      let chunk = '';
      for (const entry of snapshot) {
        chunk += `${JSON.stringify(entry)}\n`;
        if (chunk.length > 1 << 20) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      if (chunk) writeSync(fd, chunk);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.file);
    fsyncDirectory(dirname(this.file));
    return openSync(this.file, 'a');
  }
}

/** Makes a rename durable (the directory entry); not possible on every platform, harmless to skip. */
function fsyncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Windows cannot open a directory; the rename itself is still atomic.
  }
}

/** A journal as a port: what earlier runs wrote, and a log that goes on from there. */
export interface Journal<T> {
  readonly entries: readonly T[];
  /** Lines of the file that could not be read (a torn last write); dropped. */
  readonly damaged: number;
  append(entry: T): void;
  sync(): Promise<void>;
  close(): void;
}

/** Opens a journal that is never compacted beyond start-up (for books that only grow, like a PSP's). */
export function openJournal<T>(file: string): Journal<T> {
  const { entries, damaged } = readJournal<T>(file);
  const log = new DurableLog<T>(file, entries);
  return {
    entries,
    damaged,
    append: (entry) => log.append(entry),
    sync: () => log.sync(),
    close: () => log.close(),
  };
}

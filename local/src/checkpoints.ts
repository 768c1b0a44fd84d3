/**
 * Where each event source mapping got to in each shard. In AWS a mapping keeps its position across
 * anything; locally it matters with `--persist`: without it, a restart with `TRIM_HORIZON` would replay
 * every record still in the stream (DynamoDB Local keeps them 24 hours) and re-dispatch old payments.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CheckpointStore {
  get(key: string): string | undefined;
  set(key: string, sequenceNumber: string): void;
}

/** Checkpoints that live as long as the process (the in-memory database does not outlive it either). */
export function memoryCheckpoints(): CheckpointStore {
  const map = new Map<string, string>();
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v) };
}

/** Checkpoints kept in a JSON file, rewritten atomically on each change (they are few and small). */
export function fileCheckpoints(file: string): CheckpointStore {
  let data: Record<string, string> = {};
  try {
    if (existsSync(file)) data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    // Unreadable (it is replaced by rename, so only by hand): mappings start over and replay records.
    data = {};
  }
  return {
    get: (k) => data[k],
    set: (k, v) => {
      data[k] = v;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(data, null, 2));
      renameSync(`${file}.tmp`, file);
    },
  };
}

/**
 * `.local/runtime.json`: where a running `npm start` serves what (its pid, the API, DynamoDB Local and
 * its table, S3 and its buckets, the sandbox PSP and the channel simulators), so command-line tools such as `npm run reconcile` act
 * on it without being told the random ports. Written once the runtime is up, removed when it stops; a
 * file left by a killed runtime is recognised by its dead pid.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LocalRuntime } from './runtime.js';
import { PROJECT_ROOT } from './synth.js';

export const RUNTIME_FILE = join(PROJECT_ROOT, '.local', 'runtime.json');

export interface RuntimeFile {
  readonly pid: number;
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly s3Endpoint: string;
  readonly buckets: readonly { readonly logicalId: string; readonly name: string }[];
  readonly pspUrl: string;
  /** The emulated SQS endpoint (absent in files of older runtimes). */
  readonly sqsEndpoint?: string;
  /** The channel simulators' URLs, by channel (absent in files of older runtimes). */
  readonly channelUrls?: Readonly<Record<string, string>>;
}

export function writeRuntimeFile(runtime: LocalRuntime): void {
  const file: RuntimeFile = {
    pid: process.pid,
    url: runtime.url,
    dynamoEndpoint: runtime.dynamoEndpoint,
    tableName: runtime.tableName,
    s3Endpoint: runtime.s3Endpoint,
    buckets: runtime.buckets,
    pspUrl: runtime.pspUrl,
    sqsEndpoint: runtime.sqsEndpoint,
    channelUrls: runtime.channelUrls,
  };
  mkdirSync(dirname(RUNTIME_FILE), { recursive: true });
  writeFileSync(RUNTIME_FILE, `${JSON.stringify(file, null, 2)}\n`);
}

/** Removes the file if this process wrote it (another runtime may have started since). */
export function removeRuntimeFile(): void {
  try {
    const file = JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as RuntimeFile;
    if (file.pid === process.pid) rmSync(RUNTIME_FILE, { force: true });
  } catch {
    // No file, or not ours to judge: leave it.
  }
}

/** The running local runtime, or `undefined` when none is (no file, or its process is gone). */
export function readRuntimeFile(): RuntimeFile | undefined {
  if (!existsSync(RUNTIME_FILE)) return undefined;
  const file = JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as RuntimeFile;
  try {
    process.kill(file.pid, 0);
    return file;
  } catch {
    return undefined;
  }
}

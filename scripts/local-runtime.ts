/**
 * The running `npm start`, as the emulator describes it in `.local/runtime.json` (its pid, the API,
 * DynamoDB Local and its table, S3 and its buckets, the sandbox PSP), so command-line tools act on it
 * without being told its random ports. Read as data: the product does not import the emulator.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RUNTIME_FILE = fileURLToPath(new URL('../.local/runtime.json', import.meta.url));

export interface LocalRuntimeInfo {
  readonly pid: number;
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly s3Endpoint: string;
  readonly buckets: readonly { readonly logicalId: string; readonly name: string }[];
  readonly pspUrl: string;
  /** The channel simulators' URLs, by channel (absent from older runtimes' files). */
  readonly channelUrls?: Readonly<Record<string, string>>;
}

/** The running local runtime, or `undefined` when none is (no file, or its process is gone). */
export function readLocalRuntime(): LocalRuntimeInfo | undefined {
  if (!existsSync(RUNTIME_FILE)) return undefined;
  const file = JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as LocalRuntimeInfo;
  try {
    process.kill(file.pid, 0);
    return file;
  } catch {
    return undefined;
  }
}

/**
 * Starts, interrupts and kills the local runtime with `--persist` as a child process (runtime-child.ts)
 * on a data directory of the test's own. Its DynamoDB Local runs in a process group of its own (see
 * local/src/dynamodb-local.ts); the processes found with the data directory on their command line are
 * that Java process and its watchdog shell, the only ones that can hold the database files, so a restart
 * waits for them to go, and `kill()` ends them by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../local/src/synth.js';

export interface ChildRuntime {
  readonly url: string;
  readonly pspUrl: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  readonly child: ChildProcess;
}

export interface ChildRuntimeOptions {
  readonly dataDir: string;
  readonly callbackDelayMs?: number;
  readonly maxVisibilityTimeoutSeconds?: number;
  readonly maxBatchingWindowSeconds?: number;
  /** Variables added to every function's environment. */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
}

const CHILD = join(PROJECT_ROOT, 'test', 'support', 'runtime-child.ts');
/** The project's pinned Node 22 (what `npm start` runs, and what the function workers need), if installed. */
const PINNED_NODE = join(PROJECT_ROOT, 'node_modules', '.bin', 'node');
const NODE = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;

/** Starts the runtime and resolves once it serves (within `timeoutMs`). */
export function startChildRuntime(options: ChildRuntimeOptions, timeoutMs = 60_000): Promise<ChildRuntime> {
  const child = spawn(NODE, ['--import', 'tsx', CHILD, JSON.stringify(options)], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
    if (process.env.LOCAL_RUNTIME_LOGS === '1') process.stderr.write(chunk);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`the runtime did not start within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the runtime exited (${code ?? signal}) before it served\n${stderr}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (!line) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ ...(JSON.parse(line.slice('READY '.length)) as Omit<ChildRuntime, 'child'>), child });
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Pids of the processes whose command line names `dataDir` (its DynamoDB Local and watchdog). */
export function processesUsing(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dataDir)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** Waits until no process uses `dataDir`; after `timeoutMs`, kills what is left by pid. */
async function released(dataDir: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (processesUsing(dataDir).length > 0) {
    if (Date.now() > deadline) {
      for (const pid of processesUsing(dataDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Ctrl-C: SIGINT to the runtime; resolves once it and its DynamoDB Local have exited. */
export async function interrupt(runtime: ChildRuntime, dataDir: string): Promise<void> {
  runtime.child.kill('SIGINT');
  const timer = setTimeout(() => killGroup(runtime.child, 'SIGKILL'), 20_000);
  await exited(runtime.child);
  clearTimeout(timer);
  await released(dataDir);
}

/** SIGKILL of the runtime's whole process group; resolves once its DynamoDB Local has gone too. */
export async function kill(runtime: ChildRuntime, dataDir: string): Promise<void> {
  killGroup(runtime.child, 'SIGKILL');
  await exited(runtime.child);
  await released(dataDir);
}

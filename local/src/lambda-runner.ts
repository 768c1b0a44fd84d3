/**
 * Runs a function's bundle the way Lambda does: each execution environment is a worker thread with
 * the function's own environment; an environment serves one invocation at a time, so concurrent
 * invocations get more environments (each with its own cold start, logged). A timeout or a crash
 * discards the environment, never the runtime.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { FunctionSpec } from './functions.js';
import type { InvokeMessage, LambdaError, WorkerData, WorkerMessage } from './lambda-protocol.js';
import type { Logger } from './log.js';
import type { LocalMetering } from './metering.js';
import { continuedTraceHeader, newTraceHeader } from './trace-header.js';

export type InvokeResult =
  | { readonly ok: true; readonly payload: unknown; readonly requestId: string; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly error: LambdaError;
      readonly requestId: string;
      readonly durationMs: number;
    };

export interface LambdaRunnerOptions {
  readonly log: Logger;
  /** Upper bound of concurrent environments per function (Lambda's reserved concurrency, roughly). */
  readonly maxConcurrency?: number;
  /**
   * An environment idle this long is reclaimed, as Lambda reclaims idle sandboxes (after minutes there;
   * sooner here, where every environment is a laptop's memory). Default DEFAULT_IDLE_MS.
   */
  readonly idleMs?: number;
  /**
   * An environment idle this long is reclaimed while another of the function's stays: the spares a burst
   * started go soon after it, the last one waits for `idleMs`. Default DEFAULT_SPARE_IDLE_MS (or `idleMs`
   * when that is shorter).
   */
  readonly spareIdleMs?: number;
  /**
   * Runs the environments at a lower CPU priority (Linux: nice 5 on their threads): for functions only
   * events invoke, which in AWS run on other machines than the API's and here would take its CPU.
   */
  readonly background?: boolean;
  readonly invokedFunctionArn: string;
  /** Counts invocations, handler durations and cold starts when given (the bench). */
  readonly metering?: LocalMetering;
  /** Receives each line the function writes (what Lambda ships to its log group). */
  readonly onLine?: (line: string) => void;
}

/**
 * Environments per function unless told otherwise (runtime-options.ts, `lambdaConcurrency`): one per core,
 * at least two. More only share the same cores, each with a cold start and 30–40 MB of its own.
 */
export const DEFAULT_LAMBDA_CONCURRENCY = Math.max(2, availableParallelism());
/** How long an environment may stay idle before it is reclaimed, unless told otherwise. */
export const DEFAULT_IDLE_MS = 60_000;
/**
 * How long a function's spare environment (not its last) may stay idle. A burst leaves a second
 * environment of the busy functions (create-payment, the callback, core's outcomes function) at 20–30 MB
 * each, which the load bench's burst of 2,000 creates found still alive a minute on. Back to back on one
 * machine, the runtime held 832 MB (33 threads) after the burst with spares reclaimed at 20 s, 944 MB (38)
 * without; a spare kept 20 s still serves the bursts that follow each other.
 */
export const DEFAULT_SPARE_IDLE_MS = 20_000;

/**
 * Nice value of event-invoked functions' threads: enough for requests to go first when the cores are
 * busy, not so much that the consumers stall on a machine busy with other work.
 */
const BACKGROUND_NICE = Number(process.env.LOCAL_LAMBDA_BACKGROUND_NICE ?? 5);

/**
 * Young generation of each environment's heap (see the Worker's resourceLimits). The load bench's burst
 * left the runtime at 646 MB with 3 MB against 710 MB with 8 (one machine, one run after the other; 20
 * environments, their heaps 365 MB against 396), at the same rate of creates; 571 MB with 2 MB and heaps
 * growing 30 % against 588 MB with 3 MB and 50 % (main.ts).
 */
const YOUNG_GENERATION_MB = Number(process.env.LOCAL_LAMBDA_YOUNG_GENERATION_MB) || 2;

const WORKER_SOURCE = fileURLToPath(new URL('./lambda-worker.ts', import.meta.url));

let workerEntry: Promise<string> | undefined;

/**
 * The environments' entry module: lambda-worker.ts (with the bench's meter it may load) bundled once per
 * runtime into plain JavaScript, in a file named by its content under the temporary directory. Given the
 * `.ts` file, every worker would strip its types with Node's own stripper, which instantiates a
 * WebAssembly build of swc in each worker thread: 9 MB of the 28 MB an environment of create-payment takes
 * at its cold start, kept for the environment's life, for a file of a hundred lines.
 */
export function workerEntryFile(): Promise<string> {
  workerEntry ??= build({
    entryPoints: [WORKER_SOURCE],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    write: false,
    logLevel: 'silent',
  }).then((result) => {
    const code = result.outputFiles[0]?.text ?? '';
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
    const file = join(tmpdir(), `payments-lambda-worker-${hash}.mjs`);
    if (!existsSync(file)) {
      // Written aside and renamed: another runtime may be reading the same name meanwhile.
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, code);
      renameSync(partial, file);
    }
    return file;
  });
  // A failed bundle is reported by the invocation that awaits it, and tried again by the next one.
  workerEntry.catch(() => {
    workerEntry = undefined;
  });
  return workerEntry;
}

/**
 * The runtime's own Node flags for a worker, minus tsx's loader: the worker's entry and the functions'
 * bundles are plain JavaScript, and tsx's hooks would otherwise run for every module a cold start loads,
 * doubling its time and the environment's memory (about 64 MB against 31 MB for create-payment's bundle).
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i += 1) {
    const arg = execArgv[i] as string;
    if (
      /^(--import|--require|-r|--loader|--experimental-loader)$/.test(arg) &&
      /tsx/.test(execArgv[i + 1] ?? '')
    ) {
      i += 1;
      continue;
    }
    if (/^--(import|require|loader|experimental-loader)=.*tsx/.test(arg)) continue;
    out.push(arg);
  }
  return out;
}
const EXEC_ARGV = workerExecArgv();

class Environment {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  private pending?: { id: number; settle: (message: WorkerMessage | LambdaError) => void };
  private nextId = 1;
  dead = false;
  idleTimer?: NodeJS.Timeout;

  constructor(entry: string, spec: FunctionSpec, options: LambdaRunnerOptions) {
    const data: WorkerData = {
      file: spec.file,
      exportName: spec.exportName,
      functionName: spec.functionName,
      memorySize: spec.memorySize,
      invokedFunctionArn: options.invokedFunctionArn,
      ...(options.metering && { measureUsage: true }),
      background: options.background === true ? BACKGROUND_NICE : 0,
    };
    this.worker = new Worker(entry, {
      workerData: data,
      env: { ...spec.environment },
      execArgv: EXEC_ARGV,
      stdout: true,
      stderr: true,
      // The heap is the part of Lambda's memory setting a worker can honour. The young generation is
      // kept small: V8 sizes it from the heap limit (up to 48 MB at 1,024 MB), which a busy worker fills
      // with garbage that a handler's short-lived objects never need, and which stays resident.
      resourceLimits: {
        maxOldGenerationSizeMb: Math.max(128, spec.memorySize),
        maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
      },
      name: spec.functionName,
    });
    const write = (line: string) => {
      options.log.fn(spec.logicalId, line);
      options.onLine?.(line);
    };
    pipeLines(this.worker.stdout, write);
    pipeLines(this.worker.stderr, write);
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'ready') {
          options.log.info(`${spec.logicalId}: cold start ${message.initMs} ms`);
          resolve();
        } else if (message.type === 'init-error') {
          reject(message.error);
        } else if (
          (message.type === 'result' || message.type === 'error') &&
          this.pending?.id === message.id
        ) {
          const { settle } = this.pending;
          this.pending = undefined;
          settle(message);
        }
      };
      this.worker.on('message', onMessage);
      const fail = (error: LambdaError) => {
        this.dead = true;
        reject(error);
        const pending = this.pending;
        this.pending = undefined;
        pending?.settle(error);
      };
      this.worker.on('error', (error) =>
        fail({ errorType: 'Runtime.UnhandledError', errorMessage: String((error as Error)?.stack ?? error) }),
      );
      this.worker.on('exit', (code) =>
        fail({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: exited with code ${code}` }),
      );
    });
    // A rejected `ready` is observed by whoever awaits it; this keeps an unused one from crashing us.
    this.ready.catch(() => undefined);
  }

  invoke(invocation: Omit<InvokeMessage, 'type' | 'id'>): Promise<WorkerMessage | LambdaError> {
    const id = this.nextId++;
    return new Promise((settle) => {
      this.pending = { id, settle };
      const message: InvokeMessage = { type: 'invoke', id, ...invocation };
      this.worker.postMessage(message);
    });
  }

  async terminate(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }
}

function pipeLines(stream: Readable, write: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', write);
}

/** One function's pool of execution environments. */
export class LambdaFunction {
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    readonly spec: FunctionSpec,
    private readonly options: LambdaRunnerOptions,
  ) {}

  /**
   * Invokes the function with `event`; never rejects: failures come back as `{ ok: false }`.
   * `traceHeader` is the caller's `X-Amzn-Trace-Id` (an Invoke from another function): the invocation
   * continues that trace, as an actively traced function does in AWS; without one it starts its own.
   */
  async invoke(
    event: unknown,
    requestId: string = randomUUID(),
    traceHeader?: string,
  ): Promise<InvokeResult> {
    const started = performance.now();
    const done = (r: { ok: true; payload: unknown } | { ok: false; error: LambdaError }): InvokeResult => ({
      ...r,
      requestId,
      durationMs: Math.round(performance.now() - started),
    });
    if (this.closed)
      return done({ ok: false, error: { errorType: 'Runtime.Closed', errorMessage: 'runtime stopped' } });
    let entry: string;
    try {
      entry = await workerEntryFile();
    } catch (error) {
      const errorMessage = `the execution environment's entry could not be built: ${(error as Error).message}`;
      return this.failed(done({ ok: false, error: { errorType: 'Runtime.InitError', errorMessage } }));
    }
    const env = await this.acquire(entry);
    try {
      await env.ready;
    } catch (error) {
      this.discard(env);
      return this.failed(done({ ok: false, error: error as LambdaError }));
    }
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const metering = this.options.metering;
    metering?.invocationStarted();
    const continued = continuedTraceHeader(traceHeader);
    const invokeStarted = performance.now();
    const outcome = await Promise.race([
      env.invoke({
        event: JSON.stringify(event ?? null),
        requestId,
        deadline: Date.now() + timeoutMs,
        traceId: continued ?? newTraceHeader(),
      }),
      timedOut,
    ]);
    clearTimeout(timer);
    metering?.invocationEnded(this.spec, performance.now() - invokeStarted, {
      ok: outcome !== 'timeout' && 'type' in outcome && outcome.type === 'result',
      continuedTrace: continued !== undefined,
      ...(outcome !== 'timeout' && 'usage' in outcome && outcome.usage ? { usage: outcome.usage } : {}),
    });
    if (outcome === 'timeout') {
      // Lambda freezes and discards a sandbox that timed out; so do we.
      this.discard(env);
      const error = {
        errorType: 'Sandbox.Timedout',
        errorMessage: `${requestId} Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
      };
      return this.failed(done({ ok: false, error }));
    }
    if (!('type' in outcome)) {
      this.discard(env);
      return this.failed(done({ ok: false, error: outcome }));
    }
    this.release(env);
    if (outcome.type === 'result') return done({ ok: true, payload: JSON.parse(outcome.payload) as unknown });
    if (outcome.type === 'error') return this.failed(done({ ok: false, error: outcome.error }));
    return this.failed(
      done({ ok: false, error: { errorType: 'Runtime.Unknown', errorMessage: outcome.type } }),
    );
  }

  private failed(result: InvokeResult): InvokeResult {
    // An invocation cut short because the runtime is stopping did not fail: say so, not as an error.
    if (!result.ok && this.closed && result.error.errorType === 'Runtime.ExitError') {
      this.options.log.info(`${this.spec.logicalId} ${result.requestId}: stopped with the runtime`);
      return result;
    }
    if (!result.ok) {
      const stack = result.error.stackTrace?.length ? `\n    ${result.error.stackTrace.join('\n    ')}` : '';
      this.options.log.error(
        `${this.spec.logicalId} ${result.requestId}: ${result.error.errorType}: ${result.error.errorMessage}${stack}`,
      );
    }
    return result;
  }

  private async acquire(entry: string): Promise<Environment> {
    for (;;) {
      const env = this.idle.pop();
      clearTimeout(env?.idleTimer);
      if (env && !env.dead) return env;
      if (!env && this.all.size < (this.options.maxConcurrency ?? DEFAULT_LAMBDA_CONCURRENCY)) {
        const created = new Environment(entry, this.spec, this.options);
        this.options.metering?.coldStart(this.spec);
        this.all.add(created);
        return created;
      }
      if (!env) await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(env: Environment): void {
    if (env.dead || this.closed) {
      this.discard(env);
      return;
    }
    this.idle.push(env);
    const idleMs = this.options.idleMs ?? DEFAULT_IDLE_MS;
    const spareMs = Math.min(this.options.spareIdleMs ?? DEFAULT_SPARE_IDLE_MS, idleMs);
    env.idleTimer = setTimeout(() => this.reclaim(env, idleMs - spareMs), spareMs);
    env.idleTimer.unref();
    this.waiting.shift()?.();
  }

  /** Reclaims `env` if another environment stays; the last one waits `remainingMs` more first. */
  private reclaim(env: Environment, remainingMs = 0): void {
    const at = this.idle.indexOf(env);
    if (at < 0) return;
    if (this.all.size === 1 && remainingMs > 0) {
      env.idleTimer = setTimeout(() => this.reclaim(env), remainingMs);
      env.idleTimer.unref();
      return;
    }
    this.idle.splice(at, 1);
    this.options.log.info(`${this.spec.logicalId}: idle environment reclaimed`);
    this.discard(env);
  }

  private discard(env: Environment): void {
    this.all.delete(env);
    void env.terminate();
    this.waiting.shift()?.();
  }

  /** Terminates every environment of this function. */
  async close(): Promise<void> {
    this.closed = true;
    const envs = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(envs.map((e) => e.terminate()));
    for (const w of this.waiting.splice(0)) w();
  }
}

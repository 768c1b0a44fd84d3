/**
 * What `npm run bench:load` needs around the runtime it measures: `npm start` in a process of its own
 * (a free port, 127.0.0.1, quiet), the resident memory of that process and of its children (DynamoDB
 * Local's JVM), its CPU time (to wait until the work a phase left behind is done), and a keep-alive HTTP
 * client that times each call.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';

export interface SpawnedRuntime {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  /** Absent in the runtime files of runtimes before it was written there. */
  readonly sqsEndpoint: string | undefined;
  stop(): Promise<void>;
}

/** `npm start -- --port 0 --quiet`, as a developer starts it; resolves once it serves. */
export async function spawnRuntime(root: string, env: NodeJS.ProcessEnv = {}): Promise<SpawnedRuntime> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/src/main.ts', '--port', '0', '--quiet'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`runtime exited (${code}) before serving:\n${stderr}`)));
  });
  // The ready line comes first, the runtime file right after it.
  let file: Record<string, string> = {};
  for (let i = 0; i < 100 && Number(file.pid) !== child.pid; i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      file = JSON.parse(readFileSync(join(root, '.local', 'runtime.json'), 'utf8')) as Record<string, string>;
    } catch {
      // Not written yet.
    }
  }
  if (Number(file.pid) !== child.pid) {
    child.kill('SIGINT');
    throw new Error('.local/runtime.json of the spawned runtime was not written');
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    pid: child.pid as number,
    url,
    dynamoEndpoint: file.dynamoEndpoint as string,
    tableName: file.tableName as string,
    sqsEndpoint: file.sqsEndpoint,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

function statusOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

export interface Rss {
  /** The runtime's Node process: its main thread and every worker thread (one address space). */
  readonly runtimeMb: number;
  /** Its threads (workers are threads: counted in `runtimeMb`, listed to show how many ran). */
  readonly threads: number;
  /** Child processes (DynamoDB Local's JVM), which `npm start` also starts. */
  readonly childrenMb: number;
}

const kbToMb = (kb: string | undefined) => Math.round(Number.parseInt(kb ?? '0', 10) / 1024);

/** Resident memory of the runtime and of every process below it, now. */
export function rssOf(pid: number): Rss {
  const own = statusOf(pid);
  let childrenMb = 0;
  const queue = childrenOf(pid);
  while (queue.length > 0) {
    const p = queue.pop() as number;
    try {
      childrenMb += kbToMb(statusOf(p).VmRSS);
      queue.push(...childrenOf(p));
    } catch {
      // Gone meanwhile.
    }
  }
  return { runtimeMb: kbToMb(own.VmRSS), threads: Number(own.Threads ?? 0), childrenMb };
}

/** CPU seconds the process has used (all its threads). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds of `pid` and of every process below it (DynamoDB Local's JVM), separately. */
export function cpuTreeOf(pid: number): { runtime: number; children: number } {
  let children = 0;
  const queue = childrenOf(pid);
  while (queue.length > 0) {
    const p = queue.pop() as number;
    try {
      children += cpuSecondsOf(p);
      queue.push(...childrenOf(p));
    } catch {
      // Gone meanwhile.
    }
  }
  return { runtime: cpuSecondsOf(pid), children };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Until the runtime uses under 10% of a core for a second (the pipeline behind a phase is done). */
export async function quiesce(pid: number, maxMs = 60_000): Promise<number> {
  const started = Date.now();
  let last = cpuSecondsOf(pid);
  while (Date.now() - started < maxMs) {
    await sleep(1000);
    const now = cpuSecondsOf(pid);
    if (now - last < 0.1) break;
    last = now;
  }
  return Date.now() - started;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly ms: number;
}

/** A keep-alive client with at most `sockets` connections, as a load tool holds them. */
export function httpClient(base: string, sockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    new Promise<Answer>((resolve, reject) => {
      const started = performance.now();
      const text = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        `${base}${path}`,
        {
          method,
          agent,
          headers: text === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              headers: res.headers,
              ms: performance.now() - started,
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  return { call, close: () => agent.destroy() };
}

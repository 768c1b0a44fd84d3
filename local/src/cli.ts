/**
 * The local runtime as a CLI (started by main.ts, `npm start`). Flags: `--port <n>`, `--persist`
 * (`--data-dir <dir>`, default `.local`), `--quiet`, `--synth` (always synthesize) or `--no-synth` (never;
 * default: only when the sources changed since the last synthesis),
 * `--log-level <DEBUG|INFO|WARN|ERROR>` (functions' application logs; default: the template's, WARN),
 * `--config <file>` (the system's configuration; default `local.config.json` at the project root),
 * `--only <stack>[,<stack>]` (run only these stacks' functions, and the foundation's, against every
 * stack's resources).
 * Ctrl-C (SIGINT) or SIGTERM stops everything and exits 0; a crash stops everything and exits 1.
 */
import { parseArgs } from 'node:util';
import { readyLine } from './banner.js';
import { JavaMissingError } from './dynamodb-local.js';
import { type LocalRuntime, startLocalRuntime } from './runtime.js';
import { removeRuntimeFile, writeRuntimeFile } from './runtime-file.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    persist: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    synth: { type: 'boolean', default: false },
    'no-synth': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    'log-level': { type: 'string' },
    config: { type: 'string' },
    only: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    [
      'usage: npm start -- [options]',
      '  --port <n>              port of the API (default PORT or 3000; 0 picks a free one)',
      '  --persist               keep the data across restarts in .local/ (--data-dir <dir> elsewhere)',
      '  --synth | --no-synth    always / never run cdk synth (default: when the sources changed)',
      '  --only <stack>[,<stack>]',
      "                          run only these stacks' functions (and the foundation's) against every",
      "                          stack's tables, queues and bus, e.g. --only Payments-Risk",
      "  --log-level <level>     the functions' application log level (DEBUG, INFO, WARN, ERROR)",
      "  --config <file>         the system's configuration (default local.config.json)",
      '  --quiet                 no banner, request lines or function logs; errors only',
      '',
    ].join('\n'),
  );
  process.exit(0);
}

let runtime: LocalRuntime | undefined;
let exiting = false;

async function shutdown(code: number, reason: string): Promise<void> {
  if (exiting) {
    // A second Ctrl-C: leave now; dynamodb-local's exit hook still kills the Java process group.
    process.exit(code || 130);
  }
  exiting = true;
  process.stderr.write(`\n[local] ${reason}: stopping…\n`);
  removeRuntimeFile();
  await runtime?.stop();
  process.stderr.write('[local] stopped\n');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0, 'SIGINT'));
process.on('SIGTERM', () => void shutdown(0, 'SIGTERM'));
process.on('uncaughtException', (error) => {
  process.stderr.write(`[local] uncaught: ${error.stack ?? String(error)}\n`);
  void shutdown(1, 'uncaught exception');
});
process.on('unhandledRejection', (error) => {
  process.stderr.write(`[local] unhandled rejection: ${(error as Error)?.stack ?? String(error)}\n`);
  void shutdown(1, 'unhandled rejection');
});

try {
  runtime = await startLocalRuntime({
    ...(values.port !== undefined ? { port: Number(values.port) } : {}),
    persist: values.persist || values['data-dir'] !== undefined,
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(values.synth ? { synth: true } : values['no-synth'] ? { synth: false } : {}),
    quiet: values.quiet,
    ...(values['log-level'] ? { logLevel: values['log-level'].toUpperCase() } : {}),
    ...(values.config ? { configFile: values.config } : {}),
    ...(values.only ? { only: values.only.flatMap((o) => o.split(',')) } : {}),
  });
  if (values.quiet) process.stdout.write(`${readyLine(runtime.name, runtime.url)}\n`);
  writeRuntimeFile(runtime);
} catch (error) {
  if (error instanceof JavaMissingError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`[local] failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}

/**
 * `npm run settle -- --date 2026-11-25`: one settlement run from the command line, through the same route
 * ops use (`POST /v1/ops/settlements/runs`, which starts the state machine), waiting for it to end and
 * printing the run and the settlements it made. It acts on the running `npm start` (found through
 * `.local/runtime.json`, with the local ops key) or, with `--url` and `--key`, on a deployed API.
 * `--key` can also come from `PAYMENTS_OPS_KEY`. The run key defaults to `settle:<date>`, so running the
 * same day again replays that run instead of settling twice (`--run-key` for another).
 */
import { parseArgs } from 'node:util';
import { readLocalRuntime } from './local-runtime.js';

const { values } = parseArgs({
  options: {
    date: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
    'run-key': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const USAGE = 'usage: npm run settle -- --date yyyy-mm-dd [--url https://… --key sk_…] [--run-key k]\n';
if (values.help || !values.date) {
  (values.help ? process.stdout : process.stderr).write(USAGE);
  process.exit(values.help ? 0 : 2);
}
const local = readLocalRuntime();
const base = values.url ?? local?.url;
const key = values.key ?? process.env.PAYMENTS_OPS_KEY ?? (local ? 'sk_test_ops' : undefined);
if (!base || !key) {
  process.stderr.write(`No local runtime is running (npm start); give --url and --key.\n${USAGE}`);
  process.exit(2);
}
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

const started = await fetch(`${base}/v1/ops/settlements/runs`, {
  method: 'POST',
  headers: { ...headers, 'idempotency-key': values['run-key'] ?? `settle:${values.date}` },
  body: JSON.stringify({ date: values.date }),
});
const start = (await started.json()) as { id?: string; detail?: string };
if (started.status !== 202 || !start.id) {
  process.stderr.write(`${started.status}: ${JSON.stringify(start)}\n`);
  process.exit(1);
}
process.stderr.write(
  `run ${start.id} (${values.date}) on ${base}${started.headers.get('idempotent-replayed') ? ', replayed' : ''}\n`,
);
const t0 = performance.now();
let run: { status: string; settlements: number; error: string | null };
for (;;) {
  const r = await fetch(`${base}/v1/ops/settlements/runs/${start.id}`, { headers });
  run = (await r.json()) as typeof run;
  if (run.status !== 'running') break;
  process.stderr.write(`\rrunning… ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await new Promise((resolve) => setTimeout(resolve, 500));
}
process.stderr.write(
  `\r${run.status} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${run.settlements} settlements\n`,
);
process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
process.exit(run.status === 'succeeded' ? 0 : 1);

/**
 * `npm run bench:recon`: reconciliation of one channel-day of 1,000,000 rows, against what DESIGN.md holds
 * it to: reconciling (parse + classify) takes at most 2x the time of merely parsing the statement, and
 * the whole run (expectation index included) stays under 512 MB of peak RSS.
 *
 * The statement and the expectations are generated deterministically from the row number, with a few
 * discrepancies of each kind injected at fixed rows. Parsing and reconciling each run in a fresh Node
 * process, so neither's peak RSS includes the other's (nor the generator's), and the reconcile run checks
 * that it found exactly the injected discrepancies: a fast wrong answer would measure nothing.
 *
 * The statement is in the channel's own format: `RECON_BENCH_CHANNEL` = `sandbox` (the canonical CSV, the
 * default), `stripe`, `alipay`, `wechatpay`, or `all` to run each in turn; each ratio is against the
 * parsing of that same statement (statement-formats.ts).
 * `RECON_BENCH_ROWS` changes the size (default 1,000,000).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  classify,
  type Expectation,
  ExpectationIndex,
  type ReconciliationCounts,
  type StatementRow,
} from '../../shared/domain/reconciliation/index.js';
import { readStatement } from '../../shared/domain/reconciliation/native/index.js';
import { BENCH_CHANNELS, BENCH_FORMATS, type BenchChannel } from './statement-formats.js';
import { round } from './stats.js';

export const SCOPE = { channel: 'sandbox', date: '2026-03-01' };
const DAY_START = Date.parse(`${SCOPE.date}T00:00:00Z`);
const RATIO_GOAL = 2;
const PEAK_RSS_GOAL_MB = 512;

/** Injected discrepancies: every `every`-th row (offset by `at`) gets one; a few dozen per million. */
const INJECTED = {
  /** The statement lacks the row: channel_missing. */
  dropped: { every: 100_003, at: 11 },
  /** We hold no outcome (a missed callback): local_missing, repairable. */
  unrecorded: { every: 100_019, at: 23 },
  /** The channel succeeded, we hold a failure: local_missing with what we hold. */
  contradicted: { every: 100_043, at: 37 },
  /** Amount differs: mismatch. */
  altered: { every: 100_057, at: 41 },
  /** The row appears twice: duplicate. */
  duplicated: { every: 100_069, at: 53 },
} as const;
const injected = (kind: keyof typeof INJECTED, i: number) => i % INJECTED[kind].every === INJECTED[kind].at;
/** Rows the channel has and we never heard of, appended at the end: local_missing, repairable. */
const UNKNOWN_ROWS = 7;

/**
 * The outcome of row `i` on `channel`, as both sides would record it when nothing went wrong (failed
 * only where the channel's statement can say so, in the channel's currencies).
 */
function outcome(i: number, channel: BenchChannel): Omit<StatementRow, 'fee' | 'occurredAt'> {
  const { currencies, canFail } = BENCH_FORMATS[channel];
  const refund = i % 10 === 9;
  const id = i.toString(32).padStart(26, '0');
  const type = refund ? 'refund' : 'payment';
  return {
    channelReference: `sbx_${id}`,
    reference: `${refund ? 're' : 'pay'}_${id}`,
    type,
    amount: 100 + ((i * 7919) % 99_900),
    currency: currencies[i % currencies.length] as string,
    status: i % 13 === 0 && canFail(type) ? 'failed' : 'succeeded',
  };
}

/** What only the channel reports: its fee, and when (spread over the day: another day is refused). */
const channelPart = (i: number) => ({
  fee: i % 97,
  // Whole seconds: native statements have no finer times.
  occurredAt: new Date(DAY_START + Math.floor(((i % 1_048_576) * 86_400) / 1_048_576) * 1000).toISOString(),
});

/** The statement's rows: every outcome, as the channel reports it, with the injected discrepancies. */
function* statementRows(n: number, channel: BenchChannel): Generator<StatementRow> {
  for (let i = 0; i < n; i += 1) {
    if (injected('dropped', i)) continue;
    const row = { ...outcome(i, channel), ...channelPart(i) };
    // Every 50th row the channel does not know our id: it is matched by its channel reference.
    const reported = {
      ...row,
      reference: i % 50 === 1 ? null : row.reference,
      amount: injected('altered', i) ? row.amount + 1 : row.amount,
      status: injected('contradicted', i) ? 'succeeded' : row.status,
    } satisfies StatementRow;
    yield reported;
    if (injected('duplicated', i)) yield reported;
  }
  for (let j = 0; j < UNKNOWN_ROWS; j += 1)
    yield { ...outcome(n + j, channel), ...channelPart(n + j), reference: `pay_unknown_${j}` };
}

/** What we hold for the channel-day: no fee (we do not know fees per payment yet). */
export function* expectations(n: number, channel: BenchChannel = 'sandbox'): Generator<Expectation> {
  for (let i = 0; i < n; i += 1) {
    if (injected('unrecorded', i)) continue;
    const { type, reference, channelReference, amount, currency, status } = outcome(i, channel);
    yield {
      type,
      reference: reference as string,
      channelReference,
      amount,
      currency,
      status: injected('contradicted', i) ? 'failed' : status,
    };
  }
}

/** The counts a correct run must report for `n` rows. */
export function expectedCounts(n: number): ReconciliationCounts {
  const count = (kind: keyof typeof INJECTED) => {
    let c = 0;
    for (let i = 0; i < n; i += 1) if (injected(kind, i)) c += 1;
    return c;
  };
  const [dropped, unrecorded, contradicted, altered, duplicated] = (
    ['dropped', 'unrecorded', 'contradicted', 'altered', 'duplicated'] as const
  ).map(count) as [number, number, number, number, number];
  // No row carries two injections: the offsets differ and the periods exceed n for the default size.
  return {
    matched: n - dropped - unrecorded - contradicted - altered,
    localMissing: unrecorded + contradicted + UNKNOWN_ROWS,
    channelMissing: dropped,
    mismatched: altered,
    duplicates: duplicated,
  };
}

/** Writes the generated statement of `n` rows to `file` in `channel`'s format, streaming. */
export async function writeStatement(file: string, n: number, channel: BenchChannel = 'sandbox') {
  const { lines, encode } = BENCH_FORMATS[channel];
  const out = createWriteStream(file);
  let buffer = '';
  for (const line of lines(statementRows(n, channel), SCOPE.date)) {
    buffer += line;
    if (buffer.length < 1 << 16) continue;
    if (!out.write(encode(buffer))) await once(out, 'drain');
    buffer = '';
  }
  out.end(encode(buffer));
  await once(out, 'finish');
}

const peakRssMb = () => round(process.resourceUsage().maxRSS / 1024, 1);
/** CPU time (user + system) of this process since `from`: unlike wall time, other load barely moves it. */
const cpuMsSince = (from: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(from);
  return round((user + system) / 1000, 1);
};

/** In a child process: only parse the statement (converting it, for a native one). */
async function parseOnly(file: string, channel: BenchChannel) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  let rows = 0;
  for await (const _ of readStatement(createReadStream(file), { ...SCOPE, channel })) rows += 1;
  const ms = performance.now() - started;
  return {
    rows,
    ms: round(ms, 1),
    cpuMs: cpuMsSince(cpu),
    rowsPerSec: Math.round((rows / ms) * 1000),
    peakRssMb: peakRssMb(),
  };
}

/** In a child process: build the index, then parse and classify; check the counts. */
async function reconcileOnly(file: string, n: number, channel: BenchChannel) {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  // The index lives mostly in typed arrays, which heapUsed does not count.
  const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  gc();
  const before = used();
  let started = performance.now();
  const index = await ExpectationIndex.from(expectations(n, channel));
  const indexMs = performance.now() - started;
  gc();
  const indexMb = round((used() - before) / 2 ** 20, 1);
  started = performance.now();
  const cpu = process.cpuUsage();
  const run = classify(index, readStatement(createReadStream(file), { ...SCOPE, channel }));
  const kinds: Record<string, number> = {};
  for await (const d of run) kinds[d.kind] = (kinds[d.kind] ?? 0) + 1;
  const ms = performance.now() - started;
  const wanted = expectedCounts(n);
  const correct = JSON.stringify(run.counts) === JSON.stringify(wanted);
  return {
    expectations: index.size,
    indexMs: round(indexMs, 1),
    indexMb,
    ms: round(ms, 1),
    cpuMs: cpuMsSince(cpu),
    peakRssMb: peakRssMb(),
    counts: run.counts,
    correct,
  };
}

/** What the two timers cover, for whoever reports the figures. */
export const MEASURED_AS = {
  parse:
    'own Node process: read the statement file and parse every row (CSV, validation, the channel-day check)',
  reconcile:
    'own Node process, after building the index of the expectations (timed apart): read and parse the same file with the same parser, look every row up in the index, compare it, and emit the discrepancies, including the final sweep for expectations no row matched',
  ratio: 'reconcile ms / parse ms, one run each',
  cpuRatio:
    'the same with CPU time (user + system) of each process over the same span: the figure to trust on a machine other work shares, whose wall times swing',
  peakRssMb: 'the larger maxRSS of the two processes (the reconcile one holds the index)',
};

function child<T>(mode: 'parse' | 'reconcile', file: string, n: number, channel: BenchChannel): T {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', self, '--child', mode, file, String(n), channel],
    { cwd: resolve(self, '../../..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (out.status !== 0) throw new Error(`the ${mode} run failed (exit ${out.status})`);
  return JSON.parse(out.stdout) as T;
}

/**
 * Generates the statement, then parses it in one child process and reconciles it in another; answers
 * the figures and whether they meet the goals (ratio ≤ 2, peak RSS ≤ 512 MB, counts exact).
 */
export async function benchReconcile(
  n = Number(process.env.RECON_BENCH_ROWS ?? 1_000_000),
  channel: BenchChannel = 'sandbox',
) {
  const dir = mkdtempSync(join(tmpdir(), 'recon-bench-'));
  const file = join(dir, 'statement.csv');
  try {
    await writeStatement(file, n, channel);
    const parse = child<Awaited<ReturnType<typeof parseOnly>>>('parse', file, n, channel);
    const reconcile = child<Awaited<ReturnType<typeof reconcileOnly>>>('reconcile', file, n, channel);
    const ratio = round(reconcile.ms / parse.ms, 2);
    const ratioWithIndex = round((reconcile.ms + reconcile.indexMs) / parse.ms, 2);
    const cpuRatio = round(reconcile.cpuMs / parse.cpuMs, 2);
    const peak = Math.max(parse.peakRssMb, reconcile.peakRssMb);
    return {
      node: process.version,
      channel,
      rows: parse.rows,
      statementMb: round(statSync(file).size / 2 ** 20, 1),
      parse,
      reconcile,
      expectedCounts: expectedCounts(n),
      ratio,
      ratioWithIndex,
      cpuRatio,
      peakRssMb: peak,
      goals: { ratio: RATIO_GOAL, peakRssMb: PEAK_RSS_GOAL_MB },
      measuredAs: MEASURED_AS,
      met: ratio <= RATIO_GOAL && peak <= PEAK_RSS_GOAL_MB && reconcile.correct,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [, entry, flag, mode, file, n, childChannel] = process.argv;
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  if (flag === '--child') {
    const channel = childChannel as BenchChannel;
    const result =
      mode === 'parse'
        ? await parseOnly(file as string, channel)
        : await reconcileOnly(file as string, Number(n), channel);
    process.stdout.write(JSON.stringify(result));
  } else {
    const wanted = process.env.RECON_BENCH_CHANNEL ?? 'sandbox';
    const channels = wanted === 'all' ? BENCH_CHANNELS : [wanted as BenchChannel];
    if (!channels.every((c) => BENCH_CHANNELS.includes(c))) throw new Error(`no bench format ${wanted}`);
    for (const channel of channels) report(await benchReconcile(undefined, channel));
  }
}

function report(result: Awaited<ReturnType<typeof benchReconcile>>) {
  console.log(
    `reconciliation of ${result.rows.toLocaleString('en')} rows (${result.channel}, ${result.statementMb} MB): ` +
      `parse ${result.parse.ms} ms, reconcile ${result.reconcile.ms} ms (ratio ${result.ratio}, goal ≤ ${RATIO_GOAL}; ` +
      `${result.ratioWithIndex} with the index build; CPU time ${result.parse.cpuMs} / ${result.reconcile.cpuMs} ms, ` +
      `ratio ${result.cpuRatio}), peak RSS ${result.peakRssMb} MB ` +
      `(goal ≤ ${PEAK_RSS_GOAL_MB}), counts ${result.reconcile.correct ? 'exact' : 'WRONG'}`,
  );
  console.log(JSON.stringify(result, null, 2));
  if (!result.met) process.exitCode = 1;
}

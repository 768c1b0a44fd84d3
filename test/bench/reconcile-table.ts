/**
 * `npm run bench:recon-table [-- --rows 1000000]`: the command-line reconciliation at scale against the
 * running local runtime (`npm start`): seeds the generated channel-day's outcomes into its DynamoDB Local
 * table as the callback's transition leaves them on payments and refunds (GSI3 keys and the attributes the
 * index projects; `entity` is a bench one so the local stream publisher does not announce a million fake
 * payments), writes the matching statement (with its injected discrepancies, see reconcile.ts)
 * and runs `npm run reconcile -- --file …` as a child process, so its progress bar, wall time and peak
 * RSS are the CLI's own. Seeding is not timed. Local data only: it never runs against AWS.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type AttributeValue, BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { readRuntimeFile } from '../../local/src/runtime-file.js';
import { keys } from '../../shared/store/keys.js';
import { localClient } from '../support/dynamodb.js';
import { expectations, expectedCounts, SCOPE, writeStatement } from './reconcile.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' } } });
const rows = Number(values.rows);
const runtime = readRuntimeFile();
if (!runtime) {
  process.stderr.write('Start the local runtime first (npm start); this bench writes into its table.\n');
  process.exit(2);
}

const client = localClient(runtime.dynamoEndpoint);
const started = performance.now();
type Item = Record<string, AttributeValue>;
let batch: Item[] = [];
let inFlight: Promise<void>[] = [];
let seeded = 0;
const flush = async (items: Item[]) => {
  let pending: WriteRequest[] = items.map((Item) => ({ PutRequest: { Item } }));
  while (pending.length > 0) {
    const out = await client.send(
      new BatchWriteItemCommand({ RequestItems: { [runtime.tableName]: pending } }),
    );
    pending = out.UnprocessedItems?.[runtime.tableName] ?? [];
  }
};
for (const e of expectations(rows)) {
  batch.push(
    marshall({
      PK: `OBJ#bench_${e.reference}`,
      SK: e.type === 'payment' ? 'OBJ' : `REF#${e.reference}`,
      entity: `bench_${e.type}`,
      id: e.reference,
      channel: SCOPE.channel,
      ...(e.channelReference ? { channelReference: e.channelReference } : {}),
      merchantId: 'm_demo_1',
      amount: e.amount,
      currency: e.currency,
      status: e.status,
      outcomeAt: `${SCOPE.date}T12:00:00.000Z`,
      lastChannelEventId: `evt_bench_${e.reference}`,
      ...keys.outcome(SCOPE.channel, SCOPE.date, e.type, e.reference),
    }),
  );
  if (batch.length === 25) {
    inFlight.push(flush(batch));
    batch = [];
    seeded += 25;
    if (inFlight.length === 8) {
      await Promise.all(inFlight);
      inFlight = [];
      if (seeded % 50_000 === 0) process.stderr.write(`\rseeded ${seeded.toLocaleString()} outcomes`);
    }
  }
}
inFlight.push(flush(batch));
await Promise.all(inFlight);
client.destroy();
process.stderr.write(
  `\rseeded ${rows.toLocaleString()} outcomes in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
);

const file = join(tmpdir(), `statement-${SCOPE.channel}-${SCOPE.date}-${rows}.csv`);
await writeStatement(file, rows);
const run = spawnSync('npm', ['run', '--silent', 'reconcile', '--', '--date', SCOPE.date, '--file', file], {
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
const result = JSON.parse(run.stdout) as { counts: Record<string, number> };
process.stdout.write(run.stdout);
const expected = expectedCounts(rows) as unknown as Record<string, number>;
const same = Object.keys(expected).every((k) => result.counts[k] === expected[k]);
process.stdout.write(`counts as planted: ${same ? 'yes' : `NO (expected ${JSON.stringify(expected)})`}\n`);

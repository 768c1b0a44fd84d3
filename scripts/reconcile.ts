/**
 * `npm run reconcile -- --channel sandbox --date 2026-11-25 [--file statement.csv]`: one reconciliation run
 * from the command line, with a progress bar, against the running `npm start` (found through
 * `.local/runtime.json`) or, when none runs, the deployed stack named by the environment (`TABLE_NAME`,
 * `STATEMENTS_BUCKET`, `SANDBOX_PSP_URL`, AWS credentials). The run is the same code the runs queue
 * executes (shared/reconciliation/run.ts), recorded like any other (`GET /v1/ops/reconciliation/runs/{id}`).
 *
 * Without `--file` the statement is the uploaded one, else the channel's; with `--file` it is that CSV,
 * streamed from disk (a million rows take a few seconds and stay well within memory).
 */
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { readSecret } from '../shared/aws/secrets-manager.js';
import { secretsManagerCredentials, staticCredentials } from '../shared/channels/credentials.js';
import { STATEMENT_FACTORIES } from '../shared/channels/factories.js';
import { channelRegistry, lazyStatements } from '../shared/channels/registry.js';
import { readStatement } from '../shared/domain/reconciliation/native/index.js';
import { executeRun, type StatementHandle } from '../shared/reconciliation/run.js';
import { statementFinder } from '../shared/reconciliation/statements.js';
import { CHANNELS } from '../shared/schemas/payment.js';
import { statementDateSchema } from '../shared/schemas/reconciliation.js';
import { readLocalRuntime } from './local-runtime.js';

const { values } = parseArgs({
  options: {
    channel: { type: 'string', default: 'sandbox' },
    date: { type: 'string' },
    file: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const USAGE = 'usage: npm run reconcile -- --channel sandbox --date yyyy-mm-dd [--file statement.csv]\n';
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const date = z.safeParse(statementDateSchema, values.date ?? '');
if (!date.success || !(CHANNELS as readonly string[]).includes(values.channel)) {
  process.stderr.write(
    `${date.success ? `unknown channel ${values.channel}` : `--date ${date.error.issues[0]?.message}`}\n${USAGE}`,
  );
  process.exit(2);
}
const channel = values.channel;

// Where to run: the local runtime if one is up (its endpoints in the SDK's own variables), else AWS.
const local = readLocalRuntime();
if (local) {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = local.dynamoEndpoint;
  process.env.AWS_ENDPOINT_URL_S3 = local.s3Endpoint;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_REGION ??= 'us-east-1';
}
const tableName = local?.tableName ?? process.env.TABLE_NAME;
const bucket =
  local?.buckets.find((b) => b.logicalId.startsWith('ReconciliationStatementsBucket'))?.name ??
  process.env.STATEMENTS_BUCKET;
const pspUrl = local?.pspUrl ?? process.env.SANDBOX_PSP_URL;
if (!tableName || !bucket) {
  process.stderr.write(
    'No local runtime is running (npm start) and TABLE_NAME / STATEMENTS_BUCKET are not set.\n',
  );
  process.exit(2);
}

// Imported after the endpoints are set: the SDK clients read them when they are created.
const { dynamoDbClient } = await import('../shared/aws/dynamodb.js');
const { s3Objects } = await import('../shared/aws/s3-objects.js');
const { localChannelCredentials } = await import('./local-config.js');
const { DynamoChannelOutcomeStore } = await import('../shared/store/dynamodb/channel-outcomes.js');
const { DynamoReconciliationStore } = await import('../shared/store/dynamodb/reconciliation.js');

const table = { client: dynamoDbClient(), tableName };
const store = new DynamoReconciliationStore(table);
// Locally the simulators' URLs and the contract's local credentials; in AWS the environment's URLs and
// the channels' secrets.
const urls = local
  ? {
      SANDBOX_PSP_URL: pspUrl,
      STRIPE_API_URL: local.channelUrls?.stripe,
      ALIPAY_GATEWAY_URL: local.channelUrls?.alipay,
      WECHATPAY_API_URL: local.channelUrls?.wechatpay,
    }
  : { ...process.env, SANDBOX_PSP_URL: pspUrl };
const registry = channelRegistry({
  credentials: local
    ? staticCredentials(localChannelCredentials())
    : secretsManagerCredentials({ readSecret }),
  factories: STATEMENT_FACTORIES,
  env: urls,
  timeoutMs: 30_000,
});
const finder = statementFinder({ objects: s3Objects(), bucket, channels: lazyStatements(registry) });

/**
 * A one-line progress line on stderr (statement rows read, per pass). Hand-written: a dozen lines for
 * one CLI did not justify a dependency in the lock file.
 */
function progress(label: string) {
  let done = 0;
  let last = 0;
  const started = performance.now();
  const draw = (final = false) => {
    const now = performance.now();
    if (!final && now - last < 100) return;
    last = now;
    const rate = Math.round(done / Math.max(0.001, (now - started) / 1000));
    process.stderr.write(
      `\r${label.padEnd(11)} ${done.toLocaleString()} rows (${rate.toLocaleString()} rows/s)${final ? '\n' : ''}`,
    );
  };
  return {
    async *track<T>(rows: AsyncIterable<T>) {
      for await (const row of rows) {
        done += 1;
        draw();
        yield row;
      }
      draw(true);
    },
  };
}

let pass = 0;
function tracked(handle: StatementHandle): StatementHandle {
  return {
    source: handle.source,
    rows() {
      pass += 1;
      const label = handle.source === 'channel' && pass === 1 ? 'checking' : 'reconciling';
      if (pass === 1) process.stderr.write('\n');
      return progress(label).track(handle.rows());
    },
  };
}

const file = values.file;
const run = await store.createRun({
  callerId: 'cli',
  idempotencyKey: `cli:${channel}:${date.data}:${new Date().toISOString()}`,
  requestFingerprint: `cli:${channel}:${date.data}`,
  channel,
  date: date.data,
  now: new Date(),
});
process.stderr.write(
  `run ${run.body.id}: ${channel} ${date.data} on ${local ? `the local runtime (${local.url})` : `table ${tableName}`}, statement ${file ?? 'uploaded or from the channel'}\n`,
);
const started = performance.now();
const ended = await executeRun(
  {
    store,
    outcomes: new DynamoChannelOutcomeStore(table),
    executor: `cli:${process.pid}`,
    onExpectations: (loaded) =>
      process.stderr.write(`\rexpected    ${loaded.toLocaleString()} outcomes loaded`),
    statement: async (c, d) =>
      tracked(
        file
          ? { source: 'upload', rows: () => readStatement(createReadStream(file), { channel: c, date: d }) }
          : await finder(c, d),
      ),
  },
  run.body.id,
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const memory = (process.resourceUsage().maxRSS / 1024).toFixed(0);
process.stdout.write(
  `${JSON.stringify({ id: ended.id, status: ended.status, counts: ended.counts, repaired: ended.repaired, error: ended.error }, null, 2)}\n`,
);
process.stderr.write(`${ended.status} in ${seconds} s, peak RSS ${memory} MB\n`);
process.exit(ended.status === 'completed' ? 0 : 1);

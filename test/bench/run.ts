/**
 * `npm run bench`: measures, in one run, what DESIGN.md §7 holds us to for the core service and writes
 * `test/bench/results.json` plus a readable table.
 *
 * - create-payment handler latency (the shipped bundle, warm, in process) against one bare conditional
 *   PutItem to the same DynamoDB Local, interleaved so both see the same machine state;
 * - DynamoDB write (and read) units per create + capture lifecycle, metered by a proxy that asks DynamoDB
 *   for ReturnConsumedCapacity on every call the shipped bundles make;
 * - bundle size of every function and its cold import time (fresh Node process each time).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { seedLocalCredentials } from '../../shared/store/api-keys.js';
import { createPaymentsTable, LOCAL_CREDENTIALS, localClient } from '../support/dynamodb.js';
import { startMeteringProxy } from './metering-proxy.js';
import { round, summarize } from './stats.js';
import { type BundledFunction, bundledFunctions } from './template-functions.js';

const args = new Set(process.argv.slice(2));
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 1500);
const LIFECYCLES = Number(process.env.BENCH_LIFECYCLES ?? 100);
const TABLE = 'payments-bench';
const WEBHOOK_SECRET = 'whsec_bench';
const MERCHANT = { id: 'm_demo_1', key: 'sk_test_demo_1' };

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body?: string }>;

function lambdaContext(name: string) {
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 10_000,
    done() {},
    fail() {},
    succeed() {},
  };
}

/** An API Gateway HTTP API (payload 2.0) event. */
function httpEvent(
  method: string,
  path: string,
  routeKey: string,
  body: string,
  headers: Record<string, string>,
) {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: '127.0.0.1',
      domainPrefix: '127',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
      authorizer: { lambda: { merchantId: MERCHANT.id, role: 'merchant' } },
    },
    body,
    isBase64Encoded: false,
  };
}

function createEvent(amount: number) {
  const body = JSON.stringify({
    amount,
    currency: 'USD',
    description: 'Order 4711',
    customer: { id: 'cus_42', email: 'ada@example.com', ip: '203.0.113.7', country: 'GB' },
    metadata: { order: '4711', sandbox_outcome: 'none' },
  });
  return httpEvent('POST', '/v1/payments', 'POST /v1/payments', body, {
    authorization: `Bearer ${MERCHANT.key}`,
    'idempotency-key': randomUUID(),
  });
}

function callbackEvent(paymentId: string, amount: number) {
  const body = JSON.stringify({
    id: `evt_${randomUUID().replaceAll('-', '')}`,
    type: 'payment.succeeded',
    data: {
      reference: paymentId,
      channelReference: `ch_${paymentId}`,
      amount,
      currency: 'USD',
      occurredAt: new Date().toISOString(),
    },
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${body}`).digest('hex');
  return {
    ...httpEvent('POST', '/v1/channels/sandbox/callbacks', 'POST /v1/channels/{channel}/callbacks', body, {
      'sandbox-signature': `t=${t},v1=${v1}`,
    }),
    pathParameters: { channel: 'sandbox' },
  };
}

function find(functions: BundledFunction[], name: string): BundledFunction {
  const f = functions.find((x) => x.name === name);
  if (!f)
    throw new Error(`no function ${name} in the template (have: ${functions.map((x) => x.name).join(', ')})`);
  return f;
}

/** Imports a bundle as a fresh module instance with the given environment (module-scope config reads it). */
async function loadHandler(bundle: string, env: Record<string, string>, instance: string): Promise<Handler> {
  Object.assign(process.env, env);
  const mod = (await import(`${pathToFileURL(resolve(bundle)).href}?${instance}`)) as { handler: Handler };
  return mod.handler;
}

function coldImport(bundle: string, env: Record<string, string>, runs = 5): number {
  const samples: number[] = [];
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(resolve(bundle)).href)});process.stdout.write(String(performance.now()-t));`;
  for (let i = 0; i < runs; i += 1) {
    const r = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`cold import of ${bundle} failed: ${r.stderr}`);
    samples.push(Number(r.stdout));
  }
  return summarize(samples).p50;
}

async function main() {
  if (!args.has('--no-synth') || !existsSync('cdk.out')) {
    console.log('synthesizing the CDK app…');
    execFileSync('npx', ['cdk', 'synth', '--quiet'], { stdio: 'inherit' });
  }
  const functions = bundledFunctions();
  const ddb = await startDynamoDbLocal();
  const proxy = await startMeteringProxy(ddb.endpoint);
  const client = localClient(ddb.endpoint);
  try {
    await createPaymentsTable(client, TABLE);
    await seedLocalCredentials(client, TABLE);
    const baseEnv = {
      TABLE_NAME: TABLE,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      SANDBOX_WEBHOOK_SECRETS: WEBHOOK_SECRET,
      SANDBOX_PSP_URL: 'http://127.0.0.1:9',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };

    // 1. Bundle sizes and cold import time.
    const bundles = functions.map((f) => ({
      function: f.name,
      bytes: statSync(f.bundle).size,
      coldImportMs: round(coldImport(f.bundle, { ...baseEnv, AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint }), 1),
    }));

    // 2. Latency: the create-payment bundle against one bare conditional PutItem, interleaved.
    const create = await loadHandler(
      find(functions, 'CreatePaymentFunction').bundle,
      { ...baseEnv, AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint },
      'latency',
    );
    // The bare write stores an item of the same shape as a payment (index keys included), so the ratio
    // isolates what the handler adds: parsing, validation, auth, fingerprinting, mapping.
    const barePut = () => {
      const id = randomUUID();
      const now = new Date().toISOString();
      return client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            PK: { S: `OBJ#bench${id}` },
            SK: { S: 'OBJ' },
            GSI1PK: { S: 'MER#m_bench' },
            GSI1SK: { S: `${now}#pay_${id}` },
            entity: { S: 'payment' },
            id: { S: `pay_${id}` },
            merchantId: { S: 'm_bench' },
            amount: { N: '1050' },
            currency: { S: 'USD' },
            status: { S: 'processing' },
            description: { S: 'Order 4711' },
            customer: {
              M: {
                id: { S: 'cus_42' },
                email: { S: 'ada@example.com' },
                ip: { S: '203.0.113.7' },
                country: { S: 'GB' },
              },
            },
            metadata: { M: { order: { S: '4711' }, sandbox_outcome: { S: 'none' } } },
            createdAt: { S: now },
            updatedAt: { S: now },
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    };
    const warmup = Math.min(200, ITERATIONS);
    for (let i = 0; i < warmup; i += 1) {
      await barePut();
      const r = await create(createEvent(1050), lambdaContext('create-payment'));
      if (r.statusCode !== 201) throw new Error(`create-payment answered ${r.statusCode}: ${r.body}`);
    }
    const handlerMs: number[] = [];
    const putMs: number[] = [];
    for (let i = 0; i < ITERATIONS; i += 1) {
      let t = performance.now();
      await barePut();
      putMs.push(performance.now() - t);
      const event = createEvent(1050);
      t = performance.now();
      await create(event, lambdaContext('create-payment'));
      handlerMs.push(performance.now() - t);
    }
    const handler = summarize(handlerMs);
    const put = summarize(putMs);

    // 3. Write units per create + capture lifecycle, through the metering proxy.
    const meteredEnv = { ...baseEnv, AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint };
    const meteredCreate = await loadHandler(
      find(functions, 'CreatePaymentFunction').bundle,
      meteredEnv,
      'metered',
    );
    const meteredCallback = await loadHandler(
      find(functions, 'CallbackFunction').bundle,
      meteredEnv,
      'metered',
    );
    // Warm the API-key cache so the figure is the steady state (a cold container adds one key read).
    await meteredCreate(createEvent(1050), lambdaContext('create-payment'));
    proxy.reset();
    const createTally = { writeUnits: 0, readUnits: 0 };
    const captureTally = { writeUnits: 0, readUnits: 0 };
    for (let i = 0; i < LIFECYCLES; i += 1) {
      proxy.reset();
      const created = await meteredCreate(createEvent(1050), lambdaContext('create-payment'));
      if (created.statusCode !== 201)
        throw new Error(`create answered ${created.statusCode}: ${created.body}`);
      createTally.writeUnits += proxy.tally.writeUnits;
      createTally.readUnits += proxy.tally.readUnits;
      const id = (JSON.parse(created.body ?? '{}') as { id: string }).id;
      proxy.reset();
      const captured = await meteredCallback(callbackEvent(id, 1050), lambdaContext('callback'));
      if (captured.statusCode >= 300)
        throw new Error(`callback answered ${captured.statusCode}: ${captured.body}`);
      captureTally.writeUnits += proxy.tally.writeUnits;
      captureTally.readUnits += proxy.tally.readUnits;
    }
    const perLifecycle = {
      createWriteUnits: round(createTally.writeUnits / LIFECYCLES, 2),
      createReadUnits: round(createTally.readUnits / LIFECYCLES, 2),
      captureWriteUnits: round(captureTally.writeUnits / LIFECYCLES, 2),
      captureReadUnits: round(captureTally.readUnits / LIFECYCLES, 2),
      writeUnits: round((createTally.writeUnits + captureTally.writeUnits) / LIFECYCLES, 2),
      readUnits: round((createTally.readUnits + captureTally.readUnits) / LIFECYCLES, 2),
    };

    const results = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      machine: {
        cpus: (await import('node:os')).cpus().length,
        platform: process.platform,
        arch: process.arch,
      },
      createPaymentLatency: {
        iterations: ITERATIONS,
        handlerMs: { p50: round(handler.p50), p99: round(handler.p99) },
        barePutItemMs: { p50: round(put.p50), p99: round(put.p99) },
        ratioP50: round(handler.p50 / put.p50, 2),
        ratioP99: round(handler.p99 / put.p99, 2),
        goal: 1.3,
      },
      dynamoDbUnitsPerLifecycle: { lifecycles: LIFECYCLES, ...perLifecycle, goalWriteUnits: 3 },
      bundles: bundles.map((b) => ({ ...b, kb: round(b.bytes / 1024, 1), goalKb: 300 })),
    };
    writeFileSync('test/bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
    printTable(results);
  } finally {
    client.destroy();
    await proxy.close();
    await ddb.stop();
  }
}

function printTable(r: {
  createPaymentLatency: {
    handlerMs: { p50: number; p99: number };
    barePutItemMs: { p50: number; p99: number };
    ratioP50: number;
    ratioP99: number;
  };
  dynamoDbUnitsPerLifecycle: {
    createWriteUnits: number;
    captureWriteUnits: number;
    writeUnits: number;
    readUnits: number;
  };
  bundles: Array<{ function: string; kb: number; coldImportMs: number }>;
}) {
  const l = r.createPaymentLatency;
  const u = r.dynamoDbUnitsPerLifecycle;
  const mark = (ok: boolean) => (ok ? 'ok' : 'OVER');
  console.log('\nfigure                                     value          goal');
  console.log(
    `create-payment p50 / bare PutItem p50     ${l.ratioP50.toFixed(2)}× (${l.handlerMs.p50} / ${l.barePutItemMs.p50} ms)  ≤ 1.3× ${mark(l.ratioP50 <= 1.3)}`,
  );
  console.log(
    `create-payment p99 / bare PutItem p99     ${l.ratioP99.toFixed(2)}× (${l.handlerMs.p99} / ${l.barePutItemMs.p99} ms)  ≤ 1.3× ${mark(l.ratioP99 <= 1.3)}`,
  );
  console.log(
    `write units per create + capture          ${u.writeUnits} (create ${u.createWriteUnits}, capture ${u.captureWriteUnits})  ≤ 3 ${mark(u.writeUnits <= 3)}`,
  );
  console.log(`read units per create + capture           ${u.readUnits}`);
  console.log('\nfunction                 bundle KB   cold import ms');
  for (const b of r.bundles) {
    console.log(
      `${b.function.padEnd(24)} ${String(b.kb).padStart(9)}   ${String(b.coldImportMs).padStart(14)}  ${mark(b.kb <= 300)}`,
    );
  }
  console.log('\nwritten to test/bench/results.json');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

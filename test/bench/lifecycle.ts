/**
 * Full payment lifecycles through the real local runtime, counted: create over HTTP (a checkout's
 * customer id, email, IP) → table stream → dispatch → sandbox PSP (or, pinned, the Stripe simulator) →
 * signed callback → succeeded, and on
 * the event backbone: publisher → bus → risk / merchant-webhook queues → consumers →
 * `risk` on the payment → RiskAssessed; the merchant has a webhook endpoint (a receiver on 127.0.0.1
 * answering 200).
 *
 * The runtime counts what the emulated services would bill (local/src/metering.ts); the functions'
 * DynamoDB calls go through the capacity-metering proxy; function log lines are counted in bytes. A
 * warm-up runs first and the counters are zeroed after it, so the figures are the steady state.
 * Everything the bench does after the measured window (checks, reads) is outside the counts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LocalMetering, type MeteringSnapshot } from '../../local/src/metering.js';
import { startLocalRuntime } from '../../local/src/runtime.js';
import { ASSEMBLY_DIR } from '../../local/src/synth.js';
import { type MeteringProxy, startMeteringProxy, type Tally } from './metering-proxy.js';
import { round } from './stats.js';
import { assemblyResources } from './template-functions.js';

const MERCHANT_KEY = 'sk_test_demo_1';

export interface LifecycleOptions {
  readonly lifecycles: number;
  readonly warmup: number;
  /** Milliseconds between two creates (the lifecycles overlap, as real traffic does). */
  readonly intervalMs: number;
  readonly callbackDelayMs: number;
  readonly timeoutMs?: number;
  /**
   * Where the payments go: `sandbox` (the default) routes them by the merchant's configuration (none:
   * the sandbox PSP), `stripe` pins them to Stripe (the local Stripe simulator, which calls back with
   * signed events).
   */
  readonly channel?: LifecycleChannel;
}

export type LifecycleChannel = 'sandbox' | 'stripe';

export interface LifecycleMeasurement {
  readonly options: LifecycleOptions;
  readonly metering: MeteringSnapshot;
  readonly dynamo: Tally;
  /** Bytes of the lines each function wrote (CloudWatch Logs ingestion), by function. */
  readonly functionLogBytes: Record<string, number>;
  readonly functionLogLines: Record<string, number>;
  readonly webhooks: { deliveries: number; bytes: number };
  /** Bytes of the create responses the client received. */
  readonly apiResponseBytes: number;
  /** Create response → RiskAssessed accepted by the bus, per lifecycle, ms. */
  readonly createToRiskAssessedMs: number[];
  /** API access log format from the template (for the log-size estimate). */
  readonly accessLogFormat: string;
  readonly checks: {
    readonly paymentsWithRisk: number;
    readonly paymentsSucceeded: number;
    readonly queuesDrained: boolean;
    readonly deadLetterMessages: number;
    readonly sqsPollerMappings: number;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startReceiver() {
  const state = { deliveries: 0, bytes: 0 };
  const server: Server = createServer((req, res) => {
    let size = Buffer.byteLength(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`);
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      size += Buffer.byteLength(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`);
    }
    req.on('data', (c: Buffer) => {
      size += c.length;
    });
    req.on('end', () => {
      state.deliveries += 1;
      state.bytes += size;
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    state,
    reset() {
      state.deliveries = 0;
      state.bytes = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function call(baseUrl: string, method: string, path: string, body?: unknown, idempotencyKey?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${MERCHANT_KEY}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, text, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

/** The payment an event is about. */
function paymentIdOf(detail: Record<string, unknown>): string | undefined {
  const data = detail.data as { payment?: { id?: string }; paymentId?: string } | undefined;
  return data?.payment?.id ?? data?.paymentId;
}

function accessLogFormat(): string {
  const template = readTemplate();
  const stage = Object.values(template.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
  return String(stage?.Properties?.AccessLogSettings?.Format ?? '');
}

/** Runs warm-up + measured lifecycles and returns the counts of the measured window. */
export async function measureLifecycles(options: LifecycleOptions): Promise<LifecycleMeasurement> {
  const metering = new LocalMetering();
  const logBytes: Record<string, number> = {};
  const logLines: Record<string, number> = {};
  let proxy: MeteringProxy | undefined;
  const runtime = await startLocalRuntime({
    port: 0,
    synth: false,
    quiet: true,
    callbackDelayMs: options.callbackDelayMs,
    // Each submission's delayed channel check (120 s and 600 s in the template) falls inside the
    // measured window.
    // The webhook consumer's endpoint cache as deployed (the local runtime reads per event by default).
    functionEnvironment: { CHANNEL_CHECK_DELAYS: 'sandbox=1,stripe=1', WEBHOOK_ENDPOINTS_CACHE_MS: '5000' },
    metering,
    functionsDynamoEndpoint: async (endpoint, logicalId) => {
      proxy ??= await startMeteringProxy(endpoint);
      return proxy.endpointFor(logicalId);
    },
    log: {
      info: () => {},
      error: (message) => process.stderr.write(`[local] ERROR ${message}\n`),
      fn: (logicalId, line) => {
        logBytes[logicalId] = (logBytes[logicalId] ?? 0) + Buffer.byteLength(line) + 1;
        logLines[logicalId] = (logLines[logicalId] ?? 0) + 1;
      },
    },
  });
  const receiver = await startReceiver();
  const runId = randomUUID().slice(0, 8);
  try {
    const registered = await call(
      runtime.url,
      'POST',
      '/v1/webhook-endpoints',
      { url: receiver.url },
      randomUUID(),
    );
    if (registered.status !== 201)
      throw new Error(`webhook endpoint: ${registered.status} ${registered.text}`);

    const created: Array<{ id: string; respondedAt: number }> = [];
    let responseBytes = 0;
    const runBatch = async (count: number, offset: number, intervalMs: number) => {
      const batch: Array<{ id: string; respondedAt: number }> = [];
      const pending: Promise<void>[] = [];
      for (let i = 0; i < count; i += 1) {
        const n = offset + i;
        pending.push(
          (async () => {
            // A client retries a 5xx with the same Idempotency-Key, as the contract allows; on a busy
            // machine an invocation can run past its timeout, and the retry is counted like any call.
            const key = randomUUID();
            const create = () =>
              call(
                runtime.url,
                'POST',
                '/v1/payments',
                {
                  amount: 2_500,
                  currency: 'USD',
                  description: `Order ${n}`,
                  customer: {
                    id: `cus_${runId}_${n}`,
                    email: `buyer${n}.${runId}@example.com`,
                    ip: `203.0.113.${(n % 250) + 1}`,
                    country: 'GB',
                  },
                  metadata: { order: String(n) },
                  ...(options.channel === 'stripe' ? { channel: 'stripe' } : {}),
                },
                key,
              );
            let r = await create();
            for (let attempt = 1; r.status >= 500 && attempt < 3; attempt += 1) r = await create();
            const respondedAt = Date.now();
            if (r.status !== 201 && r.status !== 200)
              throw new Error(`create answered ${r.status}: ${r.text}`);
            responseBytes += Buffer.byteLength(r.text);
            batch.push({ id: String(r.body.id), respondedAt });
          })(),
        );
        await sleep(intervalMs);
      }
      await Promise.all(pending);
      await settle(batch.map((b) => b.id));
      return batch;
    };

    /** Messages in the consumers' queues (visible, in flight or delayed) and in the dead-letter queues. */
    const queueDepths = async (): Promise<{ pending: number; deadLetters: number }> => {
      const sqs = new SQSClient({
        endpoint: runtime.sqsEndpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      let pending = 0;
      let deadLetters = 0;
      try {
        const urls = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
        for (const url of urls) {
          const a = (
            await sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: url,
                AttributeNames: [
                  'ApproximateNumberOfMessages',
                  'ApproximateNumberOfMessagesNotVisible',
                  'ApproximateNumberOfMessagesDelayed',
                ],
              }),
            )
          ).Attributes;
          // Delayed messages (the channel checks) are work still to come.
          const depth =
            Number(a?.ApproximateNumberOfMessages ?? 0) +
            Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0) +
            Number(a?.ApproximateNumberOfMessagesDelayed ?? 0);
          if (/dead-?letter/i.test(url)) deadLetters += depth;
          else pending += depth;
        }
      } finally {
        sqs.destroy();
      }
      return { pending, deadLetters };
    };

    /**
     * Until every payment is succeeded and risk-assessed on the bus, nothing has moved for a while, and
     * the queues are empty (a consumer with a batching window holds messages quietly until it ends).
     */
    const settle = async (ids: string[]) => {
      const deadline = Date.now() + (options.timeoutMs ?? 300_000);
      const quietMs = 2_500;
      for (;;) {
        const assessed = new Set<string>();
        const succeeded = new Set<string>();
        for (const e of metering.events) {
          const id = paymentIdOf(e.detail);
          if (!id) continue;
          if (e.detailType === 'RiskAssessed') assessed.add(id);
          if (e.detailType === 'PaymentSucceeded') succeeded.add(id);
        }
        const done = ids.every((id) => assessed.has(id) && succeeded.has(id));
        if (done && metering.invocationsInFlight === 0 && Date.now() - metering.lastActivity > quietMs) {
          if ((await queueDepths()).pending === 0) return;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `lifecycles did not settle: ${ids.filter((id) => !assessed.has(id)).length} without RiskAssessed, ` +
              `${ids.filter((id) => !succeeded.has(id)).length} without PaymentSucceeded`,
          );
        }
        await sleep(50);
      }
    };

    // Warm-up: every function gets an environment; then the counters start from zero. Spaced out more than
    // the measured window, so that cold starts on a busy machine do not pile up into timeouts.
    await runBatch(options.warmup, 0, Math.max(options.intervalMs, 300));
    metering.reset();
    proxy?.reset();
    for (const k of Object.keys(logBytes)) delete logBytes[k];
    for (const k of Object.keys(logLines)) delete logLines[k];
    receiver.reset();
    responseBytes = 0;

    created.push(...(await runBatch(options.lifecycles, options.warmup, options.intervalMs)));

    // The measured window ends here: copy the counters before the checks below add to them.
    const snapshot = metering.snapshot();
    await proxy?.settled();
    const dynamo = structuredClone(proxy?.tally) as Tally;
    const functionLogBytes = { ...logBytes };
    const functionLogLines = { ...logLines };
    const webhooks = { ...receiver.state };
    const riskAt = new Map<string, number>();
    for (const e of metering.events) {
      const id = paymentIdOf(e.detail);
      if (e.detailType === 'RiskAssessed' && id && !riskAt.has(id)) riskAt.set(id, e.at);
    }
    const latencies = created.map((c) => (riskAt.get(c.id) as number) - c.respondedAt);

    // Checks: every payment shows `risk` and succeeded; the queues are empty; nothing dead-lettered.
    let withRisk = 0;
    let succeeded = 0;
    for (const c of created) {
      const r = await call(runtime.url, 'GET', `/v1/payments/${c.id}`);
      if (r.body.risk) withRisk += 1;
      if (r.body.status === 'succeeded') succeeded += 1;
    }
    const { pending, deadLetters } = await queueDepths();
    const drained = pending === 0;

    return {
      options,
      metering: snapshot,
      dynamo,
      functionLogBytes,
      functionLogLines,
      webhooks,
      apiResponseBytes: responseBytes,
      createToRiskAssessedMs: latencies,
      accessLogFormat: accessLogFormat(),
      checks: {
        paymentsWithRisk: withRisk,
        paymentsSucceeded: succeeded,
        queuesDrained: drained,
        deadLetterMessages: deadLetters,
        sqsPollerMappings: countSqsMappings(),
      },
    };
  } finally {
    await receiver.close();
    await runtime.stop();
    await proxy?.close();
  }
}

/** Every stack's resources of the assembly, in one map (a stack per service). */
function readTemplate(): { Resources: Record<string, { Type: string; Properties?: Record<string, any> }> } {
  return {
    Resources: assemblyResources(ASSEMBLY_DIR) as Record<
      string,
      { Type: string; Properties?: Record<string, any> }
    >,
  };
}

/** A function's LoggingConfig.SystemLogLevel (Lambda's default: INFO). */
function systemLogLevelOf(logicalId: string): string {
  return readTemplate().Resources[logicalId]?.Properties?.LoggingConfig?.SystemLogLevel ?? 'INFO';
}

function countSqsMappings(): number {
  const template = readTemplate();
  return Object.values(template.Resources).filter(
    (r) =>
      r.Type === 'AWS::Lambda::EventSourceMapping' &&
      JSON.stringify(r.Properties?.EventSourceArn ?? '').includes('Queue'),
  ).length;
}

/** One invocation's platform log lines in AWS (START, END, REPORT with the X-Ray line), in bytes. */
export function platformLogBytesPerInvocation(memoryMb = 1024): number {
  const id = randomUUID();
  const lines = [
    `START RequestId: ${id} Version: $LATEST`,
    `END RequestId: ${id}`,
    `REPORT RequestId: ${id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: 98 MB\t`,
    'XRAY TraceId: 1-6745a1b2-0123456789abcdef01234567\tSegmentId: 0123456789abcdef\tSampled: true\t',
  ];
  // CloudWatch Logs counts 26 bytes of metadata per log event.
  return lines.reduce((n, l) => n + Buffer.byteLength(l) + 1 + 26, 0);
}

/** One API access log line: the template's format with each `$context` variable as a 16-character value. */
export function accessLogBytesPerRequest(format: string): number {
  if (!format) return 0;
  return Buffer.byteLength(format.replace(/\$context\.[A-Za-z.]+/g, 'x'.repeat(16))) + 1 + 26;
}

/** Per-lifecycle averages of a measurement, rounded for the report. */
export function perLifecycle(m: LifecycleMeasurement) {
  const n = m.options.lifecycles;
  const per = (x: number, digits = 3) => round(x / n, digits);
  const byFunction = Object.fromEntries(
    Object.entries(m.metering.lambda)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([fn, t]) => [
        fn,
        {
          invocations: per(t.invocations),
          meanMs: round(t.durationMs / Math.max(1, t.invocations), 2),
          billedMsPerLifecycle: per(t.billedMs, 2),
          memoryMb: t.memoryMb,
          errors: t.errors,
          coldStarts: t.coldStarts,
        },
      ]),
  );
  const sqsActions: Record<string, number> = {};
  const sqsChunks = { total: 0 };
  // The bench's own queue-depth probes (settle): no function of a lifecycle lists queues or reads their
  // attributes, so these actions are left out rather than billed to the lifecycle.
  const probes = new Set(['ListQueues', 'GetQueueAttributes']);
  const add = (who: string, tally: { requests: Record<string, number>; chunks: Record<string, number> }) => {
    for (const [action, count] of Object.entries(tally.requests)) {
      if (!probes.has(action)) sqsActions[`${who} ${action}`] = per(count);
    }
    for (const [action, c] of Object.entries(tally.chunks)) if (!probes.has(action)) sqsChunks.total += c;
  };
  add('functions', m.metering.sqs.functions);
  add('EventBridge', m.metering.sqs.eventBridge);
  add('Lambda pollers', m.metering.sqs.pollers);
  const invocations = Object.values(m.metering.lambda).reduce((s, t) => s + t.invocations, 0);
  const functionLogBytes = Object.values(m.functionLogBytes).reduce((s, b) => s + b, 0);
  const functionLogLines = Object.values(m.functionLogLines).reduce((s, b) => s + b, 0);
  return {
    apiRequests: per(m.metering.api.requests),
    apiRequestsByRoute: Object.fromEntries(
      Object.entries(m.metering.api.byRoute).map(([route, count]) => [route, per(count)]),
    ),
    lambdaInvocations: per(invocations),
    lambdaByFunction: byFunction,
    events: {
      putEventsCalls: per(m.metering.events.putEventsCalls),
      entries: per(m.metering.events.entries),
      chunks: per(m.metering.events.chunks),
      byDetailType: Object.fromEntries(
        Object.entries(m.metering.events.byDetailType).map(([t, c]) => [t, per(c)]),
      ),
      ruleDeliveries: per(m.metering.events.ruleDeliveries),
      archivedBytes: per(m.metering.events.archivedBytes, 0),
    },
    sqs: {
      requests: per(
        [m.metering.sqs.functions, m.metering.sqs.eventBridge, m.metering.sqs.pollers]
          .flatMap((t) => Object.values(t.requests))
          .reduce((s, c) => s + c, 0),
      ),
      chunks: per(sqsChunks.total),
      byAction: sqsActions,
      pollerMessagesDeleted: per(m.metering.sqs.pollers.messagesDeleted),
      emptyReceivesInWindow: m.metering.sqs.pollers.emptyReceives,
    },
    dynamodb: {
      writeUnits: per(m.dynamo.writeUnits),
      readUnits: per(m.dynamo.readUnits),
      callsByOperation: Object.fromEntries(Object.entries(m.dynamo.calls).map(([op, c]) => [op, per(c)])),
      unitsByOperation: Object.fromEntries(
        Object.entries(m.dynamo.unitsByOperation).map(([op, c]) => [op, per(c)]),
      ),
      refusedCalls: Object.fromEntries(Object.entries(m.dynamo.failures).map(([k, c]) => [k, per(c)])),
      byFunction: Object.fromEntries(
        Object.entries(m.dynamo.byCaller)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([fn, t]) => [
            fn,
            {
              writeUnits: per(t.writeUnits),
              readUnits: per(t.readUnits),
              calls: Object.fromEntries(Object.entries(t.calls).map(([op, c]) => [op, per(c)])),
            },
          ]),
      ),
    },
    logs: {
      functionBytes: per(functionLogBytes + functionLogLines * 26, 0),
      functionBytesByFunction: Object.fromEntries(
        Object.entries(m.functionLogBytes).map(([fn, b]) => [
          fn,
          per(b + (m.functionLogLines[fn] ?? 0) * 26, 0),
        ]),
      ),
      // START/END/REPORT reach CloudWatch only from functions whose system log level is INFO or DEBUG.
      platformBytesEstimate: per(
        Object.entries(m.metering.lambda)
          .filter(([logicalId]) => systemLogLevelOf(logicalId) !== 'WARN')
          .reduce((s, [, t]) => s + t.invocations, 0) * platformLogBytesPerInvocation(),
        0,
      ),
      apiAccessBytesEstimate: per(m.metering.api.requests * accessLogBytesPerRequest(m.accessLogFormat), 0),
    },
    webhookDeliveries: per(m.webhooks.deliveries),
    internetOutBytes: per(m.webhooks.bytes + m.apiResponseBytes, 0),
  };
}

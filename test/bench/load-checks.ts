/**
 * The load bench's merchants and its burst: a merchant onboarded through the ops routes with its own key
 * and its flow limits at the maximum, and a burst of payments followed by the checks a load test owes
 * its reader (every payment final with `risk`, no dead letters, one payment per Idempotency-Key).
 */
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MAX_BURST, MAX_REQUESTS_PER_SECOND } from '../../shared/domain/flow/token-bucket.js';
import type { Answer, httpClient, Rss } from './load-runtime.js';
import { round } from './stats.js';

type Client = ReturnType<typeof httpClient>;
const OPS = { authorization: 'Bearer sk_test_ops' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BenchMerchant {
  readonly id: string;
  headers(idempotencyKey: string): Record<string, string>;
}

function expect(r: Answer, status: number, what: string): Record<string, any> {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as Record<string, any>;
}

/** A new active merchant, its API key, and flow limits raised so that nothing of the bench is throttled. */
export async function onboardMerchant(api: Client, name: string): Promise<BenchMerchant> {
  const merchant = expect(
    await api.call(
      'POST',
      '/v1/ops/merchants',
      { ...OPS, 'idempotency-key': name },
      { name, country: 'GB', expectedMonthlyVolume: { USD: 100_000_000_000 } },
    ),
    201,
    'onboard',
  );
  const id = String(merchant.id);
  expect(
    await api.call('POST', `/v1/ops/merchants/${id}/review`, OPS, { decision: 'approve', riskRating: 'low' }),
    200,
    'approve',
  );
  const key = expect(
    await api.call('POST', `/v1/ops/merchants/${id}/api-keys`, { ...OPS, 'idempotency-key': `${name}-key` }),
    201,
    'api key',
  );
  expect(
    await api.call('PUT', `/v1/ops/merchants/${id}/limits`, OPS, {
      requestsPerSecond: MAX_REQUESTS_PER_SECOND,
      burst: MAX_BURST,
    }),
    200,
    'limits',
  );
  // The functions' limits caches hold a merchant's limits for at most a second or two.
  await sleep(2_500);
  const secret = String(key.secret);
  return {
    id,
    headers: (idempotencyKey) => ({ authorization: `Bearer ${secret}`, 'idempotency-key': idempotencyKey }),
  };
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Messages in the dead-letter queues: every redrive target and every queue named as one. */
async function deadLetters(endpoint: string | undefined): Promise<number | null> {
  if (!endpoint) return null;
  const sqs = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const urls = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    const attributes = await Promise.all(
      urls.map(
        async (url) =>
          (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))
            .Attributes ?? {},
      ),
    );
    const targets = new Set(
      attributes.flatMap((a) => (a.RedrivePolicy ? [JSON.parse(a.RedrivePolicy).deadLetterTargetArn] : [])),
    );
    let total = 0;
    for (const a of attributes) {
      if (!targets.has(a.QueueArn) && !/dead-?letter/i.test(a.QueueArn ?? '')) continue;
      total +=
        Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0);
    }
    return total;
  } finally {
    sqs.destroy();
  }
}

export interface BurstInput {
  readonly api: Client;
  readonly merchant: BenchMerchant;
  readonly count: number;
  readonly concurrency: number;
  readonly body: (n: number) => unknown;
  readonly sqsEndpoint: string | undefined;
  readonly rss: () => Rss;
}

export async function burstChecks(input: BurstInput) {
  const { api, merchant, count, concurrency, body } = input;
  const keys = Array.from({ length: count }, (_, n) => n);
  const idByKey = new Map<number, string>();
  let refused = 0;
  const refusedStatuses: Record<string, number> = {};
  const started = performance.now();
  await pool(keys, concurrency, async (n) => {
    const r = await api.call('POST', '/v1/payments', merchant.headers(`burst-${n}`), body(n));
    if (r.status === 201) idByKey.set(n, String(JSON.parse(r.body).id));
    else {
      refused += 1;
      refusedStatuses[r.status] = (refusedStatuses[r.status] ?? 0) + 1;
    }
  });
  const createMs = performance.now() - started;
  const rssAfterCreates = input.rss();

  // Until every payment is final (succeeded or failed) and shows its risk assessment.
  let open = [...idByKey.values()];
  const deadline = Date.now() + Number(process.env.BENCH_LOAD_FINAL_SECONDS ?? 600) * 1000;
  while (open.length > 0 && Date.now() < deadline) {
    const still: string[] = [];
    await pool(open, 16, async (id) => {
      const r = await api.call('GET', `/v1/payments/${id}`, merchant.headers('unused'));
      const p = r.status === 200 ? JSON.parse(r.body) : {};
      if (!((p.status === 'succeeded' || p.status === 'failed') && p.risk)) still.push(id);
    });
    open = still;
    if (open.length > 0) await sleep(1_000);
  }
  const finalMs = performance.now() - started;
  const allFinalAfterMs = Math.round(finalMs - createMs);

  // One payment per key: a sample of keys retried (the first answer replayed), and the list read whole.
  const sample = keys.filter((n) => n % 20 === 0 && idByKey.has(n));
  let replayed = 0;
  await pool(sample, 8, async (n) => {
    const r = await api.call('POST', '/v1/payments', merchant.headers(`burst-${n}`), body(n));
    if (
      r.status === 201 &&
      r.headers['idempotent-replayed'] === 'true' &&
      JSON.parse(r.body).id === idByKey.get(n)
    )
      replayed += 1;
  });
  const listed: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = expect(
      await api.call('GET', `/v1/payments?limit=100${query}`, merchant.headers('unused')),
      200,
      'list',
    );
    listed.push(...(page.data as Array<{ id: string }>).map((p) => p.id));
    cursor = page.nextCursor as string | null;
  } while (cursor);
  const created = new Set(idByKey.values());
  const listedSet = new Set(listed);
  const dead = await deadLetters(input.sqsEndpoint);
  return {
    count,
    concurrency,
    refused,
    refusedStatuses,
    createsPerSecond: round(count / (createMs / 1000), 1),
    allFinalAfterMs,
    notFinal: open.length,
    /** Lifecycles completed a second, from the burst's start to the last one final. */
    finalPerSecond: round((idByKey.size - open.length) / (finalMs / 1000), 1),
    allFinalWithRisk: open.length === 0 && refused === 0,
    deadLetters: dead,
    sampleRetried: sample.length,
    sampleReplayedSameId: replayed,
    listed: listed.length,
    listedDistinct: listedSet.size,
    onePaymentPerKey:
      created.size === count &&
      replayed === sample.length &&
      listed.length === count &&
      listedSet.size === count &&
      [...created].every((id) => listedSet.has(id)),
    rssAfterCreates,
    rssAfter: input.rss(),
  };
}

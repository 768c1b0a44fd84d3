/**
 * Flow control in a merchant route of a service other than the gateway: leases asked of the gateway's
 * `flow-lease` function through the Lambda endpoint (invokedFlowStore, shared/flow/invoked-store.ts).
 * What the limiter sends parses with the function's contract and its answers are the limiter's, so a
 * merchant past its limits is still refused with 429; an invocation that fails, answers outside the
 * contract or does not answer within the store's deadline is a store failure: the request is admitted
 * (fail open), said once.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { safeParse } from 'zod/mini';
import { applyLease, type FlowLimits } from '../../../shared/domain/flow/token-bucket.js';
import { invokedFlowStore } from '../../../shared/flow/invoked-store.js';
import { FlowLimiter, type ShardWrite } from '../../../shared/flow/limiter.js';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { logger } from '../../../shared/http/logger.js';
import { flowStore, reportFlowStoreError, setFlowLimiter } from '../../../shared/http/rate-limit.js';
import { json } from '../../../shared/http/responses.js';
import { type FlowLeaseRequest, flowLeaseRequestSchema } from '../../../shared/internal/flow-lease.js';
import { DynamoFlowStore } from '../../../shared/store/dynamodb/flow-buckets.js';
import { type FunctionStub, startFunctionStub } from '../../support/function-stub.js';
import { apiEvent, context, problemOf } from '../functions/fixtures.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

/** The error the first warning logged (the middleware's `reportFlowStoreError`). */
const warnedError = (warn: { mock: { calls: { arguments: unknown[] }[] } }) =>
  (warn.mock.calls[0]?.arguments[1] as { error?: Error } | undefined)?.error;

const merchantRoute = apiHandler({ role: 'merchant' }, async () => json(200, { ok: true }));
const call = (merchantId = 'm_1') =>
  merchantRoute(apiEvent({ method: 'GET', path: '/v1/x', auth: { merchantId, role: 'merchant' } }), context);

/** The limits read from the table, as DynamoFlowStore's cache would answer them. */
const limitsOf = (limits: FlowLimits) => ({ limitsOf: async () => limits });

/** The gateway's side, in memory: the contract's request, the plan applied as the conditional write does. */
function gatewayBuckets() {
  const shards = new Map<string, number>();
  const requests: FlowLeaseRequest[] = [];
  const handle = (event: unknown): ShardWrite => {
    const parsed = safeParse(flowLeaseRequestSchema, event);
    if (!parsed.success)
      throw Object.assign(new Error(parsed.error.message), { name: 'InvalidPayloadError' });
    const { merchantId, shard, plan } = parsed.data;
    requests.push(parsed.data);
    const key = `FLOW#${merchantId}#${shard}`;
    const next = applyLease(shards.get(key), plan);
    if (next === null) return { ok: false, fullAt: shards.get(key) };
    shards.set(key, next);
    return { ok: true, fullAt: next };
  };
  return { handle, requests };
}

let stub: FunctionStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
  setFlowLimiter(undefined);
});

/** The route's limiter on an InvokedFlowStore of a stub function `handle` serves. */
async function useInvokedLimiter(handle: (event: unknown) => unknown, limits: FlowLimits, timeoutMs = 1_000) {
  stub = await startFunctionStub('FlowLease', handle);
  const store = invokedFlowStore(limitsOf(limits), stub.arn, timeoutMs);
  setFlowLimiter(new FlowLimiter(store, { onStoreError: reportFlowStoreError, prefetch: false }));
  return store;
}

describe("flow control through the gateway's flow-lease function", () => {
  it('leases through the function, and refuses with 429 once the bucket is empty', async () => {
    // Prepare: 1 request a second, burst 2
    const gateway = gatewayBuckets();
    await useInvokedLimiter(gateway.handle, { requestsPerSecond: 1, burst: 2 });
    // Act
    const answers = [await call(), await call(), await call()];
    // Assess: two admitted from the function's leases, the third refused from what it answered
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [200, 200, 429],
    );
    assert.match(problemOf(answers[2] as never).type, /\/rate-limited$/);
    assert.equal(answers[2]?.headers?.['Retry-After'], '1');
    assert.ok(gateway.requests.length >= 2, 'one invocation per lease');
    assert.deepEqual(
      gateway.requests.map((r) => [r.merchantId, r.shard]),
      gateway.requests.map(() => ['m_1', 0]),
    );
    assert.equal(gateway.requests[0]?.plan.idle, true, 'the first lease restarts an idle shard');
  });

  it('maps the answers: the new fullAt of a take, and a refusal with or without one', async () => {
    const answers: unknown[] = [{ ok: true, fullAt: 1_000 }, { ok: false, fullAt: 2_000 }, { ok: false }];
    const store = await useInvokedLimiter(() => answers.shift(), { requestsPerSecond: 1, burst: 1 });
    const plan = { granted: 1, idle: true, now: 10, increment: 1_000_000, latest: 10, next: 1_000_010 };
    assert.deepEqual(await store.takeFromShard('m_1', 0, plan), { ok: true, fullAt: 1_000 });
    assert.deepEqual(await store.takeFromShard('m_1', 0, plan), { ok: false, fullAt: 2_000 });
    assert.deepEqual(await store.takeFromShard('m_1', 0, plan), { ok: false, fullAt: undefined });
    assert.deepEqual(await store.limitsOf('m_1'), { requestsPerSecond: 1, burst: 1 });
    assert.deepEqual(stub?.received[0], { merchantId: 'm_1', shard: 0, plan });
  });

  it('fails open when the function fails: admits, warns once and counts FlowStoreErrors', async (t) => {
    // Prepare
    const warn = t.mock.method(logger, 'warn', () => undefined);
    await useInvokedLimiter(
      () => {
        throw Object.assign(new Error('no answer within 1000 ms'), { name: 'TimeoutError' });
      },
      { requestsPerSecond: 1, burst: 1 },
    );
    // Act
    const answers = await Promise.all([1, 2, 3].map(() => call()));
    // Assess
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [200, 200, 200],
    );
    assert.equal(warn.mock.callCount(), 1);
    const fields = warn.mock.calls[0]?.arguments[1] as { error?: Error; FlowStoreErrors?: number };
    assert.equal(fields.FlowStoreErrors, 1);
    assert.equal(fields.error?.name, 'InvokedFunctionError');
  });

  it('fails open on an answer outside the contract', async (t) => {
    // Prepare: a first answer that is no ShardWrite, then others the store refuses as well
    const warn = t.mock.method(logger, 'warn', () => undefined);
    const answers: unknown[] = [
      { ok: 'yes' },
      { ok: true },
      { ok: true, fullAt: -1 },
      { ok: false, fullAt: 1.5 },
      null,
    ];
    const store = await useInvokedLimiter(() => answers.shift(), { requestsPerSecond: 1, burst: 1 });
    // Act, assess: the request is admitted, the answer named in the warning
    assert.equal((await call()).statusCode, 200);
    assert.match(String(warnedError(warn)), /outside its contract: \{"ok":"yes"\}/);
    const plan = { granted: 1, idle: true, now: 10, increment: 1_000_000, latest: 10, next: 1_000_010 };
    while (answers.length > 0)
      await assert.rejects(store.takeFromShard('m_1', 0, plan), /outside its contract/);
  });

  it('gives up on an invocation at the store deadline (aborted), and fails open', async (t) => {
    // Prepare: a deadline of 50 ms, a function that answers after 2 s
    const warn = t.mock.method(logger, 'warn', () => undefined);
    await useInvokedLimiter(
      () => new Promise((resolve) => setTimeout(() => resolve({ ok: true, fullAt: 1 }), 2_000).unref()),
      { requestsPerSecond: 1, burst: 1 },
      50,
    );
    // Act
    const started = performance.now();
    const answer = await call();
    // Assess
    assert.equal(answer.statusCode, 200);
    assert.ok(performance.now() - started < 1_000, 'not held until the function answers');
    assert.equal(warnedError(warn)?.name, 'TimeoutError');
    assert.equal(stub?.received.length, 1, 'aborted, not retried');
  });
});

describe('flowStore', () => {
  it('invokes the gateway when its flow-lease ARN is in the environment, else writes the table', async () => {
    // Prepare
    stub = await startFunctionStub('FlowLease', () => ({ ok: false, fullAt: 7 }));
    const plan = { granted: 1, idle: true, now: 10, increment: 1_000_000, latest: 10, next: 1_000_010 };
    // Act
    const invoking = flowStore({ TABLE_NAME: 't', FLOW_LEASE_FUNCTION_ARN: stub.arn });
    const direct = flowStore({ TABLE_NAME: 't' });
    // Assess
    assert.ok(!(invoking instanceof DynamoFlowStore));
    assert.deepEqual(await invoking.takeFromShard('m_1', 2, plan), { ok: false, fullAt: 7 });
    assert.deepEqual(stub.received, [{ merchantId: 'm_1', shard: 2, plan }]);
    assert.ok(direct instanceof DynamoFlowStore);
    assert.ok(flowStore({ TABLE_NAME: 't', FLOW_LEASE_FUNCTION_ARN: ' ' }) instanceof DynamoFlowStore);
    assert.throws(() => flowStore({ FLOW_LEASE_FUNCTION_ARN: stub?.arn }), /TABLE_NAME/);
  });
});

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import * as z from 'zod/mini';
import { apiHandler } from '../../../shared/http/api-handler.js';
import { json } from '../../../shared/http/responses.js';
import { setUsageSink } from '../../../shared/http/usage-meter.js';
import { parseUsageLine, type UsageRecord } from '../../../shared/usage/record.js';
import { apiEvent, context } from '../functions/fixtures.js';

const lines: string[] = [];
const records = (): (UsageRecord | undefined)[] => lines.map(parseUsageLine);

const create = apiHandler(
  { role: 'merchant', body: z.strictObject({ amount: z.number(), replay: z.optional(z.boolean()) }) },
  async ({ body }) => {
    if (body.amount === 0) throw new Error('boom');
    return json(201, { ok: true }, body.replay ? { 'Idempotent-Replayed': 'true' } : {});
  },
);
const opsRoute = apiHandler({ role: 'ops' }, async () => json(200, {}));
const publicRoute = apiHandler({}, async () => json(200, {}));

const post = (body: unknown, auth?: { merchantId: string; role: string } | null) =>
  apiEvent({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' }, auth });

describe('usage metering middleware', () => {
  beforeEach(() => {
    lines.length = 0;
    setUsageSink((line) => lines.push(line));
  });
  afterEach(() => setUsageSink(() => {}));

  it('writes one line per answer of a merchant key, whatever the answer', async () => {
    // Act
    const answers = [
      await create(post({ amount: 1 }), context),
      await create(post({ amount: 1, replay: true }), context),
      await create(post({ amount: 'x' }), context),
      await create(post({ amount: 0 }), context),
      await opsRoute(apiEvent({ method: 'GET', path: '/v1/ops/x' }), context),
    ];
    // Assess
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [201, 201, 400, 500, 403],
    );
    assert.deepEqual(
      records().map((r) => [r?.merchantId, r?.route, r?.status, r?.created]),
      [
        ['m_1', 'POST /v1/payments', 201, true],
        ['m_1', 'POST /v1/payments', 201, false],
        ['m_1', 'POST /v1/payments', 400, false],
        ['m_1', 'POST /v1/payments', 500, false],
        ['m_1', 'GET /v1/ops/x', 403, false],
      ],
    );
    assert.equal(records()[0]?.at, '2030-01-01T00:00:00.000Z', 'the day API Gateway received it');
  });

  it('writes nothing for unknown keys, missing keys, ops keys and public routes', async () => {
    // Act
    const answers = [
      await create(apiEvent({ body: '{}', headers: { authorization: 'Bearer nope' }, auth: null }), context),
      await create(post({ amount: 1 }, null), context),
      await opsRoute(
        apiEvent({ method: 'GET', path: '/v1/ops/x', auth: { merchantId: 'ops', role: 'ops' } }),
        context,
      ),
      await create(post({ amount: 1 }, { merchantId: 'ops', role: 'ops' }), context),
      await publicRoute(apiEvent({ method: 'GET', path: '/health' }), context),
    ];
    // Assess
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [401, 401, 200, 403, 200],
    );
    assert.deepEqual(lines, []);
  });
});

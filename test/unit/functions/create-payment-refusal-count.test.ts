/**
 * create-payment hands a risk refusal to risk's `count-refusal` function (an asynchronous invocation
 * through the local Lambda endpoint) instead of writing risk's daily summary: the payload parses with
 * the function's contract (shared/schemas/risk-functions.ts), the answer is the same 422, and nothing
 * of `RISKSUM#` is written by create-payment.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { safeParse } from 'zod/mini';
import { countRefusalRequest } from '../../../shared/schemas/risk-functions.js';
import { DEFAULT_RISK_PROFILE } from '../../../shared/schemas/risk-profile.js';
import { idempotencySlot } from '../../../shared/store/idempotency.js';
import { eventually } from '../../support/eventually.js';
import { CREATE_PAYMENT_READS, serveInProcess } from '../../support/in-process-functions.js';
import { apiEvent, context, jsonHeaders, problemOf } from './fixtures.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.RISK_PROFILE_TTL_MS = '0';
process.env.ROUTING_CONFIG_TTL_MS = '0';
const ddb = mockClient(DynamoDBClient);
// count-refusal answers as risk's function would; the profile and routing reads are the owners' functions,
// run here on the mocked client. The environment is read once, when the module loads.
const { received } = await serveInProcess([
  ...CREATE_PAYMENT_READS,
  { name: 'CountRefusal', envVar: 'COUNT_REFUSAL_FUNCTION_ARN', handle: () => ({ counted: true }) },
]);
const stub = { received: received.get('CountRefusal') as unknown[] };
const { handler } = await import('../../../functions/api/create-payment.js');

const create = (key: string, body: unknown) =>
  handler(
    apiEvent({ headers: jsonHeaders({ 'idempotency-key': key }), body: JSON.stringify(body) }),
    context,
  );

describe("create-payment counts a risk refusal through risk's count-refusal function", () => {
  beforeEach(() => {
    ddb.reset();
    stub.received.length = 0;
    ddb.on(QueryCommand).resolves({
      Items: [
        marshall({
          PK: 'RISK#m_1',
          SK: 'RISK_PROFILE',
          entity: 'riskProfile',
          profile: { ...DEFAULT_RISK_PROFILE, blockedEmails: ['fraud@example.com'] },
        }),
      ],
    });
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
  });

  it('invokes count-refusal once with a payload its contract parses, and answers the same 422', async () => {
    // Act
    const result = await create('refused-1', {
      amount: 4_200,
      currency: 'USD',
      customer: { email: 'fraud@example.com' },
    });
    // Assess
    assert.equal(result.statusCode, 422);
    assert.deepEqual((problemOf(result) as { reasons?: string[] }).reasons, ['blocked_email']);
    const [payload] = await eventually(() => (stub.received.length > 0 ? stub.received : undefined));
    const parsed = safeParse(countRefusalRequest, payload);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.deepEqual(parsed.data, {
      merchantId: 'm_1',
      refusalId: idempotencySlot('m_1', 'refused-1'),
      day: new Date().toISOString().slice(0, 10),
      amount: 4_200,
      currency: 'USD',
      reasons: ['blocked_email'],
    });
    assert.equal(stub.received.length, 1);
    // The summary is risk's item: create-payment writes only the refusal at its slot.
    assert.equal(ddb.commandCalls(UpdateItemCommand).length, 0);
    assert.equal(ddb.commandCalls(PutItemCommand).length, 1);
  });

  it('invokes nothing for a payment the checks let through', async () => {
    // Act
    const result = await create('accepted-1', { amount: 1_050, currency: 'USD' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Assess
    assert.equal(result.statusCode, 201);
    assert.deepEqual(stub.received, []);
  });
});

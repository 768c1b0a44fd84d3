import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { hashApiKey } from '../../../shared/store/api-keys.js';
import { context } from './fixtures.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
const ddb = mockClient(DynamoDBClient);
const { handler } = await import('../../../functions/api/authorizer.js');

const event = (headers: Record<string, string>) =>
  ({
    type: 'REQUEST',
    routeKey: 'GET /v1/payments',
    headers,
  }) as unknown as APIGatewayRequestAuthorizerEventV2;

describe('API key authorizer', () => {
  beforeEach(() => ddb.reset());

  it('authorizes a known key with its merchant and role, looked up by digest only', async () => {
    // Prepare
    ddb.on(GetItemCommand).resolves({
      Item: marshall({ PK: 'KEY#x', SK: 'KEY', entity: 'apiKey', merchantId: 'm_1', role: 'merchant' }),
    });
    // Act
    const result = await handler(event({ authorization: 'Bearer sk_test_demo_1' }), context);
    // Assess
    assert.deepEqual(result, { isAuthorized: true, context: { merchantId: 'm_1', role: 'merchant' } });
    const key = ddb.commandCalls(GetItemCommand)[0]?.args[0].input.Key;
    assert.equal(key?.PK?.S, `KEY#${hashApiKey('sk_test_demo_1')}`);
  });

  it('passes a missing, malformed or unknown key as anonymous, for the route to answer 401 problem+json', async () => {
    // Prepare
    ddb.on(GetItemCommand).resolves({});
    // Act
    const results = await Promise.all([
      handler(event({}), context),
      handler(event({ authorization: 'Basic abc' }), context),
      handler(event({ authorization: 'Bearer sk_unknown' }), context),
    ]);
    // Assess
    for (const result of results) {
      assert.deepEqual(result, { isAuthorized: true, context: { merchantId: '', role: 'anonymous' } });
    }
    assert.equal(ddb.commandCalls(GetItemCommand).length, 1);
  });
});

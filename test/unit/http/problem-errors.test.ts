import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { toProblemResponse } from '../../../shared/http/problem-errors.js';
import { InvokeCallError, InvokedFunctionError } from '../../../shared/services/invoke.js';

const $metadata = { httpStatusCode: 400, requestId: 'REQ123' };
const message = 'Throughput exceeds the current capacity of your table payments-prod (arn:aws:dynamodb:…)';

describe('toProblemResponse for DynamoDB errors', () => {
  for (const error of [
    new ProvisionedThroughputExceededException({ message, $metadata }),
    new ThrottlingException({ message, $metadata }),
    new RequestLimitExceeded({ message, $metadata }),
    new TransactionConflictException({ message, $metadata }),
  ]) {
    it(`answers ${error.name} with a retryable 503 that names no internals`, () => {
      // Act
      const response = toProblemResponse(error);
      // Assess
      assert.equal(response.statusCode, 503);
      assert.equal(response.headers?.['Content-Type'], 'application/problem+json');
      assert.equal(response.headers?.['Retry-After'], '1');
      assert.deepEqual(JSON.parse(response.body), {
        type: 'https://payments.example/problems/service-unavailable',
        title: 'We are busy right now; retry shortly',
        status: 503,
        detail: 'The request could not be completed now. Retry it.',
      });
      assert.doesNotMatch(response.body, /payments-prod|arn:|REQ123|Exception|Throttl|Limit/);
    });
  }

  it('answers an error the SDK marks as throttling with 503', () => {
    // Prepare
    const error = Object.assign(new Error('slow down'), {
      name: 'SlowDown',
      $retryable: { throttling: true },
    });
    // Act & Assess
    assert.equal(toProblemResponse(error).statusCode, 503);
  });

  it('keeps a DynamoDB 500 and a lost connection as a bare 500 without Retry-After', () => {
    // Act
    const server = toProblemResponse(new InternalServerError({ message: 'boom', $metadata: {} }));
    const network = toProblemResponse(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    // Assess
    for (const response of [server, network]) {
      assert.equal(response.statusCode, 500);
      assert.equal(response.headers?.['Retry-After'], undefined);
      assert.equal(JSON.parse(response.body).type, 'https://payments.example/problems/internal-error');
    }
  });
});

describe("toProblemResponse for a read asked of another service's function", () => {
  const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:payments-dev-risk-merchant-risk-profile:live';

  it('answers 503 when the function met DynamoDB throttling, or Lambda refused the call for load', () => {
    for (const error of [
      new InvokedFunctionError(ARN, 'ProvisionedThroughputExceededException', message),
      new InvokedFunctionError(ARN, 'ThrottlingException', message),
      new InvokeCallError(ARN, 'TooManyRequestsException', 429, 'Rate exceeded'),
    ]) {
      const response = toProblemResponse(error);
      assert.equal(response.statusCode, 503, error.message);
      assert.equal(response.headers?.['Retry-After'], '1');
      assert.doesNotMatch(response.body, /arn:|payments-dev|Exception|Rate exceeded/);
    }
  });

  it('answers 500, as the same failure read directly, for any other failure of the function or the call', () => {
    for (const error of [
      new InvokedFunctionError(ARN, 'CorruptItemError', 'Unexpected item shape'),
      new InvokedFunctionError(ARN, 'InternalServerError', 'boom'),
      new InvokeCallError(ARN, 'ResourceNotFoundException', 404, 'Function not found'),
      new InvokeCallError(ARN, 'AccessDeniedException', 403, 'not authorized'),
    ]) {
      const response = toProblemResponse(error);
      assert.equal(response.statusCode, 500, error.message);
      assert.doesNotMatch(response.body, /arn:|payments-dev|Exception|not authorized/);
    }
  });
});

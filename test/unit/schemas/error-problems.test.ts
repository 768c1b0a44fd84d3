import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ChannelError } from '../../../shared/channels/errors.js';
import { ConfigError } from '../../../shared/config/errors.js';
import {
  DeadLetterQueueNotFoundError,
  RedriveInProgressError,
  RedriveNotSupportedError,
} from '../../../shared/dead-letters/errors.js';
import { CodedError } from '../../../shared/domain/errors.js';
import {
  ApiKeyNotActiveError,
  MerchantNotActiveError,
  MerchantStateError,
} from '../../../shared/domain/merchants/errors.js';
import { MoneyError } from '../../../shared/domain/money.js';
import { StatementFormatError } from '../../../shared/domain/reconciliation/errors.js';
import { SettlementError } from '../../../shared/domain/settlement/errors.js';
import { InvalidEventError } from '../../../shared/events/errors.js';
import { MerchantSuspendedError } from '../../../shared/http/errors.js';
import { toProblemResponse } from '../../../shared/http/problem-errors.js';
import { PaymentNotInReviewError } from '../../../shared/risk/errors.js';
import { ERROR_PROBLEMS, type ErrorCode } from '../../../shared/schemas/error-problems.js';
import { PROBLEM_TYPE_BASE, PROBLEMS, type ProblemCode } from '../../../shared/schemas/problem-catalogue.js';
import { MerchantNotFoundError } from '../../../shared/store/dynamodb/risk-profiles.js';
import {
  ConcurrentModificationError,
  CorruptItemError,
  IdempotencyKeyReusedError,
  InvalidCursorError,
  ObjectNotFoundError,
} from '../../../shared/store/errors.js';
import { WebhookDeliveryFailedError } from '../../../shared/webhooks/errors.js';

const ROOT = join(import.meta.dirname, '../../..');

function answer(error: unknown) {
  const response = toProblemResponse(error);
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

describe('the error table', () => {
  it('answers every code with its problem, or a bare 500 when the client has no part in it', () => {
    for (const [code, rule] of Object.entries(ERROR_PROBLEMS)) {
      // Prepare
      const error =
        rule?.errors !== undefined && code !== 'invalid_cursor'
          ? new StatementFormatError(code as never, 3, 'bad amount', 'amount')
          : new CodedError(code as ErrorCode, `message of ${code}`);
      // Act
      const { status, body } = answer(error);
      // Assess
      const expected: ProblemCode = rule?.problem ?? 'internal-error';
      assert.equal(status, PROBLEMS[expected].status, code);
      assert.equal(body.type, `${PROBLEM_TYPE_BASE}${expected}`, code);
      if (!rule) assert.doesNotMatch(JSON.stringify(body), /message of/, code);
    }
  });

  it("answers each module's errors as the API always did", () => {
    // Prepare
    const cases: [Error, number, string, string][] = [
      [new ObjectNotFoundError('pay_1'), 404, 'not-found', 'No such object: pay_1'],
      [new MerchantNotFoundError('m_1'), 404, 'not-found', 'No such merchant: m_1'],
      [
        new IdempotencyKeyReusedError(),
        422,
        'idempotency-key-reused',
        new IdempotencyKeyReusedError().message,
      ],
      [new InvalidCursorError('stale'), 400, 'validation-error', 'The query string is not valid.'],
      [
        new ConcurrentModificationError(),
        409,
        'concurrent-modification',
        new ConcurrentModificationError().message,
      ],
      [
        new DeadLetterQueueNotFoundError('nope'),
        404,
        'not-found',
        new DeadLetterQueueNotFoundError('nope').message,
      ],
      [
        new RedriveInProgressError('q', 't'),
        409,
        'redrive-in-progress',
        new RedriveInProgressError('q', 't').message,
      ],
      [
        new RedriveNotSupportedError('q'),
        409,
        'redrive-not-supported',
        new RedriveNotSupportedError('q').message,
      ],
      [
        new PaymentNotInReviewError('pay_1', 'released'),
        409,
        'payment-not-in-review',
        'Payment pay_1 is not in review: it was already released.',
      ],
      [
        new MerchantStateError('approve', 'active', 'pending_review'),
        409,
        'merchant-state-conflict',
        'The merchant is active: approve needs a merchant that is pending_review.',
      ],
      [
        new MerchantNotActiveError('suspended'),
        409,
        'merchant-not-active',
        'The merchant is suspended: only an active merchant is issued API keys.',
      ],
      [
        new ApiKeyNotActiveError('expiring'),
        409,
        'api-key-not-active',
        'The key is expiring: only an active key can be rolled.',
      ],
      [new MerchantSuspendedError(), 403, 'merchant-suspended', new MerchantSuspendedError().detail],
    ];
    for (const [error, status, slug, detail] of cases) {
      // Act
      const { status: got, body } = answer(error);
      // Assess
      assert.equal(got, status, error.name);
      assert.equal(body.type, `${PROBLEM_TYPE_BASE}${slug}`, error.name);
      assert.equal(body.detail, detail, error.name);
    }
  });

  it('names the cursor and the statement line in the field errors', () => {
    // Act
    const cursor = answer(new InvalidCursorError('not ours'));
    const statement = answer(new StatementFormatError('invalid_value', 7, 'not an integer', 'amount'));
    const header = answer(new StatementFormatError('invalid_header', 1, 'unexpected header'));
    // Assess
    assert.deepEqual(cursor.body.errors, [{ path: 'cursor', message: 'Invalid cursor: not ours' }]);
    assert.equal(
      statement.body.detail,
      'The statement is not valid: Statement line 7, column amount: not an integer',
    );
    assert.deepEqual(statement.body.errors, [{ path: 'line 7, amount', message: 'not an integer' }]);
    assert.deepEqual(header.body.errors, [{ path: 'line 1', message: 'unexpected header' }]);
  });

  it('hides our own failures behind a 500 that says nothing of them', () => {
    for (const error of [
      new CorruptItemError('no pk'),
      new SettlementError('invalid_line_item', 'secret detail'),
      new MoneyError('out_of_range', 'secret detail'),
      new ChannelError('channel_unavailable', 'secret detail', true),
      new InvalidEventError('secret detail'),
      new ConfigError('secret detail', ['TABLE_NAME']),
      new WebhookDeliveryFailedError('evt_1', ['we_1'], 60),
      new CodedError('NoSuchBucket', 'secret detail'),
    ]) {
      // Act
      const { status, body } = answer(error);
      // Assess
      assert.equal(status, 500, error.name);
      assert.doesNotMatch(JSON.stringify(body), /secret|no pk|evt_1/);
    }
  });

  it('reaches every problem of the catalogue, from the table or from the code that raises it', () => {
    // Prepare: the problems the table answers, and every slug the product code names in a literal
    const targets = new Set<string>(
      Object.values(ERROR_PROBLEMS).flatMap((rule) => (rule ? [rule.problem] : [])),
    );
    const sources = ['functions', 'shared/http', 'shared/store', 'shared/schemas']
      .flatMap((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)),
      )
      .filter((f) => f.endsWith('.ts') && !/problem-catalogue|error-problems|openapi/.test(f))
      .map((f) => readFileSync(join(ROOT, f), 'utf8'))
      .join('\n')
      // The catalogue's own builders (riskRejected), not its list of slugs
      .concat(
        readFileSync(join(ROOT, 'shared/schemas/problem-catalogue.ts'), 'utf8').split('ProblemCode =')[1] ??
          '',
      );
    // Act
    const unreachable = Object.keys(PROBLEMS).filter(
      (slug) => !targets.has(slug) && !new RegExp(`['"]${slug}['"]`).test(sources),
    );
    // Assess
    assert.deepEqual(unreachable, []);
  });
});

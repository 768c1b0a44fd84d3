/**
 * The one table from an error's stable `code` to the problem the API answers (the catalogue is
 * problem-catalogue.ts beside it). Every code of every module is listed: the type makes a new code a
 * compile error until it says what a client sees. `null` means the error is never the client's
 * business (our own data is wrong, a dependency failed, a consumer-side error): it answers a bare 500
 * and its cause goes to the log only. `HttpProblemError`s carry a problem slug as their code and need
 * no row. Only types are imported: the table costs the API bundles none of the modules it names.
 */
import type { ExecutionAlreadyExistsError } from '../aws/sfn.js';
import type { ChannelCredentialsError, ChannelErrorCode, PayoutFailedError } from '../channels/errors.js';
import type { ConfigError } from '../config/errors.js';
import type {
  DeadLetterQueueNotFoundError,
  RedriveInProgressError,
  RedriveNotSupportedError,
} from '../dead-letters/errors.js';
import type { CodedError } from '../domain/errors.js';
import type { MerchantErrorCode } from '../domain/merchants/errors.js';
import type { MoneyErrorCode } from '../domain/money.js';
import type {
  ReconciliationErrorCode,
  StatementFormatError,
  StatementFormatErrorCode,
} from '../domain/reconciliation/errors.js';
import type { SettlementErrorCode } from '../domain/settlement/errors.js';
import type { EventErrorCode } from '../events/errors.js';
import type { StatementUnavailableError } from '../reconciliation/run.js';
import type { PaymentNotInReviewError } from '../risk/errors.js';
import type { StoreErrorCode } from '../store/errors.js';
import type { WebhookDeliveryFailedError } from '../webhooks/errors.js';
import type { ProblemCode, ProblemFieldError } from './problem-catalogue.js';

/** Every code a `CodedError` of ours may carry (S3's own codes aside: those are S3's, never mapped). */
export type ErrorCode =
  | StoreErrorCode
  | ReconciliationErrorCode
  | SettlementErrorCode
  | MoneyErrorCode
  | MerchantErrorCode
  | EventErrorCode
  | ChannelErrorCode
  | ChannelCredentialsError['code']
  | ConfigError['code']
  | DeadLetterQueueNotFoundError['code']
  | RedriveInProgressError['code']
  | RedriveNotSupportedError['code']
  | WebhookDeliveryFailedError['code']
  | PaymentNotInReviewError['code']
  | ExecutionAlreadyExistsError['code']
  | StatementUnavailableError['code']
  | PayoutFailedError['code'];

/** The problem an error answers: its type, and its detail and field errors when not the message alone. */
export interface ProblemRule {
  readonly problem: ProblemCode;
  readonly detail?: (error: CodedError) => string;
  readonly errors?: (error: CodedError) => ProblemFieldError[];
}

/** A statement refused at upload: a 400 naming the line (and column) at fault. */
const statementProblem: ProblemRule = {
  problem: 'validation-error',
  detail: (error) => `The statement is not valid: ${error.message}`,
  errors: (error) => {
    const { line, column, detail } = error as StatementFormatError;
    return [{ path: `line ${line}${column ? `, ${column}` : ''}`, message: detail }];
  },
};

const statementFormatCodes: Record<StatementFormatErrorCode, ProblemRule> = {
  missing_header: statementProblem,
  invalid_header: statementProblem,
  wrong_column_count: statementProblem,
  invalid_quote: statementProblem,
  unterminated_quote: statementProblem,
  line_too_long: statementProblem,
  invalid_value: statementProblem,
  wrong_day: statementProblem,
};

export const ERROR_PROBLEMS: Record<ErrorCode, ProblemRule | null> = {
  // Store
  not_found: { problem: 'not-found' },
  idempotency_key_reused: { problem: 'idempotency-key-reused' },
  invalid_cursor: {
    problem: 'validation-error',
    detail: () => 'The query string is not valid.',
    errors: (error) => [{ path: 'cursor', message: error.message }],
  },
  concurrent_modification: { problem: 'concurrent-modification' },
  corrupt_item: null,
  // Reconciliation
  ...statementFormatCodes,
  invalid_statement_date: null,
  duplicate_expectation: null,
  invalid_expectation: null,
  run_state: null,
  no_statement: null,
  // Merchant onboarding and API keys
  merchant_state_conflict: { problem: 'merchant-state-conflict' },
  merchant_not_active: { problem: 'merchant-not-active' },
  api_key_not_active: { problem: 'api-key-not-active' },
  // Risk review
  payment_not_in_review: { problem: 'payment-not-in-review' },
  // Dead letters
  dead_letter_queue_not_found: { problem: 'not-found' },
  redrive_in_progress: { problem: 'redrive-in-progress' },
  redrive_not_supported: { problem: 'redrive-not-supported' },
  // Settlement and money: our own arithmetic refusing our own data
  invalid_line_item: null,
  invalid_settlement: null,
  invalid_period: null,
  out_of_range: null,
  unknown_currency: null,
  not_an_integer: null,
  currency_mismatch: null,
  negative_result: null,
  execution_already_exists: null,
  payout_failed: null,
  // Consumers, channels, configuration
  invalid_event: null,
  publish_failed: null,
  channel_unavailable: null,
  channel_rejected: null,
  unknown_channel: null,
  statement_unavailable: null,
  // A channel's secret unreadable or not what its adapter needs: our failure; a notifying channel
  // answered 500 delivers again later, by when ops have fixed the secret.
  credentials_unavailable: null,
  credentials_invalid: null,
  config_invalid: null,
  webhook_delivery_failed: null,
};

/** The rule for `code`, or undefined when it answers a bare 500 (or is not one of ours). */
export function problemRuleOf(code: string): ProblemRule | undefined {
  return Object.hasOwn(ERROR_PROBLEMS, code) ? (ERROR_PROBLEMS[code as ErrorCode] ?? undefined) : undefined;
}

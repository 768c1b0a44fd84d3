/**
 * Response bodies and headers that no handler validates, so they have no schema elsewhere. Written here
 * in zod, like every other schema of the document, each checked against the type the code returns.
 */
import * as z from 'zod/mini';
import type {
  DeadLetterMessage,
  DeadLetterQueues,
  DeadLetterQueueView,
  Redrive,
  RedriveStatus,
} from '../../dead-letters/dead-letter-queues.js';
import type { RiskRating } from '../../domain/risk/rating.js';
import type { ReviewStatus } from '../../domain/risk/review.js';
import type { RiskSummary } from '../../store/dynamodb/risk-summary-reads.js';
import type { OutcomeResult } from '../../store/ports.js';
import { eventPaymentSchema } from '../events.js';
import { channelSchema, paymentSchema } from '../payment.js';
import { reconciliationRunIdSchema } from '../reconciliation.js';
import { refundSchema } from '../refund.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType, webhookPayloadSchema } from '../webhooks.js';

/** True when `A` and `B` are assignable both ways: a schema written here cannot drift from its type. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Response bodies that no handler validates, so they have no schema elsewhere. Written here in zod,
 * like every other schema of the document.
 */
export const healthSchema = z.object({ status: z.literal('ok') });
/** The outcomes a callback answers 200 with (`unknown_reference` answers 422); typed, so none is missed. */
type AcceptedOutcome = Exclude<OutcomeResult['kind'], 'unknown_reference'>;
const ACCEPTED_OUTCOMES = {
  applied: 'applied',
  already_applied: 'already_applied',
  conflict: 'conflict',
  mismatch: 'mismatch',
} as const satisfies { [K in AcceptedOutcome]: K };
export const callbackReceiptSchema = z.object({
  received: z.literal(true),
  result: z.enum(ACCEPTED_OUTCOMES),
});

/** A reviewed payment is `released` or `rejected`; `held` is what a review decides on, never its answer. */
const REVIEWED = ['released', 'rejected'] as const satisfies readonly ReviewStatus[];
/** `POST /v1/ops/payments/{id}/review` answers the payment with its `reviewStatus` beside it. */
export const reviewedPaymentSchema = z.extend(paymentSchema, { reviewStatus: z.enum(REVIEWED) });

/** `GET /v1/ops/merchants/{merchantId}/risk-summary` (shared/store/dynamodb/risk-summary-reads.ts). */
const count = z.int().check(z.minimum(0));
const perCurrency = z.record(z.string(), z.int());
export const riskSummarySchema = z.object({
  merchantId: z.string(),
  date: z.string(),
  assessed: count,
  approved: count,
  reviewed: count,
  rejected: count,
  refusedBefore: count,
  amounts: z.object({ reviewed: perCurrency, rejected: perCurrency, refusedBefore: perCurrency }),
  topReasons: z.array(z.object({ reason: z.string(), count })),
});
// Fails to compile when the reader's `RiskSummary` gains, loses or retypes a field.
const _summaryMatches: Same<z.output<typeof riskSummarySchema>, RiskSummary> = true;

/** `Same` on the JSON a type serializes to: readonly fields and arrays compare as their mutable forms. */
type Wire<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/**
 * What the dead-letter routes answer (shared/dead-letters/dead-letter-queues.ts): no handler validates it,
 * so it is written here, each checked against the type the code returns.
 */
export const deadLetterQueueSchema = z.object({
  name: z.string(),
  url: z.string(),
  arn: z.string(),
  sourceQueues: z.array(z.string()),
  redrivable: z.boolean(),
  approximateMessages: count,
  approximateMessagesNotVisible: count,
});
export const deadLetterMessageSchema = z.object({
  messageId: z.string(),
  body: z.unknown(),
  receiveCount: count,
  sentAt: z.nullable(z.iso.datetime()),
  sourceQueueArn: z.nullable(z.string()),
});
const REDRIVE_STATUSES = {
  running: 'running',
  completed: 'completed',
  cancelling: 'cancelling',
  cancelled: 'cancelled',
  failed: 'failed',
} as const satisfies { [K in RedriveStatus]: K };
export const redriveSchema = z.object({
  taskHandle: z.nullable(z.string()),
  status: z.enum(REDRIVE_STATUSES),
  sourceArn: z.string(),
  destinationArn: z.nullable(z.string()),
  maxPerSecond: z.nullable(z.int()),
  messagesMoved: count,
  messagesToMove: z.nullable(count),
  failureReason: z.nullable(z.string()),
  startedAt: z.nullable(z.iso.datetime()),
});
/** A redrive answers 202 with the task it started, always `running`. */
export const redriveStartedSchema = z.object({ taskHandle: z.string(), status: z.literal('running') });
/** The dead-letter lists are one page: `{ data }`, no cursor. */
export const dataList = <T extends z.ZodMiniType>(item: T) => z.object({ data: z.array(item) });
// Fail to compile when the code's types gain, lose or retype a field.
const _queueMatches: Same<z.output<typeof deadLetterQueueSchema>, Wire<DeadLetterQueueView>> = true;
const _messageMatches: Same<z.output<typeof deadLetterMessageSchema>, Wire<DeadLetterMessage>> = true;
const _redriveMatches: Same<z.output<typeof redriveSchema>, Wire<Redrive>> = true;
const _startedFits: z.output<typeof redriveStartedSchema> extends Awaited<
  ReturnType<DeadLetterQueues['redrive']>
>
  ? true
  : false = true;

/** The `Risk-Rating` header of `GET …/risk-profile`: `<rating>; fraud-reports-30d=<n>`. */
const RATINGS = { standard: 'standard', tightened: 'tightened' } as const satisfies {
  [K in RiskRating]: K;
};
export const riskRatingHeaderSchema = z
  .string()
  .check(z.regex(new RegExp(`^(${Object.keys(RATINGS).join('|')}); fraud-reports-30d=\\d+$`)));

/**
 * What a merchant endpoint receives, per kind of object: the payload schema of shared/schemas/webhooks.ts
 * with `data.object` stated (a payment as the event carries it, or a refund) and `type` narrowed to it.
 */
const typesOf = (prefix: string) =>
  WEBHOOK_EVENT_TYPES.filter((t) => t.startsWith(prefix)) as [WebhookEventType, ...WebhookEventType[]];
export const PAYMENT_WEBHOOK_TYPES = typesOf('payment.');
export const REFUND_WEBHOOK_TYPES = typesOf('refund.');
export const paymentWebhookSchema = z.extend(webhookPayloadSchema, {
  type: z.enum(PAYMENT_WEBHOOK_TYPES),
  data: z.object({ object: eventPaymentSchema }),
});
export const refundWebhookSchema = z.extend(webhookPayloadSchema, {
  type: z.enum(REFUND_WEBHOOK_TYPES),
  data: z.object({ object: refundSchema }),
});

/** What `POST /v1/ops/reconciliation/statements` answers (functions/api/upload-statement.ts). */
export const statementReceiptSchema = z.object({
  object: z.literal('reconciliation_statement'),
  channel: channelSchema,
  date: z.string(),
  rows: z.number(),
  bytes: z.number(),
});
export const runStartedSchema = z.object({ id: reconciliationRunIdSchema, status: z.literal('running') });

/** `Idempotency-Key`: 1–255 printable ASCII characters (shared/http/idempotency-key.ts). */
export const idempotencyKeySchema = z
  .string()
  .check(z.minLength(1), z.maxLength(255), z.regex(/^[\x20-\x7e]*$/));

/** `Retry-After` of a 503 (shared/http/problem-errors.ts): whole seconds. */
export const retryAfterSchema = z.int().check(z.minimum(0));

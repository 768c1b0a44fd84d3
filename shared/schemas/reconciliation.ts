/**
 * Reconciliation (contract: "Reconciliation (ops)"): the ops routes' bodies and queries, the run and
 * discrepancy objects, and the `DiscrepancyFound` event's data. Ids: runs `rcr_`, discrepancies `dsc_`.
 */
import * as z from 'zod/mini';
import { isDay } from '../domain/reconciliation/day.js';
import { cursorSchema, isoTimestamp, limitSchema } from './common.js';
import { channelSchema } from './payment.js';

/** A UTC day `yyyy-mm-dd` that exists and is not in the future (no statement can cover it yet). */
export const statementDateSchema = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a UTC day, yyyy-mm-dd' }),
  z.refine((d) => isDay(d), { error: 'must be a day of the calendar' }),
  z.refine((d) => d <= new Date().toISOString().slice(0, 10), { error: 'must not be in the future' }),
);

export const reconciliationRunIdSchema = z.string().check(z.regex(/^rcr_[a-z2-7]{26}$/));
/** `dsc_<channel>_<yyyymmdd>_<26 base32>`: the channel-day is part of the id, so a resolve finds it. */
export const discrepancyIdSchema = z.string().check(z.regex(/^dsc_[a-z0-9]+_\d{8}_[a-z2-7]{26}$/));

/** `POST /v1/ops/reconciliation/statements?channel=&date=` (the body is the CSV itself). */
export const uploadStatementQuery = z.strictObject({ channel: channelSchema, date: statementDateSchema });

/** `POST /v1/ops/reconciliation/runs`. */
export const startReconciliationRunBody = z.strictObject({
  channel: channelSchema,
  date: statementDateSchema,
});
export type StartReconciliationRunBody = z.infer<typeof startReconciliationRunBody>;

/** `POST /v1/ops/reconciliation/discrepancies/{id}/resolve`. */
export const resolveDiscrepancyBody = z.strictObject({
  note: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
});

export const listDiscrepanciesQuery = z.strictObject({
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
});

export const RUN_STATUSES = ['running', 'completed', 'failed'] as const;

export const reconciliationCountsSchema = z.object({
  matched: z.number(),
  localMissing: z.number(),
  channelMissing: z.number(),
  mismatched: z.number(),
  duplicates: z.number(),
});

export const reconciliationRunSchema = z.object({
  id: reconciliationRunIdSchema,
  object: z.literal('reconciliation_run'),
  channel: channelSchema,
  date: z.string(),
  status: z.enum(RUN_STATUSES),
  counts: reconciliationCountsSchema,
  /** Discrepancies of this run whose repair was applied (contract: a count). */
  repaired: z.number(),
  /** Where the statement came from: an ops upload, or the channel. */
  source: z.nullable(z.enum(['upload', 'channel'])),
  /** Why a `failed` run failed (e.g. the statement's malformed line). */
  error: z.nullable(z.string()),
  createdAt: isoTimestamp,
  completedAt: z.nullable(isoTimestamp),
});
export type ReconciliationRun = z.infer<typeof reconciliationRunSchema>;

export const DISCREPANCY_KINDS = ['local_missing', 'channel_missing', 'mismatch', 'duplicate'] as const;
export const DISCREPANCY_STATUSES = ['open', 'repaired', 'resolved'] as const;
export const COMPARED_FIELDS = ['amount', 'currency', 'status', 'fee'] as const;

/** One side of a discrepancy: the statement row, or what we hold. */
const sideSchema = z.object({
  amount: z.number(),
  currency: z.string(),
  status: z.enum(['succeeded', 'failed']),
  fee: z.nullable(z.number()),
  occurredAt: z.nullable(z.string()),
});

export const discrepancySchema = z.object({
  id: discrepancyIdSchema,
  object: z.literal('reconciliation_discrepancy'),
  runId: reconciliationRunIdSchema,
  channel: channelSchema,
  date: z.string(),
  kind: z.enum(DISCREPANCY_KINDS),
  type: z.enum(['payment', 'refund']),
  reference: z.nullable(z.string()),
  channelReference: z.nullable(z.string()),
  fields: z.array(z.enum(COMPARED_FIELDS)),
  status: z.enum(DISCREPANCY_STATUSES),
  /** The statement's line of the row, when there is a row. */
  line: z.nullable(z.number()),
  statement: z.nullable(sideSchema),
  held: z.nullable(sideSchema),
  note: z.nullable(z.string()),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});
export type DiscrepancyObject = z.infer<typeof discrepancySchema>;

/**
 * `DiscrepancyFound` data: the discrepancy as ops see it. The event's `merchantId` is the merchant of
 * the payment or refund it concerns, or `unknown` for a row we hold nothing for.
 */
export const discrepancyFoundData = z.object({ discrepancy: discrepancySchema });

/** `ReconciliationRunStarted` data (internal; its `merchantId` is the caller of the run). */
export const reconciliationRunStartedData = z.object({
  run: z.object({ id: reconciliationRunIdSchema, channel: channelSchema, date: z.string() }),
});

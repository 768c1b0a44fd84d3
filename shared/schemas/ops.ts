/**
 * The ops console's read routes (contract: Ops console): a payment's events, the overview's figures, and
 * the lists of reconciliation and settlement runs.
 */
import * as z from 'zod/mini';
import { isDay } from '../domain/reconciliation/day.js';
import { cursorSchema, isoTimestamp, limitSchema } from './common.js';
import { channelSchema } from './payment.js';

/** `GET /v1/ops/payments/{id}/events`. */
export const paymentEventsQuery = z.strictObject({ limit: limitSchema, cursor: z.optional(cursorSchema) });
export type PaymentEventsQuery = z.infer<typeof paymentEventsQuery>;

/** One event of a payment as the bus carried it: its id, detail-type, when it happened and its detail. */
export const paymentEventSchema = z.object({
  id: z.string(),
  object: z.literal('event'),
  detailType: z.string(),
  occurredAt: isoTimestamp,
  detail: z.record(z.string(), z.unknown()),
});
export type PaymentEvent = z.infer<typeof paymentEventSchema>;

const daySchema = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a UTC day, yyyy-mm-dd' }),
  z.refine((d) => isDay(d), { error: 'must be a day of the calendar' }),
);

/** `GET /v1/ops/reconciliation/runs`. */
export const listReconciliationRunsQuery = z.strictObject({
  channel: z.optional(channelSchema),
  date: z.optional(daySchema),
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
});
export type ListReconciliationRunsQuery = z.infer<typeof listReconciliationRunsQuery>;

/** `GET /v1/ops/settlements/runs`. */
export const listSettlementRunsQuery = z.strictObject({
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
});
export type ListSettlementRunsQuery = z.infer<typeof listSettlementRunsQuery>;

/** One clock hour of a channel's outcomes. */
export const channelHourSchema = z.object({
  hour: isoTimestamp,
  succeeded: z.number(),
  failed: z.number(),
  unavailable: z.number(),
});

/** A channel over the last 24 hours: totals, rates and the hours for a chart. */
export const channelOverviewSchema = z.object({
  channel: z.string(),
  /** Payments with an outcome at the channel (succeeded + failed). */
  volume: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  /** Submissions the channel could not take (the failover's trigger). */
  unavailable: z.number(),
  /** succeeded / (succeeded + failed); null without outcomes. */
  authorizationRate: z.nullable(z.number()),
  /** unavailable / (succeeded + failed + unavailable); null without submissions. */
  unavailableRate: z.nullable(z.number()),
  hours: z.array(channelHourSchema),
});

export const overviewSchema = z.object({
  object: z.literal('overview'),
  generatedAt: isoTimestamp,
  /** The window of `channels`: the 24 clock hours up to the current one. */
  from: isoTimestamp,
  channels: z.array(channelOverviewSchema),
  /** Payments held for an ops review (`reviewStatus: held`). */
  openReviews: z.number(),
  /** Discrepancies still `open`, of the runs of the last `days` days. */
  openDiscrepancies: z.object({ count: z.number(), days: z.number() }),
  /** Each dead-letter queue's approximate depth, and their sum. */
  deadLetters: z.object({
    total: z.number(),
    queues: z.array(z.object({ name: z.string(), messages: z.number() })),
  }),
});
export type Overview = z.infer<typeof overviewSchema>;

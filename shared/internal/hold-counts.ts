/**
 * Risk's count of held payments (functions/internal/hold-counts.ts): how many payments of these merchants
 * are held for `reason` now (`review`: waiting for an ops decision). The ops overview asks it for every
 * page of the gateway's approved merchants. Contract between risk and its callers: both sides parse.
 */
import * as z from 'zod/mini';
import { type InternalReader, internalReader } from './reader.js';

/** Merchants a request counts at most: one registry page (merchant-registry.ts). */
export const HOLD_COUNTS_MAX_MERCHANTS = 1000;
export const HOLD_REASONS = ['review'] as const;

export const holdCountsRequest = z.strictObject({
  merchantIds: z
    .array(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)))
    .check(z.minLength(1), z.maxLength(HOLD_COUNTS_MAX_MERCHANTS)),
  reason: z.enum(HOLD_REASONS),
});
export type HoldCountsRequest = z.infer<typeof holdCountsRequest>;

export const holdCountsAnswer = z.strictObject({
  /** Payments of these merchants held for the reason (a payment counts once, whatever else holds it). */
  held: z.int().check(z.minimum(0)),
});
export type HoldCountsAnswer = z.infer<typeof holdCountsAnswer>;

export type HoldCountsReader = InternalReader<HoldCountsRequest, HoldCountsAnswer>;

export const invokeHoldCounts = (functionArn: string | undefined): HoldCountsReader =>
  internalReader(holdCountsRequest, holdCountsAnswer, functionArn);

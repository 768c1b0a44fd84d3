/**
 * Reconciliation's count of open discrepancies (functions/internal/open-discrepancies.ts): how many
 * discrepancies found for these channels on these days are still open. The ops overview asks for the
 * routing channels over the last week. Contract between reconciliation and its callers: both sides parse.
 */
import * as z from 'zod/mini';
import { type InternalReader, internalReader } from './reader.js';

export const openDiscrepanciesRequest = z.strictObject({
  channels: z.array(z.string().check(z.regex(/^[a-z0-9_-]{1,32}$/))).check(z.minLength(1), z.maxLength(20)),
  /** UTC days (`yyyy-mm-dd`) the runs compared. */
  days: z.array(z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/))).check(z.minLength(1), z.maxLength(31)),
});
export type OpenDiscrepanciesRequest = z.infer<typeof openDiscrepanciesRequest>;

export const openDiscrepanciesAnswer = z.strictObject({ open: z.int().check(z.minimum(0)) });
export type OpenDiscrepanciesAnswer = z.infer<typeof openDiscrepanciesAnswer>;

export type OpenDiscrepanciesReader = InternalReader<OpenDiscrepanciesRequest, OpenDiscrepanciesAnswer>;

export const invokeOpenDiscrepancies = (functionArn: string | undefined): OpenDiscrepanciesReader =>
  internalReader(openDiscrepanciesRequest, openDiscrepanciesAnswer, functionArn);

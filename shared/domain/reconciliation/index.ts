/**
 * Reconciliation, pure: the channel's statement parsed as a stream, classified against what we expect
 * for the channel-day. No AWS here: the store reads expectations and writes discrepancies.
 */
export * from './classify.js';
export { isDay, utcDayOf } from './day.js';
export * from './discrepancy.js';
export * from './errors.js';
export * from './expectations.js';
export * from './format.js';
export * from './statement.js';

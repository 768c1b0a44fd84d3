/**
 * The channel outcomes writer bound to core's function (its `live` alias ARN, from the caller's
 * environment): each round of operations is one synchronous Lambda invocation (shared/services/invoke.ts).
 */
import { invokeFunction } from '../services/invoke.js';
import type { ApplyOutcomesAnswer } from './apply-outcomes.js';
import { type OutcomeWriter, outcomeWriter } from './outcome-writer.js';

export function coreOutcomes(functionArn: string): OutcomeWriter {
  return outcomeWriter((request) => invokeFunction<ApplyOutcomesAnswer>(functionArn, request));
}

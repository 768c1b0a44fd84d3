/**
 * Risk's side of the call to core's `apply-risk-decisions` function (contract: apply-decisions.ts): one
 * synchronous invoke per batch of decisions, its answer parsed with the shared schema. A function error
 * or a failed call throws, and every message or request whose decisions it carried is retried.
 */
import * as z from 'zod/mini';
import { invokeFunction } from '../services/invoke.js';
import { applyRiskDecisionsAnswer, type RiskDecisionApplier } from './apply-decisions.js';

export function invokedRiskDecisions(functionArn: string): RiskDecisionApplier {
  return async (decisions) => {
    const answer = await invokeFunction(functionArn, { decisions });
    return z.parse(applyRiskDecisionsAnswer, answer).answers;
  };
}

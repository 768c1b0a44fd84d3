/**
 * Clients of the risk service's internal functions (functions/internal/*.ts), for the services that ask
 * risk to change risk's items: each sends a payload of its contract (schemas/risk-functions.ts) through
 * `invokeFunction` and gives the caller the same port risk's own store offers, so stores and tests take
 * either.
 */

import type {
  CountRefusalRequest,
  RateMerchantAnswer,
  RateMerchantRequest,
  SetHoldsAnswer,
  SetHoldsRequest,
} from '../schemas/risk-functions.js';
import { SET_HOLDS_MAX } from '../schemas/risk-functions.js';
import type { HoldRegistry } from '../store/dynamodb/holds.js';
import type { ProfileRater } from '../store/dynamodb/risk-ratings.js';
import { invokeFunction } from './invoke.js';

/**
 * The settlement hold registry through risk's `set-holds` function: synchronous, so a hold is in place
 * (and settlement leaves its payment out) once `set` returns; SET_HOLDS_MAX changes per invocation.
 */
export function holdRegistryOf(functionArn: string): HoldRegistry {
  return {
    async set(changes) {
      for (let i = 0; i < changes.length; i += SET_HOLDS_MAX) {
        const request: SetHoldsRequest = { holds: changes.slice(i, i + SET_HOLDS_MAX) };
        await invokeFunction<SetHoldsAnswer>(functionArn, request);
      }
    },
  };
}

/** Rates a merchant's risk profile through risk's `rate-merchant` function (synchronous: rated on return). */
export function profileRaterOf(functionArn: string): ProfileRater {
  return async (merchantId, riskRating) => {
    const request: RateMerchantRequest = { merchantId, riskRating };
    await invokeFunction<RateMerchantAnswer>(functionArn, request);
  };
}

/**
 * Counts refusals of the before-checks through risk's `count-refusal` function: asynchronous (Event),
 * so the caller waits only for Lambda to accept the invocation; Lambda retries a failed count twice, and
 * the function counts a refused request once however often it arrives.
 */
export function refusalCounterOf(
  functionArn: string | undefined,
): (request: CountRefusalRequest) => Promise<void> {
  return async (request) => {
    await invokeFunction(functionArn, request, { async: true });
  };
}

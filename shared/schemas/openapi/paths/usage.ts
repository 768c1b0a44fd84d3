/** Paths of the OpenAPI document: usage metering (ops) and billing (ops prices, merchant statements). */
import * as z from 'zod/mini';
import { STATEMENT_MONTH } from '../../../domain/billing/statement.js';
import { usageQuery } from '../../usage.js';
import { inline } from '../json-schema.js';
import { AUTH, BODY, merchantIdParameter, operation, queryParameters, TABLE } from '../routes.js';

export function usagePaths(): Record<string, object> {
  return {
    '/v1/ops/merchants/{merchantId}/usage': {
      get: operation({
        operationId: 'getMerchantUsage',
        summary:
          'Ops: the merchant’s API requests per UTC day and route (`METHOD /path/{param}`), with errors (4xx ' +
          'and 5xx answers) and totals. `from`/`to` default to the current month up to today; at most 93 days. ' +
          'A request shows within seconds of its answer.',
        caller: 'ops',
        parameters: [merchantIdParameter, ...queryParameters(usageQuery)],
        ok: { status: 200, description: 'The usage', id: 'MerchantUsage' },
        problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/billing/prices': {
      get: operation({
        operationId: 'getBillingPrices',
        summary: 'Ops: the price list statements use (nothing charged while unset)',
        caller: 'ops',
        ok: { status: 200, description: 'The price list', id: 'BillingPrices' },
        problems: [...AUTH, ...TABLE],
      }),
      put: operation({
        operationId: 'putBillingPrices',
        summary:
          'Ops: replace the price list: minor units per 1,000 requests by route (or `*` for the others), ' +
          'and per payment created. A route the API does not have answers 400.',
        caller: 'ops',
        requestBody: { id: 'BillingPricesRequest', required: true },
        ok: { status: 200, description: 'The price list as stored', id: 'BillingPrices' },
        problems: [...BODY, ...AUTH, ...TABLE],
      }),
    },
    '/v1/billing/statements/{month}': {
      get: operation({
        operationId: 'getBillingStatement',
        summary:
          'The merchant’s statement of a UTC month: one line per route used (per 1,000 requests, rounded half ' +
          'up per line) and one for payments created (first 201s of POST /v1/payments); `total` is the sum ' +
          'of the lines. A month still running shows its usage so far.',
        caller: 'merchant',
        parameters: [
          {
            name: 'month',
            in: 'path',
            required: true,
            schema: inline(z.string().check(z.regex(STATEMENT_MONTH))),
          },
        ],
        ok: { status: 200, description: 'The statement', id: 'BillingStatement' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
    },
  };
}

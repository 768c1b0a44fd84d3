/** Paths of the OpenAPI document: Settlement runs (ops) and a merchant’s settlements. */

import { listSettlementRunsQuery } from '../../ops.js';
import {
  getSettlementQuery,
  listSettlementsQuery,
  settlementIdSchema,
  settlementRunIdSchema,
} from '../../settlement.js';
import { inline } from '../json-schema.js';
import { AUTH, BODY, operation, queryParameters, TABLE } from '../routes.js';

export function settlementPaths(): Record<string, object> {
  return {
    '/v1/ops/settlements/runs': {
      get: operation({
        operationId: 'listSettlementRuns',
        summary: 'Ops: settlement runs newest first',
        caller: 'ops',
        parameters: queryParameters(listSettlementRunsQuery),
        ok: { status: 200, description: 'A page of runs', id: 'SettlementRunList' },
        problems: ['validation-error', ...AUTH, ...TABLE],
      }),
      post: operation({
        operationId: 'startSettlementRun',
        summary:
          'Ops: settle every merchant for `date`: each payment and refund that succeeded before the end of ' +
          'the day (or before the run, for today) and no earlier settlement holds; payments held in review or ' +
          'by an open discrepancy wait. Runs the settlement state machine; the same key starts it once.',
        caller: 'ops',
        requestBody: { id: 'StartSettlementRunRequest', required: true },
        ok: { status: 202, description: 'The run, started (or replayed)', id: 'SettlementRunStarted' },
        problems: [...BODY, ...AUTH, 'idempotency-key-reused', ...TABLE],
        idempotent: { replayedProblems: [] },
      }),
    },
    '/v1/ops/settlements/runs/{id}': {
      get: operation({
        operationId: 'getSettlementRun',
        summary: 'Ops: a settlement run',
        caller: 'ops',
        parameters: [{ name: 'id', in: 'path', required: true, schema: inline(settlementRunIdSchema) }],
        ok: { status: 200, description: 'The run', id: 'SettlementRun' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/settlements': {
      get: operation({
        operationId: 'listSettlements',
        summary: 'The merchant’s settlements, newest first',
        caller: 'merchant',
        parameters: queryParameters(listSettlementsQuery),
        ok: { status: 200, description: 'A page of settlements', id: 'SettlementList' },
        problems: ['validation-error', ...AUTH, ...TABLE],
      }),
    },
    '/v1/settlements/{id}': {
      get: {
        ...operation({
          operationId: 'getSettlement',
          summary:
            'A settlement; `?format=csv` answers its line items instead (' +
            '`type,id,amount,currency,occurred_at,channel,fee`: every payment and refund it settled, each ' +
            'payment’s fee from the channel fee schedules the settlement used). Another merchant’s settlement ' +
            'answers 404.',
          caller: 'merchant',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: inline(settlementIdSchema) },
            ...queryParameters(getSettlementQuery),
          ],
          ok: { status: 200, description: 'The settlement (or its line items as CSV)', id: 'Settlement' },
          problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
        }),
      },
    },
  };
}

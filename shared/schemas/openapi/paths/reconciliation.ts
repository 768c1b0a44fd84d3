/** Paths of the OpenAPI document: Ops routes of reconciliation: statements, runs, discrepancies. */

import { listReconciliationRunsQuery } from '../../ops.js';
import {
  discrepancyIdSchema,
  listDiscrepanciesQuery,
  reconciliationRunIdSchema,
  uploadStatementQuery,
} from '../../reconciliation.js';
import { inline } from '../json-schema.js';
import {
  AUTH,
  BODY,
  json,
  operation,
  problemResponses,
  queryParameters,
  SECURITY,
  TABLE,
} from '../routes.js';

export function reconciliationPaths(): Record<string, object> {
  return {
    '/v1/ops/reconciliation/statements': {
      post: {
        operationId: 'uploadStatement',
        summary:
          'Ops: the channel-day’s statement as CSV (`channel_reference,reference,type,amount,currency,status,' +
          'fee,occurred_at`), replacing the one fetched from the channel. Checked whole before it is stored: a ' +
          'malformed row or a row of another day answers 400 naming the line. Up to ~6 MB through the API; a ' +
          'larger statement goes straight to the statements bucket under `statements/<channel>/<date>.csv`. ' +
          'For `stripe`, `alipay` and `wechatpay` also the channel’s own statement (Stripe’s balance-transaction ' +
          'CSV, Alipay’s GBK trade bill, WeChat Pay’s trade bill), stored as sent and converted when a run ' +
          'reads it; a GBK bill as `application/octet-stream`, whose bytes reach the function intact.',
        security: SECURITY.ops,
        parameters: queryParameters(uploadStatementQuery),
        requestBody: {
          required: true,
          content: {
            'text/csv': { schema: { type: 'string' } },
            'text/plain': { schema: { type: 'string' } },
            'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
          },
        },
        responses: {
          '200': { description: 'The statement, stored', content: json('ReconciliationStatement') },
          ...problemResponses({
            operationId: 'uploadStatement',
            summary: '',
            caller: 'ops',
            ok: { status: 200, description: '', id: '' },
            problems: ['validation-error', 'unsupported-media-type', ...AUTH, ...TABLE],
          }),
        },
      },
    },
    '/v1/ops/reconciliation/runs': {
      get: operation({
        operationId: 'listReconciliationRuns',
        summary: 'Ops: runs newest first, of one channel and/or one statement day or all',
        caller: 'ops',
        parameters: queryParameters(listReconciliationRunsQuery),
        ok: { status: 200, description: 'A page of runs', id: 'ReconciliationRunList' },
        problems: ['validation-error', ...AUTH, ...TABLE],
      }),
      post: operation({
        operationId: 'startReconciliationRun',
        summary:
          'Ops: reconcile a channel-day: every statement row and every outcome we recorded, classified once ' +
          '(matched, local missing, channel missing, mismatch, duplicate); missed callbacks are repaired.',
        caller: 'ops',
        requestBody: { id: 'StartReconciliationRunRequest', required: true },
        ok: { status: 202, description: 'The run, started (or replayed)', id: 'ReconciliationRunStarted' },
        problems: [...BODY, ...AUTH, 'idempotency-key-reused', ...TABLE],
        idempotent: { replayedProblems: [] },
      }),
    },
    '/v1/ops/reconciliation/runs/{id}': {
      get: operation({
        operationId: 'getReconciliationRun',
        summary: 'Ops: a run, its counts and repairs',
        caller: 'ops',
        parameters: [{ name: 'id', in: 'path', required: true, schema: inline(reconciliationRunIdSchema) }],
        ok: { status: 200, description: 'The run', id: 'ReconciliationRun' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/reconciliation/runs/{id}/discrepancies': {
      get: operation({
        operationId: 'listDiscrepancies',
        summary: 'Ops: the run’s findings',
        caller: 'ops',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: inline(reconciliationRunIdSchema) },
          ...queryParameters(listDiscrepanciesQuery),
        ],
        ok: { status: 200, description: 'A page of findings', id: 'DiscrepancyList' },
        problems: ['validation-error', ...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/reconciliation/discrepancies/{id}/resolve': {
      post: operation({
        operationId: 'resolveDiscrepancy',
        summary:
          'Ops: close a finding with a note; its payment is no longer held out of settlement. Again: the note ' +
          'is replaced. A repaired finding is closed already (409).',
        caller: 'ops',
        parameters: [{ name: 'id', in: 'path', required: true, schema: inline(discrepancyIdSchema) }],
        requestBody: { id: 'ResolveDiscrepancyRequest', required: true },
        ok: { status: 200, description: 'The finding, resolved', id: 'Discrepancy' },
        problems: [...BODY, ...AUTH, 'not-found', 'discrepancy-repaired', ...TABLE],
      }),
    },
  };
}

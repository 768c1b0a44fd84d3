/**
 * GET /v1/ops/reconciliation/runs?channel=&date=&limit=&cursor= and GET /v1/ops/settlements/runs?limit=&cursor=
 * (ops key): runs newest first, each as its own GET answers it (shared/store/dynamodb/run-list.ts).
 */
import { apiHandler } from '../http/api-handler.js';
import { json } from '../http/responses.js';
import { listReconciliationRunsQuery, listSettlementRunsQuery } from '../schemas/ops.js';
import { listRuns } from '../store/dynamodb/run-list.js';
import type { SettlementRunItem } from '../store/dynamodb/settlements.js';
import type { TableContext } from '../store/dynamodb/table.js';
import { type RunItem, runFromItem } from '../store/reconciliation-items.js';

export function listReconciliationRunsRoute(table: TableContext) {
  return apiHandler({ role: 'ops', query: listReconciliationRunsQuery }, async ({ query }) => {
    const { items, nextCursor } = await listRuns(table, 'reconciliation', query);
    return json(200, { data: items.map((item) => runFromItem(item as unknown as RunItem)), nextCursor });
  });
}

export function listSettlementRunsRoute(table: TableContext) {
  return apiHandler({ role: 'ops', query: listSettlementRunsQuery }, async ({ query }) => {
    const { items, nextCursor } = await listRuns(table, 'settlement', query);
    return json(200, {
      data: items.map((item) => settlementRunOf(item as unknown as SettlementRunItem)),
      nextCursor,
    });
  });
}

/** A settlement run as GET /v1/ops/settlements/runs/{id} answers it. */
export function settlementRunOf(run: SettlementRunItem) {
  return {
    id: run.id,
    object: 'settlement_run' as const,
    date: run.date,
    status: run.status,
    settlements: run.settlements,
    error: run.error,
    createdAt: run.createdAt,
    completedAt: run.completedAt,
  };
}

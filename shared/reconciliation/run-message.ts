/**
 * What the reconciliation runs consumer (functions/events/reconcile-run.ts) reads of a
 * ReconciliationRunStarted detail: the run's id, nothing else (the run itself is read from the table).
 * The handler checks this by hand rather than with this schema: its bundle has no room for zod. This is
 * its consumer-side contract (shared/events/catalogue.ts); test/unit/events/contracts.test.ts holds the
 * schema and the hand-written check to the same answers on what the publisher puts on the bus.
 */
import * as z from 'zod/mini';

export const runStartedReadsSchema = z.object({ data: z.object({ run: z.object({ id: z.string() }) }) });

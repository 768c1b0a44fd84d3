/**
 * Core's side of the channel outcomes contract (shared/channels/apply-outcomes.ts): each operation of a
 * batch goes to the store that has always applied it (channel-outcomes.ts for a channel's outcome,
 * channel-dispatch.ts for the dispatcher's and the checks' moves), together and independently: one
 * operation that fails answers `error` and leaves the others applied.
 */
import type { ApplyResult, ParsedApplyOp } from '../channels/apply-outcomes.js';
import { type HeldRefund, refundAmountFromCumulative } from '../domain/cumulative-refund.js';
import type { DispatchStore } from '../store/dynamodb/channel-dispatch.js';
import type { ChannelOutcomeStore } from '../store/ports.js';

export interface ApplyChannelOutcomesDeps {
  readonly outcomes: ChannelOutcomeStore;
  readonly moves: Pick<DispatchStore, 'failPayment' | 'failRefund' | 'failOver'>;
  /** The refunds of the payment `refundId` belongs to (payment-refunds.ts). */
  readonly refundsBesides: (refundId: string) => Promise<HeldRefund[]>;
  /** Told of an operation that failed (logged by the handler). */
  readonly onError?: (op: ParsedApplyOp, error: unknown) => void;
}

/** Applies `ops`, one result per operation in their order. */
export function applyChannelOutcomes(
  deps: ApplyChannelOutcomesDeps,
  ops: readonly ParsedApplyOp[],
): Promise<ApplyResult[]> {
  return Promise.all(
    ops.map((op) =>
      applyOne(deps, op).catch((error: unknown): ApplyResult => {
        deps.onError?.(op, error);
        const e = error as { code?: unknown; name?: unknown; message?: unknown };
        return {
          kind: 'error',
          code: typeof e.code === 'string' ? e.code : String(e.name ?? 'Error'),
          message: String(e.message ?? error),
        };
      }),
    ),
  );
}

async function applyOne(deps: ApplyChannelOutcomesDeps, op: ParsedApplyOp): Promise<ApplyResult> {
  switch (op.op) {
    case 'outcome': {
      const { op: _, subject, cumulativeRefunded, ...outcome } = op;
      if (subject === 'payment') return deps.outcomes.applyPaymentOutcome(outcome);
      // A cumulative notify confirms this refund's own amount, which only the payment's refunds tell.
      const amount =
        cumulativeRefunded === undefined
          ? outcome.amount
          : refundAmountFromCumulative(
              outcome.reference,
              cumulativeRefunded,
              await deps.refundsBesides(outcome.reference),
            );
      return deps.outcomes.applyRefundOutcome({ ...outcome, amount });
    }
    case 'failPayment': {
      const { op: _, ...input } = op;
      return written(await deps.moves.failPayment(input));
    }
    case 'failRefund': {
      const { op: _, ...input } = op;
      return written(await deps.moves.failRefund(input));
    }
    case 'failOver': {
      const { op: _, ...input } = op;
      return written(await deps.moves.failOver(input));
    }
  }
}

const written = (done: boolean): ApplyResult => (done ? { kind: 'applied' } : { kind: 'stale' });

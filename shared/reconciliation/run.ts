/**
 * One reconciliation run of a channel-day: the outcomes we applied against the channel's statement
 * (domain/reconciliation classifies; this orchestrates the stores around it). Idempotent: a redelivered
 * or repeated run of the same channel-day finds the same discrepancies under the same ids, keeps what
 * ops resolved, never repairs twice, and reports the same counts (`repaired` counts the repairs the run
 * applied itself: a rerun lists them `repaired` again and counts 0).
 *
 * Our outcomes are the payments and refunds themselves (GSI3 of the channel-day, keys.ts), indexed by the
 * very write that applied them: once the index has caught up with the run's start (`untilIndexed`), every
 * outcome that showed before the run started is in it.
 *
 * 1. Earlier findings of the channel-day (statuses carry over). Outcomes a run repaired are left out of
 *    the expectations, so their statement row stays the `local_missing` (repaired) it was, run after run.
 * 2. The statement: an ops upload (validated when it was stored) or the channel's own. The channel's is
 *    parsed once to the end before anything is written, so a malformed statement fails the run naming
 *    its line and leaves nothing half-written; then it is read again and classified.
 * 3. Each discrepancy: its object's merchant looked up; a missed callback (the channel succeeded, we hold
 *    no outcome) is applied through the callback's own transition (`ChannelOutcomeStore`), which checks
 *    the state, the amount and the currency, and marked `repaired`; others stay `open` until ops resolve
 *    them. A payment with an open discrepancy is held (`reconHolds`), out of settlement: the holds of a
 *    batch of findings go to risk's hold registry in one request, before the batch is written.
 * 4. The run's counts and repairs; `DiscrepancyFound` events follow from the stream (new items only).
 */

import { createHash } from 'node:crypto';
import { base32, SLOT_LENGTH } from '../domain/base32.js';
import { CodedError } from '../domain/errors.js';
import { classify } from '../domain/reconciliation/classify.js';
import type { Discrepancy } from '../domain/reconciliation/discrepancy.js';
import { ReconciliationError } from '../domain/reconciliation/errors.js';
import { type Expectation, ExpectationIndex } from '../domain/reconciliation/expectations.js';
import type { StatementLine } from '../domain/reconciliation/row.js';
import type { DiscrepancyObject } from '../schemas/reconciliation.js';
import type {
  DiscrepancyItem,
  DynamoReconciliationStore,
  KnownDiscrepancy,
  PaymentHoldChange,
  RunItem,
} from '../store/dynamodb/reconciliation.js';
import { untilIndexed } from '../store/dynamodb/table.js';
import { slotOfId } from '../store/items.js';
import { keys } from '../store/keys.js';
import type { ChannelOutcomeStore } from '../store/ports.js';

/** Where a channel-day's statement comes from, read as often as the run needs to read it. */
export interface StatementHandle {
  readonly source: 'upload' | 'channel';
  /**
   * The channel-day's rows, read afresh from the source each time (a run reads them twice: once to
   * validate, once to classify), as they stream in.
   */
  rows(): AsyncIterable<StatementLine>;
}

export interface ReconciliationDeps {
  readonly store: DynamoReconciliationStore;
  readonly outcomes: ChannelOutcomeStore;
  /** The statement of a channel-day. @throws StatementUnavailableError when there is none. */
  readonly statement: (channel: string, date: string) => Promise<StatementHandle>;
  /** Who executes (a request id, `cli:<pid>`): recorded on the run's lease. */
  readonly executor?: string;
  /** Told how many outcomes are loaded so far (the CLI's progress line). */
  readonly onExpectations?: (loaded: number) => void;
  readonly now?: () => Date;
  /** How long after its start the run waits before it reads the outcome index (keys.ts OUTCOME_INDEX_LAG_MS). */
  readonly indexLagMs?: number;
}

/**
 * How long an executor holds a run: longer than a Lambda may run (15 min), shorter than the runs queue
 * hides a message (90 min), so a redelivery after a crash finds the lease expired and takes the run over.
 */
export const RUN_LEASE_MS = 16 * 60_000;

/** No statement could be had for the channel-day (none uploaded, the channel did not serve one). */
export class StatementUnavailableError extends CodedError<'no_statement'> {
  override readonly name = 'StatementUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('no_statement', message, options);
  }
}

const WRITE_BATCH = 25;

/** Runs (or, when it already ended, leaves alone) the run `runId`. @returns the run as it ended. */
export async function executeRun(deps: ReconciliationDeps, runId: string): Promise<RunItem> {
  const now = () => deps.now?.() ?? new Date();
  const run = await deps.store.getRun(runId);
  if (run.status !== 'running') return run;
  // One executor at a time: a duplicate delivery, or the queue's consumer meeting a run the CLI executes.
  const claimedAt = now();
  const owner = deps.executor ?? `pid:${process.pid}`;
  if (!(await deps.store.claimRun(run, owner, claimedAt, new Date(claimedAt.getTime() + RUN_LEASE_MS)))) {
    return deps.store.getRun(runId);
  }
  const { channel, date } = run;
  const fail = (source: RunItem['source'], error: string) =>
    deps.store.finishRun(run, {
      status: 'failed',
      counts: run.counts,
      repaired: 0,
      source,
      error,
      now: now(),
    });

  let statement: StatementHandle;
  try {
    statement = await deps.statement(channel, date);
  } catch (error) {
    if (error instanceof StatementUnavailableError) return fail(null, error.message);
    throw error;
  }
  try {
    if (statement.source === 'channel') {
      for await (const _row of statement.rows()) {
        // Validation pass: nothing is written unless the whole statement is well-formed.
      }
    }
  } catch (error) {
    if (error instanceof ReconciliationError || error instanceof StatementUnavailableError) {
      return fail(statement.source, error.message);
    }
    throw error;
  }

  const known = await deps.store.known(channel, date);
  const repairedRefs = new Set(
    [...known.values()]
      .filter((k) => k.kind === 'local_missing' && k.status === 'repaired' && k.reference)
      .map((k) => `${k.type}#${k.reference}`),
  );
  await untilIndexed(run.createdAt, deps.indexLagMs);
  const index = await ExpectationIndex.from(
    withoutRepaired(deps.store.expectations(channel, date), repairedRefs, deps.onExpectations),
  );
  const reconciliation = classify(index, statement.rows());

  const occurrences = new Map<string, number>();
  const batch: DiscrepancyItem[] = [];
  const holds: PaymentHoldChange[] = [];
  // A batch's holds are in place before its findings are written: a rerun after a crash sets them again.
  const write = async () => {
    await deps.store.setPaymentHolds(holds.splice(0));
    await deps.store.putDiscrepancies(batch.splice(0));
  };
  let repaired = 0;
  for await (const d of reconciliation) {
    const id = discrepancyId(channel, date, d, occurrences);
    const { item, repairedNow, hold } = await settle(deps, run, d, id, known.get(id), now());
    // Repairs this run applied: a finding an earlier run repaired is listed `repaired`, counted there.
    if (repairedNow) repaired += 1;
    batch.push(item);
    if (hold) holds.push(hold);
    if (batch.length === WRITE_BATCH) await write();
  }
  await write();
  return deps.store.finishRun(run, {
    status: 'completed',
    counts: reconciliation.counts,
    repaired,
    source: statement.source,
    error: null,
    now: now(),
  });
}

async function* withoutRepaired(
  expectations: AsyncIterable<Expectation>,
  repaired: ReadonlySet<string>,
  onLoaded?: (loaded: number) => void,
): AsyncGenerator<Expectation> {
  let loaded = 0;
  for await (const e of expectations) {
    loaded += 1;
    if (onLoaded && loaded % 10_000 === 0) onLoaded(loaded);
    if (!repaired.has(`${e.type}#${e.reference}`)) yield e;
  }
  onLoaded?.(loaded);
}

/**
 * The id a finding always gets: its channel-day, kind, type and ids, and how many identical findings
 * came before it in this statement (a row repeated three times gives two distinct duplicates).
 */
export function discrepancyId(
  channel: string,
  date: string,
  d: Pick<Discrepancy, 'kind' | 'type' | 'reference' | 'channelReference'>,
  occurrences: Map<string, number>,
): string {
  const key = [d.kind, d.type, d.reference ?? '', d.channelReference ?? ''].join('\u0000');
  const n = (occurrences.get(key) ?? 0) + 1;
  occurrences.set(key, n);
  const digest = createHash('sha256').update(`${channel}\u0000${date}\u0000${key}\u0000${n}`).digest();
  return `dsc_${channel}_${date.replaceAll('-', '')}_${base32(digest).slice(0, SLOT_LENGTH)}`;
}

/** What the object of a discrepancy is, as far as we hold it. */
interface Subject {
  readonly merchantId: string | null;
  readonly paymentSlot: string | null;
  /** The event id of the last channel outcome applied to it (a repair's is `recon_<discrepancy id>`). */
  readonly lastChannelEventId: string | null;
}

/** The merchant and the payment (slot) a finding concerns, as far as we hold them. */
export async function subjectOf(
  store: Pick<DynamoReconciliationStore, 'objectAt' | 'itemAt'>,
  d: { readonly type: 'payment' | 'refund'; readonly reference: string | null },
): Promise<Subject> {
  const none = { merchantId: null, paymentSlot: null, lastChannelEventId: null };
  if (!d.reference) return none;
  if (d.type === 'payment') {
    const slot = slotOfId(d.reference, 'pay');
    const item = slot ? await store.objectAt(slot) : undefined;
    if (!slot || item?.entity !== 'payment') return none;
    return {
      merchantId: String(item.merchantId),
      paymentSlot: slot,
      lastChannelEventId: (item.lastChannelEventId as string | undefined) ?? null,
    };
  }
  const slot = slotOfId(d.reference, 're');
  const request = slot ? await store.objectAt(slot) : undefined;
  if (request?.entity !== 'refundRequest') return none;
  const paymentSlot = slotOfId(String(request.paymentId), 'pay') ?? null;
  const refund = paymentSlot ? await store.itemAt(keys.refund(paymentSlot, d.reference)) : undefined;
  return {
    merchantId: String(request.merchantId),
    paymentSlot,
    lastChannelEventId: (refund?.lastChannelEventId as string | undefined) ?? null,
  };
}

/** Repairs what is certain, decides the finding's status and whether it holds or releases its payment. */
async function settle(
  deps: ReconciliationDeps,
  run: RunItem,
  d: Discrepancy,
  id: string,
  prior: KnownDiscrepancy | undefined,
  now: Date,
): Promise<{ item: DiscrepancyItem; repairedNow: boolean; hold?: PaymentHoldChange }> {
  const subject = await subjectOf(deps.store, d);
  let status: DiscrepancyObject['status'] = prior?.status ?? 'open';
  let repairedNow = false;
  if (status === 'open' && d.kind === 'local_missing' && d.repairable && d.row.status === 'succeeded') {
    repairedNow = await repair(deps, run, d, id, subject, now);
    if (repairedNow) status = 'repaired';
  }
  const hold =
    subject.paymentSlot && subject.merchantId
      ? {
          payment: { slot: subject.paymentSlot, merchantId: subject.merchantId },
          discrepancyId: id,
          hold: status === 'open',
        }
      : undefined;
  const item: DiscrepancyItem = {
    ...keys.discrepancy(run.channel, run.date, id),
    entity: 'discrepancy',
    merchantId: subject.merchantId,
    id,
    object: 'reconciliation_discrepancy',
    runId: run.id,
    channel: run.channel as DiscrepancyObject['channel'],
    date: run.date,
    kind: d.kind,
    type: d.type,
    reference: d.reference,
    channelReference: d.channelReference,
    fields: [...d.fields],
    status,
    line: d.row?.line ?? null,
    statement: d.row
      ? {
          amount: d.row.amount,
          currency: d.row.currency,
          status: d.row.status,
          fee: d.row.fee,
          occurredAt: d.row.occurredAt,
        }
      : null,
    held: d.held
      ? {
          amount: d.held.amount,
          currency: d.held.currency,
          status: d.held.status,
          fee: d.held.fee ?? null,
          occurredAt: null,
        }
      : null,
    note: prior?.note ?? null,
    createdAt: prior?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  return { item, repairedNow, ...(hold ? { hold } : {}) };
}

/**
 * Applies the channel's success through the callback's transition. True when this repair applied it
 * now or an earlier attempt of this same finding did (the object carries its event id); anything else —
 * another state, a different amount or currency, an unknown object — leaves the finding open.
 */
async function repair(
  deps: ReconciliationDeps,
  run: RunItem,
  d: Extract<Discrepancy, { kind: 'local_missing' }>,
  id: string,
  subject: Subject,
  now: Date,
): Promise<boolean> {
  if (!d.reference) return false;
  const eventId = `recon_${id}`;
  const outcome = {
    channel: run.channel,
    eventId,
    reference: d.reference,
    to: 'succeeded' as const,
    channelReference: d.row.channelReference,
    amount: d.row.amount,
    currency: d.row.currency,
    occurredAt: d.row.occurredAt,
    now,
  };
  const result =
    d.type === 'payment'
      ? await deps.outcomes.applyPaymentOutcome(outcome)
      : await deps.outcomes.applyRefundOutcome(outcome);
  return (
    result.kind === 'applied' || (result.kind === 'already_applied' && subject.lastChannelEventId === eventId)
  );
}

/**
 * The callers' side of core's channel outcomes function (apply-outcomes.ts): the ports the callback, the
 * dispatcher, the checks and reconciliation's repairs always wrote through (ChannelOutcomeStore and the
 * dispatch store's moves), each call now an operation of one invocation, answered as the store answered.
 *
 * Batching: a consumer runs each record of its batch inside `track`. An operation waits until every
 * tracked record is either finished or waiting on an operation too, then all waiting operations go in one
 * invocation: a batch whose records each end in a write (the usual shape: submit or query, then apply)
 * costs one invocation, a record that writes twice (a failover, then its next channel's answer) a second
 * round. Outside `track` (a callback, a repair) an operation goes at once, alone.
 */
import type { FailOverInput, FailPaymentInput, FailRefundInput } from '../store/dynamodb/channel-dispatch.js';
import { ConcurrentModificationError } from '../store/errors.js';
import type { ChannelOutcome, ChannelOutcomeStore, OutcomeResult } from '../store/ports.js';
import type { ApplyOp, ApplyOutcomesAnswer, ApplyOutcomesRequest, ApplyResult } from './apply-outcomes.js';

/** Sends one request to core's function (invokeFunction with its ARN, or a test's stand-in). */
export type ApplyOutcomesInvoker = (request: ApplyOutcomesRequest) => Promise<ApplyOutcomesAnswer>;

/** An operation core could not apply (the store threw there); a caller retries its record. */
export class OutcomeNotAppliedError extends Error {
  override readonly name = 'OutcomeNotAppliedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Waiting {
  readonly op: ApplyOp;
  readonly resolve: (result: ApplyResult) => void;
  readonly reject: (error: unknown) => void;
}

/** What a failed operation throws here: what the store threw in-process, as near as JSON carries it. */
function errorOf(result: Extract<ApplyResult, { kind: 'error' }>): Error {
  if (result.code === 'concurrent_modification') return new ConcurrentModificationError();
  return new OutcomeNotAppliedError(result.code, result.message);
}

/** The outcome as the contract carries it: its own fields only, whatever else the caller's object holds. */
function outcomeOp(
  subject: 'payment' | 'refund',
  o: ChannelOutcome & { readonly cumulativeRefunded?: number | undefined },
): ApplyOp {
  const { channel, eventId, reference, to, channelReference, amount, currency, occurredAt } = o;
  return {
    op: 'outcome',
    subject,
    ...{ channel, eventId, reference, to, channelReference, amount, currency, occurredAt },
    now: o.now.toISOString(),
    ...(o.cumulativeRefunded === undefined ? {} : { cumulativeRefunded: o.cumulativeRefunded }),
  };
}

/** `value` without its undefined fields (JSON would drop them; the schema's optionals want them absent). */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function outcomeWriter(invoke: ApplyOutcomesInvoker) {
  let tracked = 0;
  let waiting: Waiting[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    if (waiting.length === 0 || waiting.length < tracked) return;
    const round = waiting;
    waiting = [];
    try {
      const { results } = await invoke({ ops: round.map((w) => w.op) });
      if (results.length !== round.length)
        throw new Error('channel outcomes: one result per operation expected');
      round.forEach((w, i) => {
        const result = results[i] as ApplyResult;
        if (result.kind === 'error') w.reject(errorOf(result));
        else w.resolve(result);
      });
    } catch (error) {
      for (const w of round) w.reject(error);
    }
  }

  /** Sends the waiting operations once every tracked record waits on one (after this turn's others). */
  function maybeFlush(): void {
    if (scheduled || waiting.length === 0 || waiting.length < tracked) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  function request(op: ApplyOp): Promise<ApplyResult> {
    return new Promise((resolve, reject) => {
      waiting.push({ op, resolve, reject });
      maybeFlush();
    });
  }

  async function outcome(op: ApplyOp): Promise<OutcomeResult> {
    const result = await request(op);
    if (result.kind === 'stale' || result.kind === 'error') throw new Error(`unexpected ${result.kind}`);
    return result as OutcomeResult;
  }

  const moved = async (op: ApplyOp) => (await request(op)).kind === 'applied';

  return {
    /** Runs one record's work; its operations join the batch's rounds. */
    async track<T>(work: () => Promise<T>): Promise<T> {
      tracked += 1;
      try {
        return await work();
      } finally {
        tracked -= 1;
        maybeFlush();
      }
    },
    applyPaymentOutcome: (o: ChannelOutcome): Promise<OutcomeResult> => outcome(outcomeOp('payment', o)),
    applyRefundOutcome: (
      o: ChannelOutcome & { readonly cumulativeRefunded?: number | undefined },
    ): Promise<OutcomeResult> => outcome(outcomeOp('refund', o)),
    failPayment: (i: FailPaymentInput) => moved({ op: 'failPayment', ...i, at: i.at.toISOString() }),
    failRefund: (i: FailRefundInput) => moved({ op: 'failRefund', ...i, at: i.at.toISOString() }),
    failOver: ({ quota, ...i }: FailOverInput) =>
      moved({
        op: 'failOver',
        ...i,
        at: i.at.toISOString(),
        ...(quota ? { quota: { ...defined(quota), createdAt: quota.createdAt.toISOString() } } : {}),
      }),
  } satisfies ChannelOutcomeStore & Record<string, unknown>;
}

export type OutcomeWriter = ReturnType<typeof outcomeWriter>;

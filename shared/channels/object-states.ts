/**
 * The channels' side of core's `object-states` function (shared/internal/object-states.ts): the states of
 * every payment or refund a batch will read, asked for in one invocation when the batch starts (the
 * dispatcher's stream batch, the checks' queue batch), then answered from it by `readPayment` and
 * `readRefund` as the dispatcher and the checker call them, one object at a time.
 *
 * An id core never issues is not asked (it reads as absent, as a missing item would); an object the
 * batch did not announce is asked on its own, so a read is never wrong, only dearer.
 */
import { safeParse } from 'zod/mini';
import {
  OBJECT_STATES_MAX,
  type ObjectRef,
  type ObjectState,
  type ObjectStatesReader,
  objectRefSchema,
} from '../internal/object-states.js';
import type { DispatchReads, DispatchView } from '../store/dynamodb/channel-dispatch.js';

/** A refund is known by its payment too: the same id under another payment is no such refund. */
const keyOf = (ref: ObjectRef) => (ref.kind === 'payment' ? ref.id : `${ref.paymentId} ${ref.id}`);

function viewOf(state: ObjectState | null | undefined): DispatchView | undefined {
  return state ?? undefined;
}

/**
 * Asks now (one invocation per 100 objects; a batch of the dispatcher or the checks is one) for the
 * states of `refs`; the reads answer from it. A failed invocation fails each read that waits on it.
 */
export function batchStates(
  read: ObjectStatesReader,
  refs: readonly ObjectRef[],
  consistent: boolean,
): DispatchReads {
  const valid = refs.filter((r) => safeParse(objectRefSchema, r).success);
  const unique = [...new Map(valid.map((r) => [keyOf(r), r])).values()];
  const ask = async (objects: readonly ObjectRef[]): Promise<Map<string, ObjectState | null>> => {
    const chunks: ObjectRef[][] = [];
    for (let i = 0; i < objects.length; i += OBJECT_STATES_MAX)
      chunks.push(objects.slice(i, i + OBJECT_STATES_MAX));
    const answers = await Promise.all(chunks.map((chunk) => read({ objects: chunk, consistent })));
    const states = new Map<string, ObjectState | null>();
    chunks.forEach((chunk, c) => {
      chunk.forEach((ref, i) => {
        states.set(keyOf(ref), answers[c]?.states[i] ?? null);
      });
    });
    return states;
  };
  const asked = unique.length > 0 ? ask(unique) : Promise.resolve(new Map<string, ObjectState | null>());
  // Nobody may read (every record of the batch needs none): a failure must not go unhandled then.
  asked.catch(() => undefined);

  async function one(ref: ObjectRef): Promise<DispatchView | undefined> {
    if (!safeParse(objectRefSchema, ref).success) return undefined;
    const key = keyOf(ref);
    const states = await asked;
    if (states.has(key)) return viewOf(states.get(key));
    return viewOf((await ask([ref])).get(key));
  }

  return {
    readPayment: (paymentId) => one({ kind: 'payment', id: paymentId }),
    readRefund: (refundId, paymentId) => one({ kind: 'refund', id: refundId, paymentId }),
  };
}

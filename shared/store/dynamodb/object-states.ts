/**
 * Core's read behind its `object-states` function (shared/internal/object-states.ts): where each payment
 * or refund asked stands, from one BatchGetItem (the keys deduplicated: BatchGetItem refuses a key twice)
 * of only the attributes the answer is made of.
 *
 * Access pattern (keys.ts): BatchGetItem of OBJ#<slot>/OBJ (payment) and OBJ#<payment slot>/REF#<re_id>
 * (refund), ≤ 100 keys, strongly consistent when asked; about 0.5 read units a key (1 consistent).
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { ObjectRef, ObjectState } from '../../internal/object-states.js';
import { slotOfId } from '../items.js';
import { keys } from '../keys.js';
import { decodeAttempt } from '../payment-codec.js';
import { batchGetItems } from './batch-read.js';
import type { TableContext } from './table.js';

function keyOf(ref: ObjectRef): { PK: string; SK: string } | undefined {
  const slot = slotOfId(ref.kind === 'payment' ? ref.id : ref.paymentId, 'pay');
  if (!slot) return undefined;
  return ref.kind === 'payment' ? keys.object(slot) : keys.refund(slot, ref.id);
}

function stateOf(item: Record<string, unknown>, kind: ObjectRef['kind']): ObjectState | null {
  if (item.entity !== kind) return null;
  const channel = typeof item.channel === 'string' ? item.channel : null;
  if (kind === 'refund')
    return {
      status: String(item.status),
      channel,
      ...(typeof item.amount === 'number' ? { amount: item.amount } : {}),
    };
  const attempts = Array.isArray(item.attempts) ? item.attempts.map(decodeAttempt) : [];
  return {
    status: String(item.status),
    channel,
    left: [...new Set(attempts.filter((a) => a.outcome === 'unavailable').map((a) => a.channel))],
  };
}

/** The state of each of `refs`, in their order; null where there is no such payment or refund. */
export async function readObjectStates(
  table: TableContext,
  refs: readonly ObjectRef[],
  consistent: boolean,
): Promise<(ObjectState | null)[]> {
  const keyed = refs.map(keyOf);
  const unique = new Map<string, { PK: string; SK: string }>();
  for (const k of keyed) if (k) unique.set(`${k.PK}\n${k.SK}`, k);
  const items =
    unique.size === 0
      ? []
      : await batchGetItems(
          table,
          [...unique.values()].map((k) => marshall(k)),
          {
            operation: 'objectStates',
            consistent,
            attributes: ['PK', 'SK', 'entity', 'status', 'channel', 'attempts', 'amount'],
          },
        );
  const found = new Map(items.map((item) => [`${item.PK}\n${item.SK}`, item]));
  return refs.map((ref, i) => {
    const k = keyed[i];
    const item = k && found.get(`${k.PK}\n${k.SK}`);
    return item ? stateOf(item, ref.kind) : null;
  });
}

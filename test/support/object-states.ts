/**
 * The dispatcher's and the checks' store as core serves it, without a Lambda in between: the reads from
 * core's read behind its object-states function (shared/store/dynamodb/object-states.ts), through the
 * channels' side of the contract (batchStates, each object asked when it is read), and the guarded writes
 * core's apply-channel-outcomes makes (channel-dispatch.ts), on the test's table.
 */
import { batchStates } from '../../shared/channels/object-states.js';
import { type DispatchStore, DynamoDispatchStore } from '../../shared/store/dynamodb/channel-dispatch.js';
import { readObjectStates } from '../../shared/store/dynamodb/object-states.js';
import type { TableContext } from '../../shared/store/dynamodb/table.js';

export function coreDispatchStore(table: TableContext, consistent = true): DispatchStore {
  const reads = batchStates(
    async (request) => ({ states: await readObjectStates(table, request.objects, request.consistent) }),
    [],
    consistent,
  );
  const writes = new DynamoDispatchStore(table);
  return {
    readPayment: reads.readPayment,
    readRefund: reads.readRefund,
    failOver: (input) => writes.failOver(input),
    failPayment: (input) => writes.failPayment(input),
    failRefund: (input) => writes.failRefund(input),
  };
}

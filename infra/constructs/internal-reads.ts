import type { ServiceStack } from '../stacks/service-stack.js';
import { EVENT_MEMORY_MB, PaymentsFunction } from './payments-function.js';

/**
 * Read-only internal functions (DESIGN.md 7, "services own their data"): what another service needs to
 * read of a service's items is answered by the owner's function, so the reader holds no grant on them.
 * Each is a PaymentsFunction at EVENT_MEMORY_MB (its time goes to DynamoDB round trips, which more CPU
 * does not shorten), granted as its owner (grantData), watched, and published with exposeFunction under
 * its name; a reader's stack grants it with useFunction(owner, name, …).
 */
export const INTERNAL_READS = {
  /** gateway: merchant ids of a status, paged (shared/internal/merchant-registry.ts). */
  merchantRegistry: 'merchant-registry',
} as const;

interface InternalReadProps {
  readonly name: string;
  readonly entry: string;
  readonly description: string;
}

function internalRead(stack: ServiceStack, id: string, props: InternalReadProps): PaymentsFunction {
  const fn = new PaymentsFunction(stack, id, {
    entry: props.entry,
    description: props.description,
    memorySize: EVENT_MEMORY_MB,
    environment: { TABLE_NAME: stack.table.tableName },
  });
  stack.monitoring.watchFunction(fn);
  stack.exposeFunction(props.name, fn);
  return fn;
}

/** The gateway's merchant registry: Query on the registry and the ops lists of merchants. */
export function exposeMerchantRegistry(stack: ServiceStack): PaymentsFunction {
  const fn = internalRead(stack, 'MerchantRegistryFunction', {
    name: INTERNAL_READS.merchantRegistry,
    entry: 'internal/merchant-registry',
    description: 'Merchant ids of a status, a page at a time, for other services',
  });
  stack.table.grantItemActionsOnKeys(fn, ['dynamodb:Query'], ['MERCHANTS', 'MERLIST#*']);
  return fn;
}

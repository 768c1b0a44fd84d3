import type { Construct } from 'constructs';
import type { Monitoring } from './monitoring.js';
import { EVENT_MEMORY_MB, PaymentsFunction, STREAM_TIMEOUT } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

export interface InternalFunctionProps {
  /** Handler under `functions/` (`internal/<name>`); FUNCTION_SERVICES places it in its owner's service. */
  readonly entry: string;
  readonly description: string;
  readonly table: PaymentsTableRef;
  readonly monitoring: Monitoring;
}

/**
 * A function a service publishes for other services to invoke (ServiceStack.exposeFunction): a batch job
 * waits on it, no client does, so it runs at the event consumers' memory with their timeout (a page of
 * thousands of items is a few Queries). Its table grants are its owner's, given by the caller of this.
 */
export function internalFunction(
  scope: Construct,
  id: string,
  props: InternalFunctionProps,
): PaymentsFunction {
  const fn = new PaymentsFunction(scope, id, {
    entry: props.entry,
    description: props.description,
    memorySize: EVENT_MEMORY_MB,
    timeout: STREAM_TIMEOUT,
    environment: { TABLE_NAME: props.table.tableName },
  });
  props.monitoring.watchFunction(fn);
  return fn;
}

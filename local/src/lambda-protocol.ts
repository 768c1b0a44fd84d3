/** Messages between the lambda runner (main thread) and a lambda worker (one execution environment). */

import type { InvocationUsage } from './invocation-usage.js';

export interface WorkerData {
  readonly file: string;
  readonly exportName: string;
  readonly functionName: string;
  readonly memorySize: number;
  readonly invokedFunctionArn: string;
  /** Measure each invocation's CPU time and outgoing calls (the bench's metering). */
  readonly measureUsage?: boolean;
  /** Nice value for the environment's thread (functions only events invoke); 0 leaves it alone. */
  readonly background: number;
}

/** The error shape Lambda reports for a failed invocation (`errorType`, `errorMessage`, `stackTrace`). */
export interface LambdaError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: readonly string[];
}

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly requestId: string;
  /** The event as JSON text: Lambda hands handlers a JSON document, never live objects. */
  readonly event: string;
  readonly deadline: number;
  /** The invocation's X-Ray trace header, which Lambda gives a function as `_X_AMZN_TRACE_ID`. */
  readonly traceId: string;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly initMs: number }
  | { readonly type: 'init-error'; readonly error: LambdaError }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly payload: string;
      /** Present when the runner asked for it (`WorkerData.measureUsage`). */
      readonly usage?: InvocationUsage;
    }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly error: LambdaError;
      readonly usage?: InvocationUsage;
    };

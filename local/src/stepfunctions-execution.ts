/**
 * Executions as Step Functions reports them (`DescribeExecution`, `ListExecutions`), what StartExecution
 * accepts as a name and an input, how aws-local-stepfunctions' verdict becomes a status, and how an
 * execution ended before a restart is described again.
 */
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';
import type { ClosedEntry, StartedEntry } from './stepfunctions-journal.js';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  /** The input as given (JSON text). */
  readonly input: string;
  /** The output as JSON text, once SUCCEEDED. */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: Date;
  readonly stopDate?: Date;
  /**
   * The transitions Standard workflows bill: every state entered (the states of each Map iteration and
   * Parallel branch included) plus every retry of a Task state. Retries of Map/Parallel states are not
   * counted.
   */
  readonly stateTransitions: number;
  /** Settles (never rejects) when the execution closes. */
  readonly done: Promise<ExecutionRecord>;
}

export type MutableExecution = { -readonly [K in keyof ExecutionRecord]: ExecutionRecord[K] };

export interface StartExecutionInput {
  readonly stateMachineArn: string;
  /** Default: a random UUID. */
  readonly name?: string;
  /** JSON text; default `{}`. */
  readonly input?: string;
}

/** Step Functions' limits on StartExecution. */
export const MAX_INPUT_BYTES = 256 * 1024;
/** What an execution name may not contain: whitespace, brackets, wildcards, these marks, control characters. */
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
export const invalidName = (name: string) =>
  name.length < 1 ||
  name.length > 80 ||
  INVALID_NAME_CHARACTERS.test(name) ||
  [...name].some((c) => {
    const code = c.charCodeAt(0);
    return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
  });

const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';

/** The status, error and cause the library's rejection of an execution's result stands for. */
export function failure(error: unknown): Partial<MutableExecution> {
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT' };
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  const caught = error instanceof ExecutionError ? (error.cause as Error) : (error as Error);
  // A Fail state without Error/Cause: the library's placeholders, which Step Functions does not report.
  const failState = caught?.name === 'FailStateError';
  const cause = caught?.message === FAIL_STATE_DEFAULT_CAUSE ? undefined : caught?.message;
  const out: Partial<MutableExecution> = { status: 'FAILED' };
  if (!failState) out.error = caught?.name ?? 'States.Runtime';
  if (cause !== undefined) out.cause = cause;
  return out;
}

/** An execution that ended before the runtime last stopped, described as it ended (from the journal). */
export function endedExecution(started: StartedEntry, closed: ClosedEntry): MutableExecution {
  const { t: _s, startDate, ...start } = started;
  const { t: _c, stopDate, executionArn: _a, ...end } = closed;
  const record = {
    ...start,
    ...end,
    startDate: new Date(startDate),
    stopDate: new Date(stopDate),
  } as MutableExecution;
  record.done = Promise.resolve(record);
  return record;
}

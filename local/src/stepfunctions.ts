/**
 * Step Functions, locally: an executor that runs the template's state machines (stepfunctions-machines.ts)
 * with aws-local-stepfunctions, every `Task` routed to the local functions, bus and DynamoDB
 * (stepfunctions-tasks.ts). Executions live in memory with what `DescribeExecution` reports, plus
 * the state transitions Standard workflows bill (see `ExecutionRecord.stateTransitions`). What the
 * library is given to run is in stepfunctions-definition.ts; the execution records, StartExecution's
 * limits and the library's verdicts in stepfunctions-execution.ts.
 */
import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { AwsError } from './aws-json.js';
import type { Journal } from './durable-log.js';
import type { Logger } from './log.js';
import { instrumented, type PreparedMachine, prepareMachine } from './stepfunctions-definition.js';
import {
  type ExecutionRecord,
  type ExecutionStatus,
  endedExecution,
  failure,
  invalidName,
  MAX_INPUT_BYTES,
  type MutableExecution,
  type StartExecutionInput,
} from './stepfunctions-execution.js';
import { type ExecutionJournalEntry, replayExecutions, type StartedEntry } from './stepfunctions-journal.js';
import type { StateMachineConfig } from './stepfunctions-machines.js';
import { TaskFailure, type TaskIntegrations } from './stepfunctions-tasks.js';

export type { ExecutionRecord, ExecutionStatus, StartExecutionInput } from './stepfunctions-execution.js';

interface Running {
  /** Aborts the library's execution (StopExecution). */
  readonly abort: () => void;
  /** Settles the task calls still pending (their results would go nowhere), releasing their timers. */
  readonly release: () => void;
  readonly settle: (record: ExecutionRecord) => void;
}

export interface StepFunctionsExecutorOptions {
  readonly machines: readonly StateMachineConfig[];
  /** Keeps executions across restarts (`--persist`, see stepfunctions-journal.ts); memory only without. */
  readonly journal?: Journal<ExecutionJournalEntry>;
  readonly integrations: TaskIntegrations;
  readonly log: Logger;
  /**
   * Multiplies the waits: Retry intervals (`IntervalSeconds`, `MaxDelaySeconds`) and Wait states'
   * `Seconds`. Tests pass e.g. 0.001 to keep the backoff shape in milliseconds. Default 1.
   */
  readonly timeScale?: number;
  /** Called when an execution closes, e.g. to count transitions for the bench. */
  readonly onExecutionClosed?: (execution: ExecutionRecord) => void;
}

export class StepFunctionsExecutor {
  private readonly prepared = new Map<string, PreparedMachine>();
  private readonly executions = new Map<string, MutableExecution>();
  private readonly running = new Map<MutableExecution, Running>();
  readonly machines: readonly StateMachineConfig[];
  /** When the machines were "created" (DescribeStateMachine's creationDate). */
  readonly createdAt = new Date();
  /** Executions running when the runtime last stopped; `resume()` starts them again. */
  private interrupted: StartedEntry[] = [];
  /** The runtime is stopping: executions it aborts are not closed in the journal (they resume). */
  private closing = false;

  constructor(private readonly options: StepFunctionsExecutorOptions) {
    this.machines = options.machines;
    for (const config of options.machines) {
      this.prepared.set(config.arn, prepareMachine(config, options.integrations, options.timeScale ?? 1));
    }
    for (const { started, closed } of replayExecutions(options.journal?.entries ?? [])) {
      if (!closed) {
        this.interrupted.push(started);
        continue;
      }
      const record = endedExecution(started, closed);
      this.executions.set(record.executionArn, record);
    }
  }

  /**
   * Starts again, from the beginning, the executions that were running when the runtime last stopped
   * (once the functions their tasks call are up); one whose machine is gone from the template fails.
   */
  resume(): void {
    const interrupted = this.interrupted;
    this.interrupted = [];
    for (const entry of interrupted) {
      const prepared = this.prepared.get(entry.stateMachineArn);
      if (!prepared) {
        this.options.journal?.append({
          t: 'closed',
          executionArn: entry.executionArn,
          status: 'FAILED',
          error: 'States.Runtime',
          cause: 'the state machine is no longer in the template',
          stopDate: new Date().toISOString(),
          stateTransitions: 0,
        });
        continue;
      }
      this.options.log.info(`execution ${entry.name} was running when the runtime stopped: started again`);
      this.run(prepared.config, entry.executionArn, entry.name, entry.input, JSON.parse(entry.input), true);
    }
  }

  /** Resolves once every start and close so far is on disk (at once without a journal). */
  async flush(): Promise<void> {
    await this.options.journal?.sync();
  }

  /** The machine an ARN designates, or StateMachineDoesNotExist. */
  machine(stateMachineArn: unknown): StateMachineConfig {
    const found = this.prepared.get(String(stateMachineArn));
    if (!found) {
      throw new AwsError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${String(stateMachineArn)}'`,
      );
    }
    return found.config;
  }

  /**
   * Starts an execution, or returns the running one of the same name and input (StartExecution is
   * idempotent for Standard workflows); a closed one, or a different input, is ExecutionAlreadyExists.
   */
  startExecution(request: StartExecutionInput): ExecutionRecord {
    const machine = this.machine(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (invalidName(name)) {
      throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    }
    const input = request.input ?? '{}';
    if (Buffer.byteLength(input) > MAX_INPUT_BYTES) {
      throw new AwsError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: input exceeds 256 KiB',
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new AwsError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      );
    }
    const executionArn = `arn:aws:states:${machine.arn.split(':')[3]}:${machine.arn.split(':')[4]}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === input) return existing;
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    return this.run(machine, executionArn, name, input, value);
  }

  private run(
    machine: StateMachineConfig,
    executionArn: string,
    name: string,
    input: string,
    value: unknown,
    resumed = false,
  ): ExecutionRecord {
    const prepared = this.prepared.get(machine.arn) as PreparedMachine;
    const entered = new Map<string, number>();
    const attempts = new Map<string, number>();
    const transitions = () => {
      let total = 0;
      for (const n of entered.values()) total += n;
      for (const [state, n] of attempts) total += Math.max(0, n - (entered.get(state) ?? 0));
      return total;
    };
    const context = { executionArn, stateMachineArn: machine.arn };
    // Closing the execution also settles the tasks it still waits on (the library's task timers go with them).
    const stopped = new AbortController();
    const onStop = new Promise<never>((_, reject) => {
      stopped.signal.addEventListener('abort', () =>
        reject(new TaskFailure('States.Runtime', 'execution stopped')),
      );
    });
    onStop.catch(() => undefined);
    const handlers: Record<string, (input: unknown) => Promise<never>> = {};
    for (const [state, runner] of prepared.tasks) {
      handlers[state] = (taskInput) => {
        attempts.set(state, (attempts.get(state) ?? 0) + 1);
        return Promise.race([runner(taskInput, context), onStop]) as Promise<never>;
      };
    }
    const definition = instrumented(prepared.definition, (state) =>
      entered.set(state, (entered.get(state) ?? 0) + 1),
    );
    const execution = new StateMachine(definition as never, { validationOptions: { noValidate: true } }).run(
      value as never,
      {
        overrides: { taskResourceLocalHandlers: handlers },
        context: {
          Execution: { Id: executionArn, Name: name, RoleArn: machine.roleArn, RedriveCount: 0 },
          StateMachine: { Id: machine.arn, Name: machine.name },
        },
      },
    );
    // Drain the event log (it buffers every event until read); nothing else needs it.
    void (async () => {
      for await (const _ of execution.eventLogs);
    })().catch(() => undefined);

    let settle: (r: ExecutionRecord) => void = () => undefined;
    const record: MutableExecution = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      input,
      startDate: new Date(),
      get stateTransitions() {
        return transitions();
      },
      done: new Promise<ExecutionRecord>((resolve) => {
        settle = resolve;
      }),
    };
    this.executions.set(executionArn, record);
    if (!resumed) {
      const startDate = record.startDate.toISOString();
      this.options.journal?.append({
        t: 'started',
        executionArn,
        stateMachineArn: machine.arn,
        name,
        input,
        startDate,
      });
    }
    this.running.set(record, { abort: execution.abort, release: () => stopped.abort(), settle });
    this.options.log.info(`state machine ${machine.name}: execution ${name} started`);
    execution.result.then(
      (output) => this.finish(record, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }),
      (error: unknown) => this.finish(record, failure(error)),
    );
    return record;
  }

  /**
   * Closes an execution once (a stopped one ignores the library's late verdict) and returns what aborts
   * the library's run; tasks still pending (a Map's other iterations after one failed, say) are settled.
   */
  private finish(record: MutableExecution, outcome: Partial<MutableExecution>): (() => void) | undefined {
    const running = this.running.get(record);
    if (!running) return undefined;
    this.running.delete(record);
    Object.assign(record, outcome, { stopDate: new Date() });
    const transitions = record.stateTransitions;
    Object.defineProperty(record, 'stateTransitions', { value: transitions, enumerable: true });
    if (!this.closing) {
      const { executionArn, output, error, cause } = record;
      this.options.journal?.append({
        t: 'closed',
        executionArn,
        status: record.status as Exclude<ExecutionStatus, 'RUNNING'>,
        ...(output !== undefined ? { output } : {}),
        ...(error !== undefined ? { error } : {}),
        ...(cause !== undefined ? { cause } : {}),
        stopDate: (record.stopDate ?? new Date()).toISOString(),
        stateTransitions: transitions,
      });
    }
    // An execution the runtime aborts because it is stopping did not fail (with --persist it resumes).
    const expected = record.status === 'SUCCEEDED' || (this.closing && record.status === 'ABORTED');
    this.options.log[expected ? 'info' : 'error'](
      `execution ${record.name} ${record.status}${record.error ? `: ${record.error}` : ''}` +
        `${record.cause ? ` (${record.cause.slice(0, 300)})` : ''}; ${transitions} state transitions`,
    );
    this.options.onExecutionClosed?.(record);
    running.settle(record);
    running.release();
    return running.abort;
  }

  describeExecution(executionArn: unknown): ExecutionRecord {
    const found = this.executions.get(String(executionArn));
    if (!found)
      throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(executionArn)}'`);
    return found;
  }

  /** A machine's executions, newest first, optionally of one status. */
  listExecutions(stateMachineArn: unknown, statusFilter?: ExecutionStatus): ExecutionRecord[] {
    const machine = this.machine(stateMachineArn);
    return [...this.executions.values()]
      .filter((e) => e.stateMachineArn === machine.arn && (!statusFilter || e.status === statusFilter))
      .reverse();
  }

  /** Aborts a running execution (a closed one is left as it is, as StopExecution does). */
  stopExecution(executionArn: unknown, details: { error?: string; cause?: string } = {}): ExecutionRecord {
    const record = this.describeExecution(executionArn) as MutableExecution;
    this.finish(record, { status: 'ABORTED', ...details })?.();
    return record;
  }

  /** Aborts every running execution (the runtime stops). */
  close(): void {
    this.closing = true;
    for (const record of [...this.running.keys()]) {
      this.finish(record, { status: 'ABORTED', cause: 'the local runtime stopped' })?.();
    }
  }
}

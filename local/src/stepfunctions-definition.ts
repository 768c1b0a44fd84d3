/**
 * The definition aws-local-stepfunctions runs for a template's state machine: what it cannot run is
 * refused, timers are capped and waits scaled, and each execution gets a copy that counts the states
 * entered (the transitions Standard workflows bill).
 */
import {
  type AslDefinition,
  allStates,
  nestedMachines,
  type StateMachineConfig,
} from './stepfunctions-machines.js';
import { type TaskIntegrations, type TaskRunner, taskRunner } from './stepfunctions-tasks.js';

/** setTimeout's ceiling (~24.8 days); aws-local-stepfunctions' timers would fire at once beyond it. */
const MAX_TIMER_SECONDS = 2_147_483;

/** Fields and modes aws-local-stepfunctions does not run: refused at start-up rather than mis-run. */
function unsupported(definition: AslDefinition): string[] {
  const found: string[] = [];
  if (definition.QueryLanguage === 'JSONata') found.push('QueryLanguage JSONata');
  for (const [name, state] of allStates(definition)) {
    if (state.QueryLanguage === 'JSONata') found.push(`${name}: QueryLanguage JSONata`);
    for (const field of ['Assign', 'Arguments', 'Output', 'ItemReader', 'ItemBatcher', 'ResultWriter']) {
      if (field in state) found.push(`${name}: ${field}`);
    }
    for (const field of ['ToleratedFailureCount', 'ToleratedFailurePercentage']) {
      if (field in state || `${field}Path` in state) found.push(`${name}: ${field}`);
    }
    const mode = (record(state.ItemProcessor).ProcessorConfig as { Mode?: string } | undefined)?.Mode;
    if (mode === 'DISTRIBUTED') found.push(`${name}: distributed Map`);
  }
  return found;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/**
 * The definition aws-local-stepfunctions runs: Task states without a timeout get Step Functions' (none,
 * here the timer ceiling) rather than the library's 60 s; timers are capped; waits are scaled.
 */
function runnable(definition: AslDefinition, timeScale: number): AslDefinition {
  const copy = structuredClone(definition) as AslDefinition & { TimeoutSeconds?: number };
  const cap = (n: number) => Math.min(n, MAX_TIMER_SECONDS);
  if (typeof copy.TimeoutSeconds === 'number') copy.TimeoutSeconds = cap(copy.TimeoutSeconds);
  for (const [, state] of allStates(copy)) {
    const s = state as Record<string, unknown>;
    if (s.Type === 'Task' && s.TimeoutSecondsPath === undefined) {
      s.TimeoutSeconds = cap(typeof s.TimeoutSeconds === 'number' ? s.TimeoutSeconds : MAX_TIMER_SECONDS);
    }
    if (timeScale === 1) continue;
    if (s.Type === 'Wait' && typeof s.Seconds === 'number') s.Seconds *= timeScale;
    for (const retrier of (s.Retry as Record<string, unknown>[] | undefined) ?? []) {
      retrier.IntervalSeconds =
        (typeof retrier.IntervalSeconds === 'number' ? retrier.IntervalSeconds : 1) * timeScale;
      if (typeof retrier.MaxDelaySeconds === 'number') retrier.MaxDelaySeconds *= timeScale;
    }
  }
  return copy;
}

/**
 * A per-execution copy whose `States` objects count reads: aws-local-stepfunctions looks a state up in
 * `States` exactly once per state entered (the start state included), in the root machine and in each
 * Map iteration or Parallel branch. Its event log would do too, but drops events of nested machines
 * that arrive after their parent closed.
 */
export function instrumented(definition: AslDefinition, entered: (name: string) => void): AslDefinition {
  const copy = structuredClone(definition);
  const wrap = (machine: AslDefinition) => {
    for (const state of Object.values(machine.States))
      for (const nested of nestedMachines(state)) wrap(nested);
    (machine as { States: AslDefinition['States'] }).States = new Proxy(machine.States, {
      get(target, key, receiver) {
        if (typeof key === 'string' && Object.hasOwn(target, key)) entered(key);
        return Reflect.get(target, key, receiver);
      },
    });
  };
  wrap(copy);
  return copy;
}

export interface PreparedMachine {
  readonly config: StateMachineConfig;
  readonly definition: AslDefinition;
  /** Task runners by state name. */
  readonly tasks: ReadonlyMap<string, TaskRunner>;
}

/** A template's machine made ready to run, or why it cannot run locally (thrown at start-up). */
export function prepareMachine(
  config: StateMachineConfig,
  integrations: TaskIntegrations,
  timeScale: number,
): PreparedMachine {
  const problems = unsupported(config.definition);
  if (problems.length > 0) {
    throw new Error(`state machine ${config.logicalId}: not supported locally: ${problems.join(', ')}`);
  }
  const tasks = new Map<string, TaskRunner>();
  for (const [name, state] of allStates(config.definition)) {
    if (state.Type !== 'Task') continue;
    try {
      tasks.set(name, taskRunner(String(state.Resource), integrations));
    } catch (error) {
      throw new Error(`state machine ${config.logicalId}, state ${name}: ${(error as Error).message}`);
    }
  }
  return { config, definition: runnable(config.definition, timeScale), tasks };
}

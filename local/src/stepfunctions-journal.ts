/**
 * With `--persist`, Step Functions executions outlive a stop, as Standard workflows do in AWS (where an
 * execution goes on whatever happens to its caller): each start and each close is a journal entry. At
 * the next start, closed executions are listed and described as they ended (their names stay taken),
 * and one that was running when the runtime stopped is started again from the beginning, same name and
 * input. That is safe for the settlement machine: every task is idempotent (a settled merchant's run is
 * answered from its state, a payout id is paid once by the bank, the run is finished by a guarded write),
 * so a settlement run interrupted by a stop completes after the restart instead of staying `running`.
 */
import type { ExecutionStatus } from './stepfunctions-execution.js';

export type ExecutionJournalEntry =
  | {
      readonly t: 'started';
      readonly executionArn: string;
      readonly stateMachineArn: string;
      readonly name: string;
      readonly input: string;
      readonly startDate: string;
    }
  | {
      readonly t: 'closed';
      readonly executionArn: string;
      readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
      readonly output?: string;
      readonly error?: string;
      readonly cause?: string;
      readonly stopDate: string;
      readonly stateTransitions: number;
    };

export type StartedEntry = ExecutionJournalEntry & { t: 'started' };
export type ClosedEntry = ExecutionJournalEntry & { t: 'closed' };

/** Executions in the order they started: closed ones with how they ended, the others to run again. */
export function replayExecutions(
  entries: readonly ExecutionJournalEntry[],
): Array<{ started: StartedEntry; closed?: ClosedEntry }> {
  const byArn = new Map<string, { started: StartedEntry; closed?: ClosedEntry }>();
  for (const entry of entries) {
    if (entry?.t === 'started' && !byArn.has(entry.executionArn))
      byArn.set(entry.executionArn, { started: entry });
    else if (entry?.t === 'closed') {
      const known = byArn.get(entry.executionArn);
      if (known) known.closed = entry;
    }
  }
  return [...byArn.values()];
}

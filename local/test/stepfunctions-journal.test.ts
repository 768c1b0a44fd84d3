/**
 * Step Functions executions across a restart of the local runtime (`--persist`): one that was running
 * when the runtime stopped starts again from the beginning, with its name and input, and ends; one that
 * had ended is still described as it ended, and its name stays taken. Nothing stays RUNNING for good.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openJournal } from '../src/durable-log.js';
import { createLogger } from '../src/log.js';
import { StepFunctionsExecutor } from '../src/stepfunctions.js';
import type { ExecutionJournalEntry } from '../src/stepfunctions-journal.js';
import type { StateMachineConfig } from '../src/stepfunctions-machines.js';
import type { LambdaOutcome } from '../src/stepfunctions-tasks.js';

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:settle';
const MACHINE: StateMachineConfig = {
  logicalId: 'Settle',
  name: 'settle',
  arn: ARN,
  type: 'STANDARD',
  roleArn: 'arn:aws:iam::000000000000:role/settle',
  functionLogicalIds: [],
  definition: {
    StartAt: 'Settle',
    States: {
      Settle: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: {
          FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:settle',
          'Payload.$': '$',
        },
        OutputPath: '$.Payload',
        End: true,
      },
    },
  },
};

const dir = mkdtempSync(join(tmpdir(), 'sfn-journal-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'stepfunctions.jsonl');

/** An executor over the journal whose task answers once `release` is called (never, if it is not). */
function start() {
  const journal = openJournal<ExecutionJournalEntry>(file);
  const calls: unknown[] = [];
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const executor = new StepFunctionsExecutor({
    machines: [MACHINE],
    log: createLogger({ quiet: true, write: () => undefined }),
    journal,
    integrations: {
      invoke: async (_name, payload): Promise<LambdaOutcome> => {
        calls.push(payload);
        await released;
        return { ok: true, payload: { settled: (payload as { runId: string }).runId } };
      },
      putEvents: () => ({ FailedEntryCount: 0, Entries: [] }),
    },
  });
  const stop = () => {
    executor.close();
    journal.close();
  };
  return { executor, calls, release, stop };
}

describe('Step Functions executions kept on disk', () => {
  it('starts again after a restart an execution that was running, and keeps one that had ended', async () => {
    // Prepare: one run ends, another is still in its task when the runtime stops
    const first = start();
    first.release();
    const done = await first.executor.startExecution({
      stateMachineArn: ARN,
      name: 'str_1',
      input: '{"runId":"str_1"}',
    }).done;
    assert.equal(done.status, 'SUCCEEDED', JSON.stringify(done));
    const second = start();
    second.executor.resume();
    second.executor.startExecution({ stateMachineArn: ARN, name: 'str_2', input: '{"runId":"str_2"}' });
    while (second.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    second.stop();

    // Act
    const third = start();
    third.release();
    third.executor.resume();

    // Assess: the interrupted run is running again with its input, then ends; the ended one is as it was
    const resumed = third.executor.describeExecution(`${ARN.replace(':stateMachine:', ':execution:')}:str_2`);
    assert.deepEqual(third.calls, [{ runId: 'str_2' }]);
    const ended = await resumed.done;
    assert.equal(ended.status, 'SUCCEEDED');
    assert.equal(ended.output, '{"settled":"str_2"}');
    const kept = third.executor.describeExecution(`${ARN.replace(':stateMachine:', ':execution:')}:str_1`);
    assert.equal(kept.status, 'SUCCEEDED');
    assert.equal(kept.output, '{"settled":"str_1"}');
    assert.throws(
      () => third.executor.startExecution({ stateMachineArn: ARN, name: 'str_1', input: '{}' }),
      /ExecutionAlreadyExists|Already Exists/,
    );
    assert.deepEqual(
      third.executor.listExecutions(ARN).map((e) => [e.name, e.status]),
      [
        ['str_2', 'SUCCEEDED'],
        ['str_1', 'SUCCEEDED'],
      ],
    );
    third.stop();

    // A fourth start has nothing to resume
    const fourth = start();
    fourth.executor.resume();
    assert.equal(fourth.calls.length, 0);
    fourth.stop();
  });
});

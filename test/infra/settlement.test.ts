/**
 * The settlement state machine in the template: a Standard workflow with logging ALL and tracing, its
 * shape pinned (so transitions grow with merchants, never with payments), valid ASL, retries and the
 * payout's Catch, SettlementCompleted put by the state machine itself, the schedule and the alarms.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AslDefinition, allStates, validateAsl } from '../../local/src/stepfunctions-machines.js';
import { synthesize } from './synthesized.js';

const { resources } = synthesize();
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const [machineId, machine] = ofType('AWS::StepFunctions::StateMachine')[0] ?? [];

/** The definition with every token (function ARNs, the bus) replaced by a well-formed ARN. */
function definition(): AslDefinition {
  assert.ok(machine, 'the template has a state machine');
  const parts = (machine.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
  const text = parts
    .map((p) => {
      if (typeof p === 'string') return p;
      const json = JSON.stringify(p);
      if (json === '{"Ref":"AWS::Partition"}') return 'aws';
      if (json.includes('EventBus')) return 'payments';
      return 'arn:aws:lambda:us-east-1:111122223333:function:task';
    })
    .join('');
  return JSON.parse(text) as AslDefinition;
}

describe('settlement state machine', () => {
  it('is a Standard workflow that logs everything and traces', () => {
    assert.ok(machineId, 'a state machine exists');
    assert.equal(machine?.Properties.StateMachineType, 'STANDARD');
    assert.deepEqual(machine?.Properties.TracingConfiguration, { Enabled: true });
    const logging = machine?.Properties.LoggingConfiguration as {
      Level: string;
      IncludeExecutionData: boolean;
    };
    assert.equal(logging.Level, 'ALL');
    assert.equal(logging.IncludeExecutionData, true);
  });

  it('is valid ASL (asl-validator)', () => {
    assert.deepEqual(validateAsl(definition()), []);
  });

  it('has this shape: a Map over merchants, a Map over their settlements, nothing per payment', () => {
    const def = definition();
    assert.equal(def.StartAt, 'StartRun');
    const top = Object.fromEntries(
      Object.entries(def.States).map(([name, s]) => [name, [s.Type, s.Next ?? null]]),
    );
    assert.deepEqual(top, {
      StartRun: ['Task', 'EachMerchant'],
      EachMerchant: ['Map', 'FinishRun'],
      FinishRun: ['Task', null],
      FailRun: ['Task', 'RunFailed'],
      RunFailed: ['Fail', null],
    });
    const each = def.States.EachMerchant as Record<string, any>;
    assert.equal(each.MaxConcurrency, 10);
    assert.equal(each.ItemsPath, '$.merchants');
    assert.deepEqual(
      each.Catch.map((c: { Next: string }) => c.Next),
      ['FailRun'],
    );
    const names = allStates(def)
      .map(([name]) => name)
      .sort();
    assert.deepEqual(names, [
      'EachMerchant',
      'EachSettlement',
      'FailRun',
      'FinishRun',
      'PayOut',
      'PublishSettlementCompleted',
      'RecordPayoutFailure',
      'RunFailed',
      'SettleMerchant',
      'StartRun',
    ]);
  });

  it('retries transient failures with backoff and records a payout that failed every retry', () => {
    const states = Object.fromEntries(allStates(definition())) as Record<string, any>;
    for (const name of ['StartRun', 'SettleMerchant', 'PayOut', 'PublishSettlementCompleted']) {
      const [retry] = states[name].Retry;
      assert.ok(retry.BackoffRate >= 2 && retry.MaxAttempts >= 3, name);
    }
    assert.deepEqual(states.PayOut.Catch, [
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordPayoutFailure' },
    ]);
  });

  it('puts SettlementCompleted on the payments bus itself, without a Lambda', () => {
    const publish = Object.fromEntries(allStates(definition())).PublishSettlementCompleted as Record<
      string,
      any
    >;
    assert.equal(publish.Resource, 'arn:aws:states:::events:putEvents');
    const [entry] = publish.Parameters.Entries;
    assert.equal(entry.DetailType, 'SettlementCompleted');
    assert.equal(entry.Source, 'payments');
    assert.equal(entry['Detail.$'], '$.event');
  });

  it('runs daily and alarms on a failed run and on a failed payout', () => {
    const schedule = ofType('AWS::Events::Rule').find(([, r]) =>
      JSON.stringify(r.Properties.Targets ?? []).includes(String(machineId)),
    );
    assert.equal(schedule?.[1].Properties.ScheduleExpression, 'cron(0 3 * * ? *)');
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    assert.ok(alarms.some((a) => a.MetricName === 'ExecutionsFailed' && a.Namespace === 'AWS/States'));
    assert.ok(alarms.some((a) => a.MetricName === 'PayoutFailed' && a.Namespace === 'Payments'));
  });
});

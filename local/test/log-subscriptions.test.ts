import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { admittedAtLevel, compileFilterPattern } from '../src/log-filter-pattern.js';
import { LogDelivery, type LogSubscription, logSubscriptions } from '../src/log-subscriptions.js';
import type { CfnTemplate } from '../src/template.js';

const quiet = { info: () => {}, error: () => {}, fn: () => {} };

describe('CloudWatch Logs filter patterns', () => {
  it('matches JSON property comparisons joined by && or ||, and refuses what it does not emulate', () => {
    // Prepare
    const usage = compileFilterPattern('{ $.message = "api usage" }');
    const both = compileFilterPattern('{ $.usage.status >= 400 && $.message = "api*" }');
    const either = compileFilterPattern('{ $.a = 1 || $.b != "x" }');
    // Act & Assess
    assert.equal(usage('{"message":"api usage"}'), true);
    assert.equal(usage('{"message":"api usage!"}'), false);
    assert.equal(usage('api usage'), false);
    assert.equal(both('{"message":"api usage","usage":{"status":404}}'), true);
    assert.equal(both('{"message":"api usage","usage":{"status":201}}'), false);
    assert.equal(either('{"a":2,"b":"y"}'), true);
    assert.equal(either('{"a":2,"b":"x"}'), false);
    assert.equal(compileFilterPattern('')('anything'), true);
    for (const p of ['ERROR', '{ $.a = 1 && $.b = 2 || $.c = 3 }', '{ ($.a = 1) }', '{ $.a < "x" }'])
      assert.throws(() => compileFilterPattern(p), /not emulated|compares numbers/, p);
  });

  it('keeps only what Lambda’s level filter would ship (no level or not JSON counts as INFO)', () => {
    assert.equal(admittedAtLevel('{"level":"INFO"}', 'INFO'), true);
    assert.equal(admittedAtLevel('{"level":"INFO"}', 'WARN'), false);
    assert.equal(admittedAtLevel('plain text', 'WARN'), false);
    assert.equal(admittedAtLevel('{"level":"CRITICAL"}', 'ERROR'), true);
    assert.equal(admittedAtLevel('anything', undefined), true);
  });
});

describe('log subscription delivery', () => {
  const template: CfnTemplate = {
    Resources: {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: {} },
      Api: { Type: 'AWS::Lambda::Function', Properties: { LoggingConfig: { LogGroup: { Ref: 'Logs' } } } },
      Sink: { Type: 'AWS::Lambda::Function', Properties: {} },
      Filter: {
        Type: 'AWS::Logs::SubscriptionFilter',
        Properties: {
          LogGroupName: { Ref: 'Logs' },
          FilterPattern: '{ $.message = "api usage" }',
          DestinationArn: { 'Fn::GetAtt': ['Sink', 'Arn'] },
          FilterName: 'usage',
        },
      },
    },
  } as unknown as CfnTemplate;

  function harness(options: { deliverTwice?: boolean; fail?: number } = {}) {
    const batches: { logGroup: string; logEvents: { id: string; message: string }[] }[] = [];
    let failures = options.fail ?? 0;
    const subscriptions: LogSubscription[] = logSubscriptions(template);
    const deadLettered: unknown[] = [];
    const delivery = new LogDelivery({
      subscriptions: subscriptions.map((s) => ({ ...s, deadLetterTarget: 'dlq' })),
      log: quiet,
      accountId: '000000000000',
      levelOf: () => 'INFO',
      batchWindowMs: 10_000,
      retryDelayMs: 1,
      ...(options.deliverTwice ? { deliverTwice: true } : {}),
      deadLetter: (_, event) => deadLettered.push(event),
      invoke: async (logicalId, event) => {
        assert.equal(logicalId, 'Sink');
        if (failures-- > 0)
          return { ok: false, error: { errorType: 'E', errorMessage: 'x' }, requestId: 'r', durationMs: 0 };
        const data = (event as { awslogs: { data: string } }).awslogs.data;
        batches.push(JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')));
        return { ok: true, payload: null, requestId: 'r', durationMs: 0 };
      },
    });
    return { delivery, batches, deadLettered, subscriptions };
  }

  it('reads the filter, its source functions and destination from the template', () => {
    const [sub] = logSubscriptions(template);
    assert.deepEqual(sub?.sourceFunctionIds, ['Api']);
    assert.equal(sub?.destinationFunctionId, 'Sink');
    assert.equal(sub?.logGroup, 'Logs');
  });

  it('batches the matching lines of a source, with unique ids, and delivers twice when asked', async () => {
    // Prepare
    const { delivery, batches } = harness({ deliverTwice: true });
    // Act
    delivery.line('Api', '{"message":"api usage","n":1}');
    delivery.line('Api', '{"message":"request refused"}');
    delivery.line('Other', '{"message":"api usage"}');
    delivery.line('Api', '{"message":"api usage","n":2}');
    await delivery.flush();
    // Assess
    assert.equal(batches.length, 2, 'the same batch, twice');
    assert.deepEqual(batches[0], batches[1]);
    assert.equal(batches[0]?.logGroup, 'Logs');
    assert.deepEqual(
      batches[0]?.logEvents.map((e) => JSON.parse(e.message).n),
      [1, 2],
    );
    assert.equal(new Set(batches[0]?.logEvents.map((e) => e.id)).size, 2);
  });

  it('retries a failed delivery twice, then hands the batch to the dead-letter queue', async () => {
    // Prepare
    const retried = harness({ fail: 2 });
    const lost = harness({ fail: 3 });
    // Act
    retried.delivery.line('Api', '{"message":"api usage"}');
    lost.delivery.line('Api', '{"message":"api usage"}');
    await Promise.all([retried.delivery.flush(), lost.delivery.flush()]);
    // Assess
    assert.equal(retried.batches.length, 1);
    assert.deepEqual(retried.deadLettered, []);
    assert.equal(lost.batches.length, 0);
    assert.equal(lost.deadLettered.length, 1);
  });
});

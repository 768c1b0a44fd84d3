/**
 * Dead letters in the template: the ops routes, the `DEAD_LETTER_QUEUES` registry every route gets (each DLQ
 * of the stack with its source queues), SQS grants limited to the actions each function calls on exactly
 * those queues, bundle sizes.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Resource, referencedId, synthesize } from './synthesized.js';

const { resources, functions } = synthesize();

const SOURCES = {
  list: 'functions/api/list-dead-letter-queues.ts',
  peek: 'functions/api/list-dead-letter-messages.ts',
  redrive: 'functions/api/redrive-dead-letter-queue.ts',
  redrives: 'functions/api/list-dead-letter-redrives.ts',
} as const;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const fnBySource = (source: string) => {
  const fn = functions.find((f) => f.source === source);
  assert.ok(fn, `no function built from ${source}`);
  return fn;
};
const queueId = (pattern: RegExp) => {
  const found = ofType('AWS::SQS::Queue').find(([id]) => pattern.test(id));
  assert.ok(found, `no queue matches ${pattern}`);
  return found[0];
};
const deadLetterQueueIds = ofType('AWS::SQS::Queue')
  .map(([id]) => id)
  .filter((id) => id.includes('DeadLetterQueue'));

/** `sqs:Action on <queue logical id>` for every SQS statement of the function's role, sorted. */
function sqsGrants(fn: Resource): string[] {
  const roleId = referencedId(fn.Properties.Role);
  const grants: string[] = [];
  for (const [, policy] of ofType('AWS::IAM::Policy')) {
    if (!(policy.Properties.Roles as unknown[]).map(referencedId).includes(roleId)) continue;
    for (const s of (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement) {
      const actions = ([] as string[]).concat(s.Action as string | string[]);
      const targets = ([] as unknown[]).concat(s.Resource).map((r) => (r === '*' ? '*' : referencedId(r)));
      for (const a of actions.filter((x) => x.startsWith('sqs:'))) {
        for (const t of targets) grants.push(`${a} on ${t}`);
      }
    }
  }
  return grants.sort();
}

/** The registry with its intrinsic functions reduced to `Ref <id>` / `<id>.<attribute>` strings. */
function registryOf(
  fn: Resource,
): Record<string, { url: string; arn: string; sources: string[]; redriveTo?: string }> {
  const raw = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables
    .DEAD_LETTER_QUEUES;
  const join = (raw as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  assert.ok(join, 'DEAD_LETTER_QUEUES is a Fn::Join of the queues’ Ref and GetAtt');
  const text = join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const p = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      return p.Ref ? `Ref ${p.Ref}` : `${p['Fn::GetAtt']?.[0]}.${p['Fn::GetAtt']?.[1]}`;
    })
    .join(join[0]);
  return JSON.parse(text);
}

describe('dead letters infrastructure', () => {
  it('routes the four ops routes to their own functions', () => {
    const routes = Object.fromEntries(
      ofType('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r.Properties.Target]),
    );
    for (const key of [
      'GET /v1/ops/dead-letter-queues',
      'GET /v1/ops/dead-letter-queues/{name}/messages',
      'POST /v1/ops/dead-letter-queues/{name}/redrive',
      'GET /v1/ops/dead-letter-queues/{name}/redrives',
    ]) {
      assert.ok(routes[key], key);
    }
  });

  it('tells every route each DLQ of the stack by name, with its URL, ARN and source queue names', () => {
    const expected = {
      dispatch: { queue: /^ChannelsDispatchDeadLetterQueue/, sources: [] as RegExp[] },
      publisher: { queue: /^EventsPublisherDeadLetterQueue/, sources: [] as RegExp[] },
      'channel-checks': {
        queue: /^ChannelsChannelChecksDeadLetterQueue/,
        sources: [/^ChannelsChannelChecksQueue/],
      },
      'reconciliation-runs': {
        queue: /^EventsReconciliationRunsDeadLetterQueue/,
        sources: [/^EventsReconciliationRunsQueue/],
      },
      risk: { queue: /^EventsRiskDeadLetterQueue/, sources: [/^EventsRiskQueue/] },
      'merchant-webhooks': {
        queue: /^EventsMerchantWebhooksDeadLetterQueue/,
        sources: [/^EventsMerchantWebhooksQueue/],
      },
      'channel-health': {
        queue: /^EventsChannelHealthDeadLetterQueue/,
        sources: [/^EventsChannelHealthQueue/],
      },
      // Batches of usage lines; a redrive replays them through the aggregator's own queue.
      'usage-aggregator': {
        queue: /^UsageUsageAggregatorDeadLetterQueue/,
        sources: [/^UsageUsageAggregatorQueue/],
        redriveTo: /^UsageUsageAggregatorQueue/,
      },
    };
    for (const source of Object.values(SOURCES)) {
      const registry = registryOf(fnBySource(source).resource);
      assert.deepEqual(Object.keys(registry).sort(), Object.keys(expected).sort(), source);
      for (const [name, e] of Object.entries(expected)) {
        const id = queueId(e.queue);
        const redriveTo = 'redriveTo' in e ? { redriveTo: `${queueId(e.redriveTo)}.Arn` } : {};
        assert.deepEqual(
          registry[name],
          {
            url: `Ref ${id}`,
            arn: `${id}.Arn`,
            sources: e.sources.map((s) => `${queueId(s)}.QueueName`),
            ...redriveTo,
          },
          `${source}: ${name}`,
        );
      }
    }
    // Every DLQ of the template is listed: a new consumer's DLQ cannot be forgotten.
    assert.equal(deadLetterQueueIds.length, Object.keys(expected).length);
  });

  it('grants each function only the SQS actions it calls, on the DLQs (and the redrive the source queues)', () => {
    const dlqs = [...deadLetterQueueIds].sort();
    const redrivable = dlqs.filter((id) => !/Dispatch|Publisher/.test(id));
    const sources = redrivable.map((id) =>
      queueId(new RegExp(`^${id.replace(/DeadLetterQueue.*$/, 'Queue')}`)),
    );
    const on = (actions: string[], ids: string[]) => actions.flatMap((a) => ids.map((id) => `${a} on ${id}`));
    assert.deepEqual(
      sqsGrants(fnBySource(SOURCES.list).resource),
      on(['sqs:GetQueueAttributes'], dlqs).sort(),
    );
    assert.deepEqual(sqsGrants(fnBySource(SOURCES.peek).resource), on(['sqs:ReceiveMessage'], dlqs).sort());
    assert.deepEqual(
      sqsGrants(fnBySource(SOURCES.redrives).resource),
      on(['sqs:ListMessageMoveTasks'], dlqs).sort(),
    );
    assert.deepEqual(
      sqsGrants(fnBySource(SOURCES.redrive).resource),
      [
        ...on(
          [
            'sqs:StartMessageMoveTask',
            'sqs:ListMessageMoveTasks',
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
          ],
          redrivable,
        ),
        ...on(['sqs:SendMessage'], sources),
      ].sort(),
    );
  });

  it('keeps each dead-letter bundle under 300 KB', () => {
    for (const source of Object.values(SOURCES)) {
      const size = statSync(join(fnBySource(source).assetDir, 'index.mjs')).size;
      assert.ok(size <= 300 * 1024, `${source}: ${size} bytes`);
    }
  });
});

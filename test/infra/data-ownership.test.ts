/**
 * Services own their data (issue 14): every function's DynamoDB statements carry `dynamodb:LeadingKeys`
 * conditions limited to its service's key prefixes (infra/services/data-ownership.ts) plus the exceptions
 * declared for that service; the table's stream is read by the declared stream readers only.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { PaymentsFunction } from '../../infra/constructs/payments-function.js';
import {
  allowedKeys,
  DATA_EXCEPTIONS,
  DATA_OWNERSHIP,
  type DataResource,
  patternCovers,
  READ_ACTIONS,
  type Service,
  STREAM_ACTIONS,
  STREAM_READERS,
} from '../../infra/services/data-ownership.js';
import { serviceOf } from '../../infra/services/function-services.js';
import { type PolicyStatement, resolveArn, roleStatements, tableArn } from '../support/dynamo-policy.js';
import { referencedId, synthesize } from './synthesized.js';

// The merged view of every stack (synthesized.ts): a service stack's SSM-imported table is followed to
// the foundation's table, so its grants name the table itself.
const { resources, functions, stacks } = synthesize();
const tableId = Object.entries(resources).find(([, r]) => r.Type === 'AWS::DynamoDB::Table')?.[0] ?? '';
/** A function's role in the merged assembly (a function missing there fails, never passes unexamined). */
function roleOf(logicalId: string): string {
  const fn = resources[logicalId];
  assert.ok(fn, `${logicalId} is not in the merged assembly`);
  return referencedId(fn.Properties.Role) ?? '';
}
const entryOf = (source: string) => source.replace(/^functions\//, '').replace(/\.ts$/, '');

/** The table or index a resource ARN names, or undefined for anything else (a stream, `*`). */
function dataResource(arn: string): DataResource | undefined {
  if (arn === tableArn(tableId)) return 'table';
  const index = arn.startsWith(`${tableArn(tableId)}/index/`) ? arn.split('/index/')[1] : undefined;
  return index && ['GSI1', 'GSI2', 'GSI3', 'GSI4'].includes(index) ? (index as DataResource) : undefined;
}

/** Whether `service` may use `action` on `pattern` of `resource`: its own, or a declared exception. */
function permitted(service: Service, resource: DataResource, action: string, pattern: string): boolean {
  const own = DATA_OWNERSHIP[service].some(
    (o) => o.resource === resource && patternCovers(o.pattern, pattern),
  );
  return (
    own ||
    DATA_EXCEPTIONS.some(
      (e) =>
        e.users.includes(service) &&
        e.resource === resource &&
        e.actions.includes(action) &&
        e.patterns.some((p) => patternCovers(p, pattern)),
    )
  );
}

const dynamoStatementsOf = (roleId: string): PolicyStatement[] =>
  roleStatements(resources as never, roleId).filter((s) =>
    [s.Action ?? []].flat().some((a) => a.startsWith('dynamodb:')),
  );

describe('each function touches only its service items', () => {
  const used = new Set<string>();

  for (const fn of functions) {
    const entry = entryOf(fn.source);
    test(`${entry} touches only the keys of ${serviceOf(entry)} and its declared exceptions`, () => {
      const service = serviceOf(entry);
      const roleId = roleOf(fn.logicalId);
      for (const statement of dynamoStatementsOf(roleId)) {
        const actions = [statement.Action ?? []].flat();
        assert.equal(statement.Effect, 'Allow');
        assert.ok(!actions.some((a) => a.includes('*')), `wildcard action ${actions}`);
        const arns = [statement.Resource].flat().map(resolveArn);
        if (actions.every((a) => STREAM_ACTIONS.has(a))) {
          assert.ok(
            STREAM_READERS[entry],
            `${entry} reads the stream without being a declared stream reader`,
          );
          assert.ok(
            arns.every(
              (a) => a.endsWith('/stream/*') || (a === '*' && actions.join() === 'dynamodb:ListStreams'),
            ),
          );
          continue;
        }
        const condition = statement.Condition ?? {};
        assert.deepEqual(Object.keys(condition), ['ForAllValues:StringLike'], `${actions} unconditioned`);
        const patterns = [condition['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []].flat();
        assert.ok(patterns.length > 0);
        for (const arn of arns) {
          const resource = dataResource(arn);
          assert.ok(resource, `${actions} on ${arn}: neither the table nor one of its indexes`);
          for (const action of actions) {
            for (const pattern of patterns) {
              assert.ok(permitted(service, resource, action, pattern), `${action} on ${resource} ${pattern}`);
              used.add(`${service} ${resource} ${pattern}`);
            }
          }
        }
      }
    });
  }

  test('every function belongs to a service, and the stream readers are exactly the declared ones', () => {
    const readers = functions.filter((fn) =>
      dynamoStatementsOf(roleOf(fn.logicalId)).some((s) =>
        [s.Action ?? []].flat().includes('dynamodb:GetRecords'),
      ),
    );
    assert.deepEqual(readers.map((fn) => entryOf(fn.source)).sort(), Object.keys(STREAM_READERS).sort());
    for (const fn of functions) assert.ok(serviceOf(entryOf(fn.source)));
  });

  test('deploys every function in the stack of the service whose keys it is granted', () => {
    let checked = 0;
    for (const stack of Object.values(stacks) as Stack[]) {
      for (const fn of stack.node.findAll().filter((c) => c instanceof PaymentsFunction)) {
        if (Stack.of(fn) !== stack) continue;
        const service = serviceOf((fn as PaymentsFunction).entry);
        assert.equal(stack.node.id, `Payments-${service[0]?.toUpperCase()}${service.slice(1)}`, fn.node.path);
        checked += 1;
      }
    }
    assert.equal(checked, functions.length);
  });

  test("no settlement function holds a grant on risk's holds (it asks risk's held-payments function)", () => {
    const settlement = functions.filter((fn) => serviceOf(entryOf(fn.source)) === 'settlement');
    assert.ok(settlement.some((fn) => fn.source === 'functions/settlement/settle-merchant.ts'));
    for (const fn of settlement) {
      const patterns = dynamoStatementsOf(roleOf(fn.logicalId)).flatMap((s) =>
        [s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []].flat(),
      );
      assert.ok(!patterns.some((p) => p.startsWith('HOLD#')), `${fn.source}: ${patterns}`);
    }
  });

  test("no risk function reads core's OBJ# items (it asks core's functions), and only fraud reports write a slot", () => {
    const risk = functions.filter((fn) => serviceOf(entryOf(fn.source)) === 'risk');
    for (const source of [
      'functions/events/risk.ts',
      'functions/api/review-payment.ts',
      'functions/api/create-fraud-report.ts',
    ])
      assert.ok(
        risk.some((fn) => fn.source === source),
        source,
      );
    for (const fn of risk) {
      for (const statement of dynamoStatementsOf(roleOf(fn.logicalId))) {
        const patterns = [
          statement.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? [],
        ].flat();
        if (!patterns.some((p) => p.startsWith('OBJ#'))) continue;
        const actions = [statement.Action ?? []].flat();
        assert.ok(!actions.some((a) => READ_ACTIONS.has(a)), `${fn.source} reads OBJ#: ${actions}`);
        assert.deepEqual(actions, ['dynamodb:PutItem'], fn.source);
        assert.equal(fn.source, 'functions/api/create-fraud-report.ts');
      }
    }
    for (const action of READ_ACTIONS)
      assert.ok(!allowedKeys('risk', 'table', action).includes('OBJ#*'), action);
  });

  test("no channels function holds a grant on core's payments and refunds (it asks core's object-states function)", () => {
    const channels = functions.filter((fn) => serviceOf(entryOf(fn.source)) === 'channels');
    for (const source of ['functions/channels/dispatch.ts', 'functions/channels/check.ts'])
      assert.ok(
        channels.some((fn) => fn.source === source),
        source,
      );
    for (const fn of channels) {
      const patterns = dynamoStatementsOf(roleOf(fn.logicalId))
        .filter((s) =>
          [s.Resource]
            .flat()
            .map(resolveArn)
            .some((a) => dataResource(a) === 'table'),
        )
        .flatMap((s) => [s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []].flat());
      assert.ok(!patterns.some((p) => p.startsWith('OBJ#')), `${fn.source}: ${patterns}`);
    }
  });

  test("no function outside the gateway holds a grant on the token buckets (it asks the gateway's flow-lease)", () => {
    const writers: string[] = [];
    for (const fn of functions) {
      const statements = dynamoStatementsOf(roleOf(fn.logicalId));
      const patterns = (writes: boolean) =>
        statements
          .filter((s) => !writes || [s.Action ?? []].flat().some((a) => !READ_ACTIONS.has(a)))
          .flatMap((s) => [s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? []].flat());
      if (serviceOf(entryOf(fn.source)) === 'gateway') {
        if (patterns(true).includes('FLOW#*')) writers.push(fn.source);
        continue;
      }
      assert.ok(!patterns(false).some((p) => p.startsWith('FLOW#')), `${fn.source}: ${patterns(false)}`);
    }
    assert.ok(writers.includes('functions/internal/flow-lease.ts'), `${writers}`);
  });

  test('every declared exception is used by a function of each service it names', () => {
    for (const e of DATA_EXCEPTIONS) {
      for (const user of e.users) {
        assert.ok(
          e.patterns.some((p) => used.has(`${user} ${e.resource} ${p}`)),
          `${e.owner}'s ${e.patterns} for ${user}: not used, remove it from the map`,
        );
      }
    }
  });
});

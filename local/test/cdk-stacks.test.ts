/**
 * What CDK itself synthesizes for services split into stacks (fixtures/cdk-stacks/app.ts: SSM
 * parameters written and read, an imported HTTP API and bus, `live` aliases with CodeDeploy, a state
 * machine task, a log subscription), loaded and run. The assembly is synthesized in-process under the
 * fixture folder (its bundles resolve this project's node_modules) and removed afterwards.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { httpApiWiring } from '../src/api-routes.js';
import { EMPTY_CONFIG } from '../src/config.js';
import { sqsMappings } from '../src/event-wiring.js';
import { logSubscriptions } from '../src/log-subscriptions.js';
import { type ResolveContext, resolveValue } from '../src/resolve.js';
import { startLocalRuntime } from '../src/runtime.js';
import { stateMachineConfigs } from '../src/stepfunctions-machines.js';
import { streamMappings } from '../src/stream-mappings.js';
import { type LoadedTemplate, loadTemplate, resourcesOfType } from '../src/template.js';
import { buildApp } from './fixtures/cdk-stacks/app.js';

const parent = fileURLToPath(new URL('./fixtures/cdk-stacks/cdk.out/', import.meta.url));

describe('a CDK app split into stacks', () => {
  let dir = '';
  let loaded: LoadedTemplate;
  let ctx: ResolveContext;
  before(() => {
    mkdirSync(parent, { recursive: true });
    dir = mkdtempSync(join(parent, 'assembly-'));
    buildApp(dir).synth();
    loaded = loadTemplate(dir);
    ctx = {
      template: loaded.template,
      region: 'us-east-1',
      accountId: '000000000000',
      stackName: '',
      secrets: {},
    };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('wires every stack through the SSM parameters and aliases CDK synthesizes', () => {
    assert.deepEqual(loaded.stacks, ['Payments-Foundation', 'Payments-Core', 'Payments-Risk']);
    const core = 'Payments-Core-Handler886CB40B';
    const risk = 'Payments-Risk-Handler886CB40B';
    const [api, ...more] = httpApiWiring(loaded.template);
    assert.equal(more.length, 0);
    assert.deepEqual(
      api?.routes.map((r) => `${r.routeKey} → ${r.target.functionLogicalId}`),
      [`POST /v1/things → ${core}`, `GET /v1/things/{id} → ${core}`, `GET /v1/risk/{id} → ${risk}`],
    );
    const [table] = resourcesOfType(loaded.template, 'AWS::DynamoDB::Table');
    const streamCtx = { ...ctx, attributes: { [`${table?.[0]}.StreamArn`]: 'arn:stream' } };
    assert.deepEqual(
      streamMappings(loaded.template, streamCtx).map((m) => [m.tableLogicalId, m.functionLogicalId]),
      [[table?.[0], core]],
    );
    assert.deepEqual(
      sqsMappings(loaded.template).map((m) => m.functionLogicalId),
      [risk],
    );
    assert.deepEqual(
      logSubscriptions(loaded.template).map((s) => [s.sourceFunctionIds, s.destinationFunctionId]),
      [[[core], risk]],
    );
    assert.deepEqual(
      stateMachineConfigs(loaded.template, ctx).map((m) => m.functionLogicalIds),
      [[risk]],
    );
    const coreFn = loaded.template.Resources[core]?.Properties?.Environment as { Variables: object };
    assert.deepEqual(resolveValue(ctx, coreFn.Variables), {
      TABLE_NAME: table?.[0],
      BUS_NAME: 'payments-dev',
      STACK: 'Payments-Core-dev',
    });
  });

  it('runs it: a route on the foundation API, an event through the risk service to the table', async () => {
    // Prepare
    const runtime = await startLocalRuntime({
      assemblyDir: dir,
      synth: false,
      port: 0,
      quiet: true,
      config: { ...EMPTY_CONFIG, name: 'CDK stacks' },
      maxBatchingWindowSeconds: 0,
    });
    try {
      // Act
      const created = await fetch(`${runtime.url}/v1/things`, { method: 'POST', body: '{"id":"cdk-1"}' });
      // Assess
      assert.equal(created.status, 202);
      let assessed: unknown;
      for (let i = 0; i < 150 && assessed === undefined; i++) {
        const got = await fetch(`${runtime.url}/v1/things/cdk-1`);
        if (got.status === 200) assessed = await got.json();
        else await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(assessed, { by: 'Payments-Risk-dev' });
    } finally {
      await runtime.stop();
    }
  });
});

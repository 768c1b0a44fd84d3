/**
 * X-Ray sampling for the cost model comes from the synthesized template: which functions trace, and that
 * a centralized sampling rule leaves Lambda's own (fixed) decision as it is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PriceFile } from '../../bench/cost.js';
import type { CfnResource } from '../../bench/template-functions.js';
import { tracesPerLifecycle, xraySamplingOf } from '../../bench/xray-sampling.js';

const assumption = (value: number) => ({
  value,
  sources: ['https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html'],
  checked: '2026-12-07',
  verified: true,
});
const prices: PriceFile = {
  region: 'us-east-1',
  currency: 'USD',
  prices: {},
  assumptions: { xraySampledFraction: assumption(0.05), xrayReservoirPerSecond: assumption(1) },
};

const fn = (mode?: string): CfnResource => ({
  Type: 'AWS::Lambda::Function',
  Properties: mode ? { TracingConfig: { Mode: mode } } : {},
});
const template: Record<string, CfnResource> = {
  CreatePayment: fn('Active'),
  Publisher: fn('Active'),
  Quiet: fn('PassThrough'),
  Bare: fn(),
  Rule: {
    Type: 'AWS::XRay::SamplingRule',
    Properties: {
      SamplingRule: {
        RuleName: 'payments-prod',
        Priority: 100,
        FixedRate: 0.01,
        ReservoirSize: 1,
        ServiceName: '*',
      },
    },
  },
};

describe('X-Ray sampling of the template', () => {
  it('reads which functions trace actively from their TracingConfig', () => {
    const s = xraySamplingOf(template, prices);
    assert.deepEqual(s.activeFunctions, ['CreatePayment', 'Publisher']);
    assert.deepEqual(s.untracedFunctions, ['Bare', 'Quiet']);
  });

  it("keeps Lambda's fixed rate and reservoir when the template declares a sampling rule", () => {
    const s = xraySamplingOf(template, prices);
    assert.equal(s.fixedRate, 0.05);
    assert.equal(s.reservoirPerSecond, 1);
    assert.deepEqual(s.samplingRules, [
      {
        logicalId: 'Rule',
        ruleName: 'payments-prod',
        priority: 100,
        fixedRate: 0.01,
        reservoirSize: 1,
        serviceName: '*',
        appliesToLambdaDecisions: false,
      },
    ]);
  });

  it('counts traces per lifecycle from the invocations of actively traced functions only', () => {
    const s = xraySamplingOf(template, prices);
    // 200 creates and 40 publisher batches sampled at 5 %; the PassThrough function records none.
    const traces = tracesPerLifecycle(
      { CreatePayment: { invocations: 200 }, Publisher: { invocations: 40 }, Quiet: { invocations: 200 } },
      s,
      200,
    );
    assert.ok(Math.abs(traces - (240 * 0.05) / 200) < 1e-12);
  });

  it('counts no trace for an invocation that continued its caller’s trace', () => {
    const s = xraySamplingOf(template, prices);
    // 200 creates, each invoking the publisher's function with its trace header 150 times in all, 50 alone.
    const traces = tracesPerLifecycle(
      { CreatePayment: { invocations: 200 }, Publisher: { invocations: 200, continuedTraces: 150 } },
      s,
      200,
    );
    assert.ok(Math.abs(traces - (250 * 0.05) / 200) < 1e-12);
  });

  it('records no traces when no function traces actively', () => {
    const s = xraySamplingOf({ A: fn('PassThrough') }, prices);
    assert.equal(tracesPerLifecycle({ A: { invocations: 100 } }, s, 10), 0);
  });
});

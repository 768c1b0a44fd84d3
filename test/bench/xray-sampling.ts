/**
 * X-Ray sampling as the synthesized template configures it, for the cost model (cost.ts): which functions
 * record traces, at what rate and reservoir, read from `cdk.out` rather than assumed.
 *
 * Lambda makes its own sampling decision for a function with `TracingConfig.Mode: Active` when the
 * invocation carries no sampled trace header, and that decision is fixed: 1 request a second and 5 % of
 * the rest; "You can't configure the X-Ray sampling rate for your functions"
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html). Centralized sampling rules
 * (`AWS::XRay::SamplingRule`) govern API Gateway REST APIs, AppSync, Step Functions and code instrumented
 * with the X-Ray SDK or ADOT (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html),
 * none of which decides for a lifecycle here: the HTTP API does not trace, and no handler carries an
 * X-Ray SDK. So a rule in the template is shown but leaves the Lambda rate as it is, and a function in
 * `PassThrough` mode (or none) records no trace of its own: nothing upstream samples.
 */
import type { PriceFile } from './cost.js';
import type { CfnResource } from './template-functions.js';

export interface SamplingRuleOfTemplate {
  readonly logicalId: string;
  readonly ruleName: string;
  readonly priority: number;
  readonly fixedRate: number;
  readonly reservoirSize: number;
  readonly serviceName: string;
  /** Always false today: Lambda's own decision ignores centralized rules (see the file comment). */
  readonly appliesToLambdaDecisions: false;
}

export interface XraySampling {
  /** Share beyond the reservoir that Lambda records for an Active function. */
  readonly fixedRate: number;
  /** Traces a second recorded whatever the rate (a fixed cost, not per lifecycle). */
  readonly reservoirPerSecond: number;
  /** Logical ids of the functions with active tracing. */
  readonly activeFunctions: readonly string[];
  /** Functions without active tracing: no trace of their own. */
  readonly untracedFunctions: readonly string[];
  readonly samplingRules: readonly SamplingRuleOfTemplate[];
  readonly source: string;
}

const LAMBDA_SAMPLING_SOURCE = 'https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html';

/** The X-Ray sampling of the template's functions (`assemblyResources()`), with Lambda's fixed rule. */
export function xraySamplingOf(
  resources: Readonly<Record<string, CfnResource>>,
  prices: PriceFile,
): XraySampling {
  const active: string[] = [];
  const untraced: string[] = [];
  const rules: SamplingRuleOfTemplate[] = [];
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type === 'AWS::Lambda::Function') {
      const mode = (r.Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode;
      (mode === 'Active' ? active : untraced).push(id);
    } else if (r.Type === 'AWS::XRay::SamplingRule') {
      const rule = (r.Properties?.SamplingRule ?? {}) as Record<string, unknown>;
      rules.push({
        logicalId: id,
        ruleName: String(rule.RuleName ?? id),
        priority: Number(rule.Priority),
        fixedRate: Number(rule.FixedRate),
        reservoirSize: Number(rule.ReservoirSize),
        serviceName: String(rule.ServiceName ?? '*'),
        appliesToLambdaDecisions: false,
      });
    }
  }
  return {
    fixedRate: prices.assumptions.xraySampledFraction?.value ?? 0.05,
    reservoirPerSecond: prices.assumptions.xrayReservoirPerSecond?.value ?? 1,
    activeFunctions: active.sort(),
    untracedFunctions: untraced.sort(),
    samplingRules: rules,
    source: LAMBDA_SAMPLING_SOURCE,
  };
}

/**
 * Traces recorded per lifecycle beyond the reservoir: each invocation of an Active function that starts a
 * trace is its own decision (an API request, a queue or stream batch); one invoked by another function
 * with its trace header (`continuedTraces`) follows that caller's decision and records into the caller's
 * trace, a trace already counted; functions that are not Active record none.
 */
export function tracesPerLifecycle(
  invocationsByFunction: Readonly<Record<string, { invocations: number; continuedTraces?: number }>>,
  sampling: XraySampling,
  lifecycles: number,
): number {
  const active = new Set(sampling.activeFunctions);
  let sampled = 0;
  for (const [id, t] of Object.entries(invocationsByFunction))
    if (active.has(id)) sampled += (t.invocations - (t.continuedTraces ?? 0)) * sampling.fixedRate;
  return sampled / lifecycles;
}

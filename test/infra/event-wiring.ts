/**
 * The bus wiring of a synthesized template, as the event contracts need it: each rule on our events with
 * the detail-types it filters on and the handlers it feeds (rule → SQS queue → event source mapping →
 * function, through an alias or a version when there is one), and the detail-types the state machines
 * put on the bus themselves. Read from the merged resources of the assembly, so it does not care which
 * stack holds what.
 */
import type { Resource, SynthesizedFunction } from './synthesized.js';
import { referencedId } from './synthesized.js';

export interface BusRule {
  readonly logicalId: string;
  readonly detailTypes: readonly string[];
  /** `functions/...` sources of the functions the rule's targets invoke (through their queue). */
  readonly handlers: readonly string[];
}

type Pattern = { source?: string[]; 'detail-type'?: string[] };

/** The function behind a function, alias or version logical id. */
function functionOf(resources: Record<string, Resource>, id: string | undefined): string | undefined {
  const resource = id === undefined ? undefined : resources[id];
  if (!resource) return undefined;
  if (resource.Type === 'AWS::Lambda::Function') return id;
  if (resource.Type === 'AWS::Lambda::Alias' || resource.Type === 'AWS::Lambda::Version') {
    return functionOf(resources, referencedId(resource.Properties.FunctionName));
  }
  return undefined;
}

/** The function logical ids a rule target invokes: itself, or the consumers of its queue. */
function invokedBy(resources: Record<string, Resource>, targetId: string | undefined): string[] {
  const target = targetId === undefined ? undefined : resources[targetId];
  if (target?.Type !== 'AWS::SQS::Queue')
    return [functionOf(resources, targetId)].filter((f) => f !== undefined);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
    .filter((m) => referencedId(m.Properties.EventSourceArn) === targetId)
    .map((m) => functionOf(resources, referencedId(m.Properties.FunctionName)))
    .filter((f) => f !== undefined);
}

/** Every rule whose pattern matches events of `source`, with its detail-types and the handlers it feeds. */
export function busRules(
  resources: Record<string, Resource>,
  functions: readonly SynthesizedFunction[],
  source: string,
): BusRule[] {
  const sourceOf = new Map(functions.map((f) => [f.logicalId, f.source]));
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties.EventPattern !== undefined)
    .filter(([, r]) => (r.Properties.EventPattern as Pattern).source?.includes(source))
    .map(([logicalId, r]) => ({
      logicalId,
      detailTypes: (r.Properties.EventPattern as Pattern)['detail-type'] ?? [],
      handlers: ((r.Properties.Targets ?? []) as { Arn: unknown }[])
        .flatMap((t) => invokedBy(resources, referencedId(t.Arn)))
        .map((id) => sourceOf.get(id) ?? id),
    }));
}

/** The detail-types each state machine's PutEvents states put on the bus, by state machine logical id. */
export function stateMachineDetailTypes(resources: Record<string, Resource>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const definition = r.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
    const text =
      typeof definition === 'string'
        ? definition
        : definition['Fn::Join'][1].filter((part) => typeof part === 'string').join('');
    found.set(
      id,
      [...text.matchAll(/"DetailType":"([^"]+)"/g)].map((m) => m[1] as string),
    );
  }
  return found;
}

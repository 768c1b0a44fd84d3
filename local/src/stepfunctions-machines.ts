import { createRequire } from 'node:module';
import { physicalName, type ResolveContext, resolveValue } from './resolve.js';
import { functionNameOf } from './stepfunctions-tasks.js';
import { type CfnTemplate, resourcesOfType } from './template.js';

/** An Amazon States Language document (or a Map's ItemProcessor, a Parallel's branch). */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly TimeoutSeconds?: number;
  readonly QueryLanguage?: string;
  readonly [field: string]: unknown;
}
export type AslState = Record<string, unknown> & { readonly Type: string };

export interface StateMachineConfig {
  readonly logicalId: string;
  readonly name: string;
  /** `arn:aws:states:<region>:<account>:stateMachine:<name>` */
  readonly arn: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly definition: AslDefinition;
  readonly roleArn: string;
  /** The template's functions the definition names statically (the runtime must run them). */
  readonly functionLogicalIds: readonly string[];
}

type AslValidator = (
  definition: unknown,
  options: { checkArn: boolean; checkPaths: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

/** asl-validator's verdict on a definition (ARNs and paths checked): the errors, none when valid. */
export function validateAsl(definition: unknown): string[] {
  const result = aslValidator(definition, { checkArn: true, checkPaths: true });
  return result.isValid ? [] : result.errorsText('\n').split('\n');
}

/** The sub-machines of a state: a Map's ItemProcessor (or Iterator), a Parallel's branches. */
export function nestedMachines(state: AslState): AslDefinition[] {
  const nested = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
  return [...(nested ? [nested] : []), ...((state.Branches as AslDefinition[] | undefined) ?? [])];
}

/** Every state of a definition, nested ones included (names are unique across the whole machine). */
export function allStates(definition: AslDefinition): Array<[string, AslState]> {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...nestedMachines(state).flatMap(allStates),
  ]);
}

function definitionOf(ctx: ResolveContext, logicalId: string, props: Record<string, unknown>): AslDefinition {
  if (props.DefinitionS3Location !== undefined) {
    throw new Error(`state machine ${logicalId}: DefinitionS3Location is not supported locally`);
  }
  const raw = props.DefinitionString ?? props.Definition;
  if (raw === undefined) throw new Error(`state machine ${logicalId} has no definition`);
  const resolved = resolveValue(ctx, raw);
  let text = typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
  const substitutions = (resolveValue(ctx, props.DefinitionSubstitutions ?? {}) ?? {}) as Record<
    string,
    unknown
  >;
  for (const [key, value] of Object.entries(substitutions))
    text = text.replaceAll(`\${${key}}`, String(value));
  try {
    return JSON.parse(text) as AslDefinition;
  } catch (error) {
    throw new Error(`state machine ${logicalId}: definition is not JSON: ${(error as Error).message}`);
  }
}

/**
 * The template's state machines with their local names and ARNs and their definitions resolved
 * (`Fn::Join`/`GetAtt` of function ARNs, bus and table names, `DefinitionSubstitutions`) and validated.
 * Resolve with the runtime's `ResolveContext` (queue URLs and bucket names known).
 */
export function stateMachineConfigs(template: CfnTemplate, ctx: ResolveContext): StateMachineConfig[] {
  const functions = new Map(
    resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => [physicalName(template, id), id]),
  );
  return resourcesOfType(template, 'AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const name = physicalName(template, logicalId);
    const definition = definitionOf(ctx, logicalId, props);
    const errors = validateAsl(definition);
    if (errors.length > 0) {
      throw new Error(`state machine ${logicalId}: invalid definition:\n  ${errors.join('\n  ')}`);
    }
    const referenced = new Set<string>();
    for (const [, state] of allStates(definition)) {
      if (state.Type !== 'Task') continue;
      const resourceArn = String(state.Resource);
      const fn = resourceArn.includes(':lambda:invoke')
        ? (state.Parameters as Record<string, unknown> | undefined)?.FunctionName
        : resourceArn.startsWith('arn:') && resourceArn.split(':')[2] === 'lambda'
          ? resourceArn
          : undefined;
      const id = typeof fn === 'string' ? functions.get(functionNameOf(fn)) : undefined;
      if (id) referenced.add(id);
    }
    const role = props.RoleArn as { 'Fn::GetAtt'?: unknown[] } | string | undefined;
    const roleId = typeof role === 'object' ? role['Fn::GetAtt']?.[0] : undefined;
    return {
      logicalId,
      name,
      arn: `arn:aws:states:${ctx.region}:${ctx.accountId}:stateMachine:${name}`,
      type: props.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      definition,
      roleArn:
        typeof role === 'string'
          ? role
          : `arn:aws:iam::${ctx.accountId}:role/${typeof roleId === 'string' ? roleId : `${name}-role`}`,
      functionLogicalIds: [...referenced],
    };
  });
}

/**
 * What the resolver needs for state machines (`Ref` is the ARN; `Arn` and `Name` attributes), to merge
 * into `ResolveContext.refs` and `.attributes` before function environments are built.
 */
export function stateMachineResolution(machines: readonly StateMachineConfig[]): {
  refs: Record<string, string>;
  attributes: Record<string, string>;
} {
  const refs: Record<string, string> = {};
  const attributes: Record<string, string> = {};
  for (const m of machines) {
    refs[m.logicalId] = m.arn;
    attributes[`${m.logicalId}.Arn`] = m.arn;
    attributes[`${m.logicalId}.Name`] = m.name;
  }
  return { refs, attributes };
}

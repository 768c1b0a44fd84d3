/**
 * The synthesized CloudFormation template as the local runtime sees it: loading it from `cdk.out`
 * (through the cloud assembly manifest, so a renamed stack or template file still loads) and small
 * typed views over the resources the runtime emulates.
 */
import { mergeStacks, readStacks, type StackArtifact } from './assembly.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './runtime-options.js';

/** Any CloudFormation value: a literal or an intrinsic function object. */
export type CfnValue = unknown;

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, CfnValue>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { Type?: string; Default?: unknown }>;
}

/** A template together with the cloud assembly directory its asset paths are relative to. */
export interface LoadedTemplate {
  readonly template: CfnTemplate;
  readonly assemblyDir: string;
  /** The stack's CloudFormation name; with several stacks, their artifact ids joined by `+`. */
  readonly stackName: string;
  /** The artifact ids of the stacks loaded, in dependency order. */
  readonly stacks: readonly string[];
  /** The artifact id of the stack each (merged) logical id comes from. */
  readonly stackOf: Readonly<Record<string, string>>;
  /** The CloudFormation stack name of each artifact id. */
  readonly stackNames: Readonly<Record<string, string>>;
}

/**
 * Reads the stacks of a cloud assembly: all of them, merged (assembly.ts), or only `stackName` (an
 * artifact id) when given.
 */
export function loadTemplate(assemblyDir: string, stackName?: string): LoadedTemplate {
  const all = readStacks(assemblyDir);
  const stacks = stackName ? all.filter((s) => s.id === stackName) : all;
  if (stacks.length === 0) {
    const ids = all.map((s) => s.id).join(', ') || 'none';
    throw new Error(
      stackName
        ? `stack ${stackName} not found in ${assemblyDir} (stacks: ${ids})`
        : `no stack in ${assemblyDir}`,
    );
  }
  const merged = mergeStacks(stacks, { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT });
  return {
    template: merged.template,
    assemblyDir,
    stackName:
      stacks.length === 1 ? (stacks[0] as StackArtifact).stackName : stacks.map((s) => s.id).join('+'),
    stacks: stacks.map((s) => s.id),
    stackOf: merged.stackOf,
    stackNames: merged.stackNames,
  };
}

/** The resources of one type, as `[logicalId, resource]` pairs in template order. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** A resource that must exist, or a clear error naming who needed it. */
export function requireResource(template: CfnTemplate, logicalId: string, neededBy: string): CfnResource {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`${neededBy} refers to ${logicalId}, which is not in the template`);
  return resource;
}

const QUALIFIERS = new Set(['AWS::Lambda::Alias', 'AWS::Lambda::Version']);

/**
 * The logical id of the resource an expression points at through `Ref` or `Fn::GetAtt`, searched
 * depth-first (an integration URI wraps the function ARN in `Fn::Join`, for instance). Only resources
 * of `type` count; a Lambda alias or version counts as its function.
 */
export function referencedResource(template: CfnTemplate, value: CfnValue, type: string): string | undefined {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = referencedResource(template, v, type);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const obj = value as Record<string, unknown>;
  const getAtt = obj['Fn::GetAtt'];
  const id =
    typeof obj.Ref === 'string'
      ? obj.Ref
      : Array.isArray(getAtt) && typeof getAtt[0] === 'string'
        ? getAtt[0]
        : undefined;
  if (id !== undefined) {
    const referenced = template.Resources[id];
    if (referenced?.Type === type) return id;
    // A function invoked through an alias or a version is that function.
    if (type === 'AWS::Lambda::Function' && referenced && QUALIFIERS.has(referenced.Type)) {
      const props = referenced.Properties ?? {};
      return referencedResource(template, props.FunctionVersion ?? props.FunctionName, type);
    }
  }
  for (const v of Object.values(obj)) {
    const found = referencedResource(template, v, type);
    if (found) return found;
  }
  return undefined;
}

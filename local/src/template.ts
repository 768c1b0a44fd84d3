/**
 * The synthesized CloudFormation template as the local runtime sees it: loading it from `cdk.out`
 * (through the cloud assembly manifest, so a renamed stack or template file still loads) and small
 * typed views over the resources the runtime emulates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
  readonly stackName: string;
}

interface AssemblyManifest {
  artifacts?: Record<string, { type?: string; properties?: { templateFile?: string }; displayName?: string }>;
}

/**
 * Reads the stack template from a cloud assembly. `stackName` picks one when the assembly holds
 * several stacks; with one stack it may be omitted.
 */
export function loadTemplate(assemblyDir: string, stackName?: string): LoadedTemplate {
  const manifest = JSON.parse(readFileSync(join(assemblyDir, 'manifest.json'), 'utf8')) as AssemblyManifest;
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(
    ([, a]) => a.type === 'aws:cloudformation:stack' && a.properties?.templateFile,
  );
  const chosen = stackName
    ? stacks.find(([id]) => id === stackName)
    : stacks.length === 1
      ? stacks[0]
      : undefined;
  if (!chosen) {
    const ids = stacks.map(([id]) => id).join(', ') || 'none';
    throw new Error(
      stackName
        ? `stack ${stackName} not found in ${assemblyDir} (stacks: ${ids})`
        : `expected one stack in ${assemblyDir}, found: ${ids}; name one`,
    );
  }
  const [id, artifact] = chosen;
  const file = join(assemblyDir, artifact.properties?.templateFile as string);
  const template = JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
  return { template, assemblyDir, stackName: id };
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

/**
 * The logical id of the resource an expression points at through `Ref` or `Fn::GetAtt`, searched
 * depth-first (an integration URI wraps the function ARN in `Fn::Join`, for instance). Only resources
 * of `type` count.
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
  const ref = obj.Ref;
  if (typeof ref === 'string' && template.Resources[ref]?.Type === type) return ref;
  const getAtt = obj['Fn::GetAtt'];
  if (
    Array.isArray(getAtt) &&
    typeof getAtt[0] === 'string' &&
    template.Resources[getAtt[0]]?.Type === type
  ) {
    return getAtt[0];
  }
  for (const v of Object.values(obj)) {
    const found = referencedResource(template, v, type);
    if (found) return found;
  }
  return undefined;
}

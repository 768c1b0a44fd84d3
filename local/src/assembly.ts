/**
 * A cloud assembly of several stacks, run as one: every `aws:cloudformation:stack` artifact of the
 * manifest, in dependency order, merged into one template the rest of the runtime reads.
 *
 * Each stack's intrinsics are rewritten so that they still mean what they meant in their own stack:
 * a logical id that two stacks both use is renamed `<stack>-<id>` in each (a resource's references
 * follow it), `AWS::StackName`/`AWS::StackId` become the stack's own, and a CloudFormation parameter
 * of type `AWS::SSM::Parameter::Value<…>` becomes the value (an intrinsic of the writing stack) of the
 * `AWS::SSM::Parameter` resource whose `Name` is the parameter's default, in whichever stack writes it.
 * So a route of one stack on the HTTP API of another is an ordinary `Ref` once merged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveValue } from './resolve.js';
import type { CfnResource, CfnTemplate, CfnValue } from './template.js';

/** One stack artifact of the manifest. */
export interface StackArtifact {
  /** The artifact id (`npx cdk deploy <id>`), e.g. `Payments-Core`. */
  readonly id: string;
  /** The CloudFormation stack name (`stackName`, e.g. `Payments-Core-dev`), else the id. */
  readonly stackName: string;
  readonly template: CfnTemplate;
}

interface ManifestArtifact {
  type?: string;
  properties?: { templateFile?: string; stackName?: string };
  dependencies?: string[];
}

/** The manifest's stacks, each after the stacks it depends on (manifest order otherwise). */
export function readStacks(assemblyDir: string): StackArtifact[] {
  const manifest = JSON.parse(readFileSync(join(assemblyDir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const artifacts = manifest.artifacts ?? {};
  const isStack = (id: string) =>
    artifacts[id]?.type === 'aws:cloudformation:stack' && !!artifacts[id]?.properties?.templateFile;
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (id: string) => {
    if (ordered.includes(id) || visiting.has(id)) return;
    visiting.add(id);
    for (const dep of artifacts[id]?.dependencies ?? []) if (isStack(dep)) visit(dep);
    ordered.push(id);
  };
  for (const id of Object.keys(artifacts)) if (isStack(id)) visit(id);
  return ordered.map((id) => {
    const props = artifacts[id]?.properties ?? {};
    const file = join(assemblyDir, props.templateFile as string);
    return {
      id,
      stackName: props.stackName ?? id,
      template: JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate,
    };
  });
}

export interface MergedStacks {
  readonly template: CfnTemplate;
  /** The artifact id of the stack each merged logical id comes from. */
  readonly stackOf: Readonly<Record<string, string>>;
  /** The CloudFormation stack name of each artifact id. */
  readonly stackNames: Readonly<Record<string, string>>;
}

const isSsmParameter = (type: unknown) =>
  typeof type === 'string' && type.startsWith('AWS::SSM::Parameter::Value<');

interface Producer {
  readonly stack: StackArtifact;
  readonly logicalId: string;
  readonly value: CfnValue;
}

/** Merges the stacks (see the file comment). Throws, naming stack and parameter, on what cannot work. */
export function mergeStacks(
  stacks: readonly StackArtifact[],
  env: { region: string; accountId: string },
): MergedStacks {
  const uses = new Map<string, number>();
  for (const s of stacks) {
    const ids = [
      ...Object.keys(s.template.Resources ?? {}),
      ...Object.entries(s.template.Parameters ?? {})
        .filter(([, p]) => !isSsmParameter(p.Type))
        .map(([id]) => id),
    ];
    for (const id of ids) uses.set(id, (uses.get(id) ?? 0) + 1);
  }
  const merged = (s: StackArtifact, id: string) =>
    (uses.get(id) ?? 0) > 1 ? `${s.id.replace(/[^A-Za-z0-9-]/g, '-')}-${id}` : id;
  const producers = ssmProducers(stacks, env);
  const stackArn = (s: StackArtifact) =>
    `arn:aws:cloudformation:${env.region}:${env.accountId}:stack/${s.stackName}/local`;

  const inProgress = new Set<string>();
  const parameterValue = (s: StackArtifact, parameterId: string): CfnValue => {
    const parameter = s.template.Parameters?.[parameterId];
    const name = String(parameter?.Default ?? '');
    const producer = producers.get(name);
    if (!producer) {
      throw new Error(
        `stack ${s.id}: parameter ${parameterId} reads SSM parameter ${name || '(no default)'}, which no stack of the assembly writes (an AWS::SSM::Parameter with that Name)`,
      );
    }
    if (inProgress.has(name)) throw new Error(`SSM parameter ${name} is defined through itself`);
    inProgress.add(name);
    try {
      const value = rewrite(producer.stack, producer.value);
      return parameter?.Type?.includes('List<') ? { 'Fn::Split': [',', value] } : value;
    } finally {
      inProgress.delete(name);
    }
  };

  const rewrite = (s: StackArtifact, value: CfnValue): CfnValue => {
    if (Array.isArray(value)) return value.map((v) => rewrite(s, v));
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const key = keys[0] as string;
      const arg = obj[key];
      if (key === 'Ref' && typeof arg === 'string') {
        if (arg === 'AWS::StackName') return s.stackName;
        if (arg === 'AWS::StackId') return stackArn(s);
        if (isSsmParameter(s.template.Parameters?.[arg]?.Type)) return parameterValue(s, arg);
        return { Ref: known(s, arg) ? merged(s, arg) : arg };
      }
      if (key === 'Fn::GetAtt') {
        const [id, attribute] = typeof arg === 'string' ? arg.split('.') : (arg as unknown[]);
        const target = typeof id === 'string' && known(s, id) ? merged(s, id) : id;
        return { 'Fn::GetAtt': [target, rewrite(s, attribute)] };
      }
      if (key === 'Fn::Sub') return { 'Fn::Sub': rewriteSub(s, arg) };
      if (key === 'Fn::ImportValue') {
        throw new Error(
          `stack ${s.id}: Fn::ImportValue ${JSON.stringify(arg)} is not supported locally (nor used by the app: stacks share values through SSM parameters)`,
        );
      }
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, rewrite(s, v)]));
  };

  const known = (s: StackArtifact, id: string) =>
    s.template.Resources?.[id] !== undefined || s.template.Parameters?.[id] !== undefined;

  const rewriteSub = (s: StackArtifact, arg: unknown): unknown => {
    const [text, variables] = typeof arg === 'string' ? [arg, {}] : (arg as [unknown, unknown]);
    if (typeof text !== 'string') return rewrite(s, arg);
    const vars = { ...((rewrite(s, variables ?? {}) ?? {}) as Record<string, unknown>) };
    const body = text.replace(/\$\{([^!}][^}]*)\}/g, (all, name: string) => {
      if (name in vars) return all;
      if (name === 'AWS::StackName' || name === 'AWS::StackId') {
        vars[name] = name === 'AWS::StackName' ? s.stackName : stackArn(s);
        return all;
      }
      const dot = name.indexOf('.');
      const id = dot > 0 ? name.slice(0, dot) : name;
      if (dot < 0 && isSsmParameter(s.template.Parameters?.[id]?.Type)) {
        vars[name] = parameterValue(s, id);
        return all;
      }
      return known(s, id) ? `\${${merged(s, id)}${dot > 0 ? name.slice(dot) : ''}}` : all;
    });
    return Object.keys(vars).length > 0 ? [body, vars] : body;
  };

  const resources: Record<string, CfnResource> = {};
  const parameters: NonNullable<CfnTemplate['Parameters']> = {};
  const stackOf: Record<string, string> = {};
  for (const s of stacks) {
    for (const [id, parameter] of Object.entries(s.template.Parameters ?? {})) {
      if (!isSsmParameter(parameter.Type)) parameters[merged(s, id)] = parameter;
    }
    for (const [id, resource] of Object.entries(s.template.Resources ?? {})) {
      const newId = merged(s, id);
      stackOf[newId] = s.id;
      resources[newId] =
        resource.Properties === undefined
          ? resource
          : { ...resource, Properties: rewrite(s, resource.Properties) as Record<string, CfnValue> };
    }
  }
  return {
    template: { Resources: resources, Parameters: parameters },
    stackOf,
    stackNames: Object.fromEntries(stacks.map((s) => [s.id, s.stackName])),
  };
}

/** The `AWS::SSM::Parameter` resources of every stack by their Name, resolved in their own stack. */
function ssmProducers(
  stacks: readonly StackArtifact[],
  env: { region: string; accountId: string },
): Map<string, Producer> {
  const producers = new Map<string, Producer>();
  for (const stack of stacks) {
    const ctx = { template: stack.template, ...env, stackName: stack.stackName, secrets: {} };
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource.Type !== 'AWS::SSM::Parameter' || resource.Properties?.Name === undefined) continue;
      const name = String(resolveValue(ctx, resource.Properties.Name));
      const other = producers.get(name);
      if (other) {
        throw new Error(
          `SSM parameter ${name} is written by both ${other.stack.id} (${other.logicalId}) and ${stack.id} (${logicalId})`,
        );
      }
      producers.set(name, { stack, logicalId, value: resource.Properties.Value });
    }
  }
  return producers;
}

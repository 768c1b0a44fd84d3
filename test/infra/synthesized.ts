import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addPaymentsStacks } from '../../infra/stacks/payments-app.js';

/** A CloudFormation resource as found in the synthesized template. */
export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  [key: string]: unknown;
}

/** A Lambda function of the template, identified by the handler file its bundle was built from. */
export interface SynthesizedFunction {
  logicalId: string;
  resource: Resource;
  /** `functions/...` path of the handler, read from the bundle's source map. */
  source: string;
  /** The bundle directory (`asset.<hash>`) in the cloud assembly. */
  assetDir: string;
}

/** One stack's synthesized template. */
export interface StackTemplate {
  /** Construct id, `Payments-<Service>`. */
  readonly id: string;
  /** CloudFormation stack name, `Payments-<Service>-<stage>`. */
  readonly stackName: string;
  readonly template: Record<string, any>;
}

export type Synthesized = ReturnType<typeof synthesizeNew>;

const synthesized = new Map<string, Synthesized>();

/**
 * Synthesizes every stack of the app, bundles included, into a temporary cloud assembly (so as not to
 * race `npm start`, which reads `cdk.out`), removed when the process exits. The infra suite runs its
 * files in one process (`--experimental-test-isolation=none`, package.json): each context is synthesized
 * once and every file reads the same assembly, which must therefore be read, never changed. 23 files
 * synthesizing for themselves took 240-400 s, most of it loading aws-cdk-lib, building the same 86
 * bundles and hashing them again.
 *
 * `templates` are the stacks' own; `resources` (and `template`) are the merged view: every stack's
 * resources in one map, where a reference to an SSM parameter another stack writes is followed to the
 * value written (the writer's `Ref`/`GetAtt`), so assertions read as they did on one stack. A logical id
 * two stacks share (each stack's API log group) is prefixed with the later stack's service.
 */
export function synthesize(context: Record<string, unknown> = {}): Synthesized {
  const key = JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b)));
  let done = synthesized.get(key);
  if (!done) {
    done = synthesizeNew(context);
    synthesized.set(key, done);
  }
  return done;
}

function synthesizeNew(context: Record<string, unknown>) {
  const outdir = mkdtempSync(join(tmpdir(), 'payments-infra-test-'));
  process.once('exit', () => rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir, context });
  const stacks = addPaymentsStacks(app);
  const assembly = app.synth();
  const templates: StackTemplate[] = Object.values(stacks).map((stack) => ({
    id: stack.node.id,
    stackName: stack.stackName,
    template: assembly.getStackArtifact(stack.artifactId).template,
  }));
  const merged = mergedTemplate(templates);
  const resources = merged.Resources as Record<string, Resource>;
  const template = Template.fromJSON(merged);
  return { app, stacks, templates, template, resources, functions: functionsOf(app.outdir, resources) };
}

/** The SSM parameters written by the app's stacks: name → the written value (a token of its stack). */
export function writtenParameters(templates: readonly StackTemplate[]): Map<string, unknown> {
  const written = new Map<string, unknown>();
  for (const { template } of templates)
    for (const r of Object.values(template.Resources ?? {}) as Resource[])
      if (r.Type === 'AWS::SSM::Parameter') written.set(r.Properties.Name as string, r.Properties.Value);
  return written;
}

/** A stack's template parameters that read an SSM parameter: logical id → the parameter's name. */
export function readParameters(template: Record<string, any>): Map<string, string> {
  const read = new Map<string, string>();
  for (const [id, p] of Object.entries(template.Parameters ?? {}) as [string, any][])
    if (p.Type === 'AWS::SSM::Parameter::Value<String>') read.set(id, p.Default);
  return read;
}

function mergedTemplate(templates: readonly StackTemplate[]): Record<string, any> {
  const written = writtenParameters(templates);
  const resources: Record<string, Resource> = {};
  for (const { id: stackId, template } of templates) {
    const read = readParameters(template);
    const renamed = new Map<string, string>();
    for (const logicalId of Object.keys(template.Resources ?? {}))
      if (logicalId in resources) renamed.set(logicalId, `${stackId.replace(/^Payments-/, '')}${logicalId}`);
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value === null || typeof value !== 'object') return value;
      const v = value as Record<string, unknown>;
      if (typeof v.Ref === 'string' && Object.keys(v).length === 1) {
        const name = read.get(v.Ref);
        if (name !== undefined) return written.has(name) ? written.get(name) : v;
        return { Ref: renamed.get(v.Ref) ?? v.Ref };
      }
      const getAtt = v['Fn::GetAtt'] as [string, string] | undefined;
      if (Array.isArray(getAtt) && Object.keys(v).length === 1)
        return { 'Fn::GetAtt': [renamed.get(getAtt[0]) ?? getAtt[0], getAtt[1]] };
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
    };
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {}) as [string, Resource][]) {
      const r = rewrite(resource) as Resource;
      if (Array.isArray(r.DependsOn)) r.DependsOn = r.DependsOn.map((d: string) => renamed.get(d) ?? d);
      resources[renamed.get(logicalId) ?? logicalId] = r;
    }
  }
  return {
    Resources: resources,
    Outputs: Object.assign({}, ...templates.map((t) => t.template.Outputs ?? {})),
  };
}

function functionsOf(outdir: string, resources: Record<string, Resource>): SynthesizedFunction[] {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => {
      const code = resource.Properties.Code as { S3Key: string };
      const assetDir = join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      const mapFile = join(assetDir, 'index.mjs.map');
      const sources: string[] = existsSync(mapFile) ? JSON.parse(readFileSync(mapFile, 'utf8')).sources : [];
      const entry = sources
        .map((s) => s.replace(/^.*?(functions\/)/, '$1'))
        .find((s) => s.startsWith('functions/'));
      return { logicalId, resource, assetDir, source: entry ?? '<no source map>' };
    });
}

/** Follows a `{ Ref }` or `{ Fn::GetAtt: [id, attr] }` to the logical id it names. */
export function referencedId(value: unknown): string | undefined {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return v?.Ref ?? v?.['Fn::GetAtt']?.[0];
}

/** Every `Ref`/`Fn::GetAtt` in a property value, as the logical ids they name. */
export function references(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(references);
  if (!value || typeof value !== 'object') return [];
  const id = referencedId(value);
  if (id) return [id];
  return Object.values(value).flatMap(references);
}

/**
 * The function an invoker runs through its `live` alias (infra/constructs/canary.ts): `value` names the alias
 * (its ARN, or in an event source mapping the function's name read from that ARN, with `:live`). Undefined
 * when it names anything else, the bare function included.
 */
export function invokedFunctionId(resources: Record<string, Resource>, value: unknown): string | undefined {
  const [aliasId, ...others] = references(value);
  const alias = resources[aliasId ?? ''];
  if (others.length > 0 || alias?.Type !== 'AWS::Lambda::Alias') return undefined;
  return referencedId(alias.Properties.FunctionName);
}

/** The `dynamodb:*` actions a role is allowed, as `action on resource` strings, sorted. */
export function dynamoGrants(resources: Record<string, Resource>, roleLogicalId: string): string[] {
  const grants: string[] = [];
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = (resource.Properties.Roles as unknown[]).map(referencedId);
    if (!roles.includes(roleLogicalId)) continue;
    const document = resource.Properties.PolicyDocument as { Statement: Record<string, unknown>[] };
    for (const statement of document.Statement) {
      const actions = ([] as string[]).concat(statement.Action as string | string[]);
      const targets = ([] as unknown[]).concat(statement.Resource).map(describeResource);
      for (const action of actions.filter((a) => a.startsWith('dynamodb:'))) {
        for (const target of targets) grants.push(`${action} on ${target}`);
      }
    }
  }
  return grants.sort();
}

/**
 * A function's DynamoDB statements as `actions [leading keys]`, sorted: what the per-service infra tests pin
 * (which actions, on which key prefixes).
 */
export function dynamoStatements(resources: Record<string, Resource>, fn: Resource): string[] {
  const roleId = referencedId(fn.Properties.Role);
  return Object.values(resources)
    .filter((p) => p.Type === 'AWS::IAM::Policy')
    .filter((p) => (p.Properties.Roles as unknown[]).map(referencedId).includes(roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, any>[] }).Statement)
    .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')))
    .map((s) => {
      const keys = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
      return `${[s.Action].flat().sort().join(',')}${keys ? ` [${[keys].flat().join(',')}]` : ''}`;
    })
    .sort();
}

/** `table`, `table/index/GSI1`, `table stream`, `*`, ... : enough to tell grants apart. */
function describeResource(resource: unknown): string {
  if (resource === '*') return '*';
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : describeResource(part))).join('');
  const getAtt = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt?.[0].startsWith('Table')) return getAtt[1] === 'Arn' ? 'table' : `table ${getAtt[1]}`;
  return JSON.stringify(resource);
}

/**
 * The ARN of the `live` alias of a function another service exposes (ServiceStack.useFunction), as a
 * caller's template holds it: built from the fixed name `payments-<stage>-<service>-<name>`, never a
 * reference to the owner's stack.
 */
export function exposedAliasArn(service: string, name: string, stage = 'dev') {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':lambda:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:function:payments-${stage}-${service}-${name}:live`,
      ],
    ],
  };
}

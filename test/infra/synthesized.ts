import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PaymentsStack } from '../../infra/payments-stack.js';

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

/**
 * Synthesizes the Payments stack, bundles included, into a temporary cloud assembly (so as not to
 * race `npm start`, which reads `cdk.out`). Call once per test file: every function is bundled.
 */
export function synthesize(context: Record<string, unknown> = {}) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'payments-infra-test-')), context });
  const stack = new PaymentsStack(app, 'Payments');
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  return { app, stack, template, resources, functions: functionsOf(app.outdir, resources) };
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

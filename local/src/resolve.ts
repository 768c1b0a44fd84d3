/**
 * Resolves CloudFormation intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`,
 * `Fn::Split`, pseudo parameters) and `{{resolve:secretsmanager:…}}` dynamic references to local values.
 *
 * What cannot be resolved throws `UnresolvableError` rather than passing the raw intrinsic through: a
 * function that silently receives `{"Ref":"X"}` as an environment variable fails far from the cause.
 */
import type { CfnTemplate, CfnValue } from './template.js';

export class UnresolvableError extends Error {
  override readonly name = 'UnresolvableError';
}

export interface ResolveContext {
  readonly template: CfnTemplate;
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  /** Secret values by secret name, for dynamic references and nothing else. */
  readonly secrets: Readonly<Record<string, string>>;
  /**
   * Attributes known only at run time, keyed `<logicalId>.<attribute>` (a table's `StreamArn` is the
   * one DynamoDB Local made up). They win over the computed defaults.
   */
  readonly attributes?: Readonly<Record<string, string>>;
  /** `Ref` values known only at run time, by logical id (a queue's URL on the local SQS endpoint). */
  readonly refs?: Readonly<Record<string, string>>;
}

/** The deterministic local physical name of a resource: its explicit name property, else its logical id. */
export function physicalName(template: CfnTemplate, logicalId: string): string {
  const resource = template.Resources[logicalId];
  const props = resource?.Properties ?? {};
  const explicit = NAME_PROPERTY[resource?.Type ?? ''];
  const value = explicit ? props[explicit] : undefined;
  return typeof value === 'string' ? value : logicalId;
}

const NAME_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::Events::EventBus': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::Events::Archive': 'ArchiveName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::SSM::Parameter': 'Name',
};

function arn(ctx: ResolveContext, service: string, resource: string): string {
  return `arn:aws:${service}:${ctx.region}:${ctx.accountId}:${resource}`;
}

function ref(ctx: ResolveContext, name: string): unknown {
  switch (name) {
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::StackName':
      return ctx.stackName;
    case 'AWS::StackId':
      return arn(ctx, 'cloudformation', `stack/${ctx.stackName}/local`);
    case 'AWS::NoValue':
      return NO_VALUE;
  }
  const parameter = ctx.template.Parameters?.[name];
  if (parameter) {
    if (parameter.Default === undefined) throw new UnresolvableError(`parameter ${name} has no default`);
    return parameter.Default;
  }
  const resource = ctx.template.Resources[name];
  if (!resource) throw new UnresolvableError(`Ref to ${name}, which is not in the template`);
  const known = ctx.refs?.[name];
  if (known !== undefined) return known;
  const physical = physicalName(ctx.template, name);
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
    case 'AWS::Lambda::Function':
    case 'AWS::Events::EventBus':
    case 'AWS::Events::Archive':
      return physical;
    case 'AWS::Events::Rule':
      return ruleRef(ctx, name);
    case 'AWS::SQS::Queue':
      return queueUrl(ctx, name, physical);
    case 'AWS::SecretsManager::Secret':
      return arn(ctx, 'secretsmanager', `secret:${physical}`);
    case 'AWS::SSM::Parameter':
      // Its name usually carries the stage (`/payments/${Stage}/…`).
      return resource.Properties?.Name === undefined ? physical : resolveValue(ctx, resource.Properties.Name);
    case 'AWS::Lambda::Alias':
    case 'AWS::Lambda::Version':
      return qualifiedArn(ctx, name);
    default:
      throw new UnresolvableError(`Ref to ${name} (${resource.Type}) has no local value`);
  }
}

/**
 * The ARN of an alias (`…:function:<name>:<alias>`) or a version (`…:function:<name>:1`): every
 * version is the one the template deploys, so there is only ever version 1 locally.
 */
function qualifiedArn(ctx: ResolveContext, logicalId: string): string {
  const resource = ctx.template.Resources[logicalId];
  const props = resource?.Properties ?? {};
  const fn = asString(resolveValue(ctx, props.FunctionName), `${logicalId} FunctionName`);
  const name = fn.includes(':function:') ? (fn.split(':function:')[1]?.split(':')[0] ?? fn) : fn;
  const qualifier =
    resource?.Type === 'AWS::Lambda::Alias'
      ? asString(resolveValue(ctx, props.Name), `${logicalId} Name`)
      : '1';
  return arn(ctx, 'lambda', `function:${name}:${qualifier}`);
}

/** A queue's URL: the local endpoint's when the runtime knows it, else the AWS form. */
function queueUrl(ctx: ResolveContext, logicalId: string, physical: string): string {
  return ctx.refs?.[logicalId] ?? `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${physical}`;
}

/** The bus name of a rule (`default` when it names none); not resolvable names are kept as written. */
function ruleBus(ctx: ResolveContext, logicalId: string): string {
  const bus = ctx.template.Resources[logicalId]?.Properties?.EventBusName;
  if (bus === undefined) return 'default';
  const value = String(resolveValue(ctx, bus));
  return value.startsWith('arn:') ? value.slice(value.indexOf(':event-bus/') + ':event-bus/'.length) : value;
}

/** CloudFormation's Ref of a rule: its name, or `bus|name` for a rule on a custom bus. */
function ruleRef(ctx: ResolveContext, logicalId: string): string {
  const bus = ruleBus(ctx, logicalId);
  const name = physicalName(ctx.template, logicalId);
  return bus === 'default' ? name : `${bus}|${name}`;
}

function getAtt(ctx: ResolveContext, logicalId: string, attribute: string): string {
  const known = ctx.attributes?.[`${logicalId}.${attribute}`];
  if (known !== undefined) return known;
  const resource = ctx.template.Resources[logicalId];
  if (!resource) throw new UnresolvableError(`Fn::GetAtt to ${logicalId}, which is not in the template`);
  const physical = physicalName(ctx.template, logicalId);
  const key = `${resource.Type}.${attribute}`;
  switch (key) {
    case 'AWS::DynamoDB::Table.Arn':
      return arn(ctx, 'dynamodb', `table/${physical}`);
    case 'AWS::DynamoDB::Table.StreamArn':
      return arn(ctx, 'dynamodb', `table/${physical}/stream/local`);
    case 'AWS::Lambda::Function.Arn':
      return arn(ctx, 'lambda', `function:${physical}`);
    case 'AWS::Events::EventBus.Arn':
      return arn(ctx, 'events', `event-bus/${physical}`);
    case 'AWS::Events::EventBus.Name':
      return physical;
    case 'AWS::SQS::Queue.Arn':
      return arn(ctx, 'sqs', physical);
    case 'AWS::SQS::Queue.QueueName':
      return physical;
    case 'AWS::SQS::Queue.QueueUrl':
      return queueUrl(ctx, logicalId, physical);
    case 'AWS::Lambda::Version.Version':
      return '1';
    case 'AWS::Lambda::Version.FunctionArn':
    case 'AWS::Lambda::Alias.AliasArn':
      return qualifiedArn(ctx, logicalId);
    case 'AWS::SSM::Parameter.Value':
      return asString(resolveValue(ctx, resource.Properties?.Value), `${logicalId} Value`);
    case 'AWS::Events::Archive.Arn':
      return arn(ctx, 'events', `archive/${physical}`);
    case 'AWS::Events::Rule.Arn': {
      const bus = ruleBus(ctx, logicalId);
      return arn(ctx, 'events', bus === 'default' ? `rule/${physical}` : `rule/${bus}/${physical}`);
    }
    default:
      throw new UnresolvableError(
        `Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) has no local value`,
      );
  }
}

/** Marks `Ref: AWS::NoValue`: the property or list element disappears. */
const NO_VALUE = Symbol('AWS::NoValue');

function asString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new UnresolvableError(`${where} expects a string, got ${JSON.stringify(value)}`);
}

function asList(value: unknown, where: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new UnresolvableError(`${where} expects a list, got ${JSON.stringify(value)}`);
}

function sub(ctx: ResolveContext, template: string, variables: Record<string, unknown>): string {
  return template.replace(/\$\{(!?)([^}]+)\}/g, (_all, bang: string, name: string) => {
    // `${!Literal}` is CloudFormation's escape for a literal `${Literal}`.
    if (bang) return `\${${name}}`;
    if (name in variables) return asString(variables[name], `Fn::Sub variable ${name}`);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) return getAtt(ctx, name.slice(0, dot), name.slice(dot + 1));
    return asString(ref(ctx, name), `Fn::Sub \${${name}}`);
  });
}

const DYNAMIC_REFERENCE = /\{\{resolve:([a-z-]+):([^}]*)\}\}/g;

/**
 * Replaces `{{resolve:secretsmanager:<id>:SecretString:<json-key>:<stage>:<version>}}` with the local
 * secret. `<id>` is a name or an ARN (CDK writes the ARN of the secret it created); an ARN minted by
 * AWS carries a random six-character suffix after the name, which local ARNs do not.
 */
export function resolveDynamicReferences(value: string, secrets: Readonly<Record<string, string>>): string {
  return value.replace(DYNAMIC_REFERENCE, (all, service: string, rest: string) => {
    if (service !== 'secretsmanager')
      throw new UnresolvableError(`dynamic reference ${all} is not supported locally`);
    const marker = rest.indexOf(':SecretString');
    const id = marker >= 0 ? rest.slice(0, marker) : rest;
    const tail = marker >= 0 ? rest.slice(marker + ':SecretString'.length).split(':') : [];
    const jsonKey = tail[1] ?? '';
    const name = id.startsWith('arn:') ? id.slice(id.indexOf(':secret:') + ':secret:'.length) : id;
    const secret = secrets[name] ?? secrets[name.replace(/-[A-Za-z0-9]{6}$/, '')];
    if (secret === undefined) throw new UnresolvableError(`no local value for secret ${name} (in ${all})`);
    if (!jsonKey) return secret;
    const parsed = JSON.parse(secret) as Record<string, unknown>;
    return asString(parsed[jsonKey], `secret ${name} key ${jsonKey}`);
  });
}

function resolveAny(ctx: ResolveContext, value: CfnValue): unknown {
  if (typeof value === 'string') return resolveDynamicReferences(value, ctx.secrets);
  if (Array.isArray(value)) return value.map((v) => resolveAny(ctx, v)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const arg = obj[key];
    switch (key) {
      case 'Ref':
        return ref(ctx, asString(arg, 'Ref'));
      case 'Fn::GetAtt': {
        const [id, attribute] = typeof arg === 'string' ? arg.split('.') : asList(arg, 'Fn::GetAtt');
        return getAtt(ctx, asString(id, 'Fn::GetAtt'), asString(resolveAny(ctx, attribute), 'Fn::GetAtt'));
      }
      case 'Fn::Join': {
        const [delimiter, list] = asList(arg, 'Fn::Join');
        const items = asList(resolveAny(ctx, list), 'Fn::Join');
        return resolveDynamicReferences(
          items.map((i) => asString(i, 'Fn::Join')).join(asString(delimiter, 'Fn::Join')),
          ctx.secrets,
        );
      }
      case 'Fn::Sub': {
        const [text, variables] = typeof arg === 'string' ? [arg, {}] : asList(arg, 'Fn::Sub');
        const vars = (resolveAny(ctx, variables ?? {}) ?? {}) as Record<string, unknown>;
        return resolveDynamicReferences(sub(ctx, asString(text, 'Fn::Sub'), vars), ctx.secrets);
      }
      case 'Fn::Select': {
        const [index, list] = asList(arg, 'Fn::Select');
        const items = asList(resolveAny(ctx, list), 'Fn::Select');
        const i = Number(resolveAny(ctx, index));
        if (!Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new UnresolvableError(`Fn::Select index ${String(index)} out of range`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, text] = asList(arg, 'Fn::Split');
        return asString(resolveAny(ctx, text), 'Fn::Split').split(asString(delimiter, 'Fn::Split'));
      }
      case 'Fn::Base64':
        return Buffer.from(asString(resolveAny(ctx, arg), 'Fn::Base64')).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${ctx.region}${z}`);
    }
    if (key.startsWith('Fn::') || key === 'Condition') {
      throw new UnresolvableError(`${key} is not supported by the local runtime`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const resolved = resolveAny(ctx, v);
    if (resolved !== NO_VALUE) out[k] = resolved;
  }
  return out;
}

/** Resolves every intrinsic inside `value`; throws `UnresolvableError` naming the first it cannot. */
export function resolveValue(ctx: ResolveContext, value: CfnValue): unknown {
  const resolved = resolveAny(ctx, value);
  return resolved === NO_VALUE ? undefined : resolved;
}

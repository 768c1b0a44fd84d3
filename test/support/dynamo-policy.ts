/**
 * A small evaluator of IAM identity policies for DynamoDB calls, as the synthesized template states them:
 * does some Allow statement (and no Deny) cover the call's action, its resource (the table or one index)
 * and its partition keys (`dynamodb:LeadingKeys`)? It knows what our templates use (Action lists with
 * `*` wildcards, Resource intrinsics, `ForAllValues:StringLike` / `StringEquals` conditions) and refuses
 * what it does not know, so an unknown condition can never pass for allowed.
 */
import { keyMatches } from '../../infra/services/data-ownership.js';

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** One request DynamoDB authorizes: an action, the ARN it targets, the partition keys it names. */
export interface DynamoRequest {
  readonly action: string;
  readonly resource: string;
  readonly leadingKeys: readonly string[];
}

/** The ARN of the table (logical id `tableId`) and of its index `index`, as `resolveArn` spells them. */
export function tableArn(tableId: string, index?: string): string {
  return `arn:aws:dynamodb:us-east-1:000000000000:table/${tableId}${index ? `/index/${index}` : ''}`;
}

/**
 * A template's Resource value as a string: `Fn::GetAtt [table, Arn]` → tableArn(table), `StreamArn` →
 * `<table arn>/stream/*`, `Fn::Join` concatenated, `AWS::*` pseudo parameters as in tableArn.
 */
export function resolveArn(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  const getAtt = v['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt) {
    if (getAtt[1] === 'Arn') return tableArn(getAtt[0]);
    if (getAtt[1] === 'StreamArn') return `${tableArn(getAtt[0])}/stream/*`;
    return `${getAtt[0]}.${getAtt[1]}`;
  }
  const join = v['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(resolveArn).join(join[0]);
  const ref = v.Ref as string | undefined;
  if (ref === 'AWS::Region') return 'us-east-1';
  if (ref === 'AWS::AccountId') return '000000000000';
  if (ref === 'AWS::Partition') return 'aws';
  return JSON.stringify(value);
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : ([] as T[]).concat(value));

function conditionHolds(condition: PolicyStatement['Condition'], request: DynamoRequest): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      if (key !== 'dynamodb:LeadingKeys') return false;
      const patterns = list(expected);
      const matches =
        operator === 'ForAllValues:StringLike'
          ? (k: string) => patterns.some((p) => keyMatches(p, k))
          : operator === 'ForAllValues:StringEquals'
            ? (k: string) => patterns.includes(k)
            : undefined;
      if (!matches) return false;
      // ForAllValues holds for an empty set: IAM's semantics, and why a Scan passes such a statement.
      if (!request.leadingKeys.every(matches)) return false;
    }
  }
  return true;
}

function statementApplies(statement: PolicyStatement, request: DynamoRequest): boolean {
  const actionMatches = list(statement.Action).some((a) => keyMatches(a, request.action));
  const resourceMatches = list(statement.Resource as unknown).some((r) =>
    keyMatches(resolveArn(r), request.resource),
  );
  return actionMatches && resourceMatches && conditionHolds(statement.Condition, request);
}

/** Whether `statements` allow `request`: an applicable Allow and no applicable Deny. */
export function isAllowed(statements: readonly PolicyStatement[], request: DynamoRequest): boolean {
  if (statements.some((s) => s.Effect === 'Deny' && statementApplies(s, request))) return false;
  return statements.some((s) => s.Effect === 'Allow' && statementApplies(s, request));
}

interface TemplateResource {
  Type: string;
  Properties: Record<string, unknown>;
}

/** Every statement of the IAM policies attached to `roleId` in a template's resources. */
export function roleStatements(
  resources: Record<string, TemplateResource>,
  roleId: string,
): PolicyStatement[] {
  const refOf = (v: unknown) =>
    (v as { Ref?: string }).Ref ?? (v as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties.Roles as unknown[]).map(refOf).includes(roleId))
    .flatMap((r) => (r.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement);
}

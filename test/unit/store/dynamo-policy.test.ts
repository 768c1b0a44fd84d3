import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAllowed, type PolicyStatement, resolveArn, tableArn } from '../../support/dynamo-policy.js';

const TABLE = { 'Fn::GetAtt': ['TableCD117FA1', 'Arn'] };
const INDEX = { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['TableCD117FA1', 'Arn'] }, '/index/GSI1']] };
const keysLike = (...patterns: string[]) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns },
});

const statements: PolicyStatement[] = [
  {
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:Query'],
    Resource: TABLE,
    Condition: keysLike('OBJ#*', 'MERCHANTS'),
  },
  { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE, Condition: keysLike('OBJ#*') },
  { Effect: 'Allow', Action: 'dynamodb:Query', Resource: INDEX, Condition: keysLike('MER#*') },
];
const table = tableArn('TableCD117FA1');
const call = (action: string, leadingKeys: string[], resource = table) => ({ action, resource, leadingKeys });

describe('IAM evaluation of DynamoDB calls', () => {
  it('allows an action on a key its statement lists, by prefix or exactly', () => {
    assert.ok(isAllowed(statements, call('dynamodb:GetItem', ['OBJ#abc'])));
    assert.ok(isAllowed(statements, call('dynamodb:Query', ['MERCHANTS'])));
    assert.ok(isAllowed(statements, call('dynamodb:PutItem', ['OBJ#abc'])));
  });

  it('refuses a key outside the patterns, and a batch with any one key outside them', () => {
    assert.ok(!isAllowed(statements, call('dynamodb:PutItem', ['MERCHANTS'])));
    assert.ok(!isAllowed(statements, call('dynamodb:GetItem', ['MER#m_1'])));
    assert.ok(!isAllowed(statements, call('dynamodb:GetItem', ['OBJ#a', 'HOLD#m_1'])));
    assert.ok(!isAllowed(statements, call('dynamodb:GetItem', ['MERCHANTSX'])));
  });

  it('refuses an action no statement names', () => {
    assert.ok(!isAllowed(statements, call('dynamodb:DeleteItem', ['OBJ#abc'])));
    assert.ok(!isAllowed(statements, call('dynamodb:Scan', [])));
  });

  it('tells the table from its indexes: an index grant is not a table grant, nor the reverse', () => {
    assert.ok(
      isAllowed(statements, call('dynamodb:Query', ['MER#m_1#a'], tableArn('TableCD117FA1', 'GSI1'))),
    );
    assert.ok(!isAllowed(statements, call('dynamodb:Query', ['MER#m_1#a'])));
    assert.ok(!isAllowed(statements, call('dynamodb:Query', ['OBJ#a'], tableArn('TableCD117FA1', 'GSI1'))));
    assert.ok(
      !isAllowed(statements, call('dynamodb:Query', ['MER#m_1#a'], tableArn('TableCD117FA1', 'GSI4'))),
    );
  });

  it('lets a Deny win and refuses conditions it does not know', () => {
    const deny: PolicyStatement = {
      Effect: 'Deny',
      Action: 'dynamodb:*',
      Resource: '*',
      Condition: keysLike('OBJ#x*'),
    };
    assert.ok(!isAllowed([...statements, deny], call('dynamodb:GetItem', ['OBJ#xyz'])));
    assert.ok(isAllowed([...statements, deny], call('dynamodb:GetItem', ['OBJ#abc'])));
    const unknown: PolicyStatement = {
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: '*',
      Condition: { StringEquals: { 'dynamodb:Attributes': 'a' } },
    };
    assert.ok(!isAllowed([unknown], call('dynamodb:GetItem', ['OBJ#abc'])));
  });

  it('resolves the intrinsics of a synthesized Resource', () => {
    assert.equal(resolveArn(INDEX), tableArn('TableCD117FA1', 'GSI1'));
    assert.equal(resolveArn({ 'Fn::GetAtt': ['TableCD117FA1', 'StreamArn'] }), `${table}/stream/*`);
  });
});

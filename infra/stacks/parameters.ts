import { Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { IConstruct } from 'constructs';
import { Construct } from 'constructs';
import { SERVICES as PRODUCT_SERVICES } from '../../shared/services.js';
import { stageOf } from '../stages.js';

/**
 * The services of the system, each one CloudFormation stack (`Payments-<Service>-<stage>`), plus the
 * foundation they all stand on. Services find each other only through SSM parameters named
 * `/payments/<stage>/<service>/<name>`: never CloudFormation exports, which would pin the producer's
 * values and block its independent update.
 */
export const SERVICES = ['foundation', ...PRODUCT_SERVICES] as const;
/** A service, or the foundation, as the first segment of a parameter's name. */
export type Service = (typeof SERVICES)[number];

/**
 * Every parameter the foundation writes, by name (one place for writer and readers, so names cannot
 * drift). The services' own parameters (queues, a state machine, the usage aggregator) are named where
 * they are written, with {@link writeParameter}, and read with {@link readParameter} by the same name.
 */
export const FOUNDATION = {
  tableName: 'table-name',
  tableArn: 'table-arn',
  tableStreamArn: 'table-stream-arn',
  busName: 'bus-name',
  busArn: 'bus-arn',
  httpApiId: 'http-api-id',
  apiUrl: 'api-url',
  apiEndpoint: 'api-endpoint',
  accessLogGroupName: 'api-access-log-group',
  alarmTopicArn: 'alarm-topic-arn',
  alarmKeyArn: 'alarm-key-arn',
} as const;

/** `/payments/<stage>/<service>/<name>`. */
export function parameterName(stage: string, service: Service, name: string): string {
  if (!/^[a-z0-9][a-z0-9/-]*$/.test(name)) throw new Error(`SSM parameter name part "${name}" is not valid`);
  return `/payments/${stage}/${service}/${name}`;
}

/** The construct under which a stack keeps the parameters it writes (created on first use). */
function parametersScope(scope: IConstruct): Construct {
  const stack = Stack.of(scope);
  return (
    (stack.node.tryFindChild('Parameters') as Construct | undefined) ?? new Construct(stack, 'Parameters')
  );
}

const idOf = (service: Service, name: string) =>
  `${service}-${name}`.replace(/(^|[-/])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** Writes `value` (usually a token of this stack) as `/payments/<stage>/<service>/<name>`. */
export function writeParameter(
  scope: IConstruct,
  service: Service,
  name: string,
  value: string,
  description?: string,
): ssm.StringParameter {
  const parent = parametersScope(scope);
  return new ssm.StringParameter(parent, idOf(service, name), {
    parameterName: parameterName(stageOf(scope).name, service, name),
    stringValue: value,
    ...(description ? { description } : {}),
  });
}

/**
 * The value of `/payments/<stage>/<service>/<name>`, resolved by CloudFormation when the reading stack
 * deploys (a template parameter of type `AWS::SSM::Parameter::Value<String>`): the reader holds a name,
 * not a reference, so it synthesizes and deploys without the writer's stack in the app.
 */
export function readParameter(scope: IConstruct, service: Service, name: string): string {
  return ssm.StringParameter.valueForStringParameter(
    scope,
    parameterName(stageOf(scope).name, service, name),
  );
}

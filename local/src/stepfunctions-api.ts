/**
 * The Step Functions endpoint: the AWS JSON 1.0 protocol (`X-Amz-Target: AWSStepFunctions.<Action>`) the
 * SDK's SFNClient speaks, so code pointed at `AWS_ENDPOINT_URL_SFN` runs unchanged. Actions:
 * StartExecution, DescribeExecution, ListExecutions, StopExecution, DescribeStateMachine and
 * ListStateMachines over the executor of stepfunctions.ts; anything else is UnknownOperationException.
 */
import { AwsError, type AwsJsonServer, startAwsJsonServer } from './aws-json.js';
import type { Logger } from './log.js';
import type { ExecutionRecord, ExecutionStatus, StepFunctionsExecutor } from './stepfunctions.js';

type Input = Record<string, unknown>;

const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/** The JSON protocols carry timestamps as epoch seconds. */
const seconds = (date: Date) => date.getTime() / 1000;

function required(input: Input, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function arn(input: Input, name: string, kind: 'stateMachine' | 'execution'): string {
  const value = required(input, name);
  const parts = value.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'states' || parts[5] !== kind) {
    throw new AwsError(
      'InvalidArn',
      `Invalid Arn: 'Resource type not valid in this context: ${parts[5] ?? value}'`,
    );
  }
  return value;
}

function optionalText(input: Input, name: string, max: number): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
    );
  }
  return value;
}

function summary(e: ExecutionRecord) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    ...(e.stopDate ? { stopDate: seconds(e.stopDate) } : {}),
  };
}

/** The handler of every supported action, exported for tests that skip HTTP. */
export function stepFunctionsActions(executor: StepFunctionsExecutor) {
  return {
    StartExecution(input: Input) {
      const stateMachineArn = arn(input, 'stateMachineArn', 'stateMachine');
      const name = optionalText(input, 'name', 80);
      const text = optionalText(input, 'input', 256 * 1024);
      const e = executor.startExecution({
        stateMachineArn,
        ...(name !== undefined ? { name } : {}),
        ...(text !== undefined ? { input: text } : {}),
      });
      return { executionArn: e.executionArn, startDate: seconds(e.startDate) };
    },
    DescribeExecution(input: Input) {
      const e = executor.describeExecution(arn(input, 'executionArn', 'execution'));
      return {
        ...summary(e),
        input: e.input,
        inputDetails: { included: true },
        ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
        ...(e.cause !== undefined ? { cause: e.cause } : {}),
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
      };
    },
    ListExecutions(input: Input) {
      const stateMachineArn = arn(input, 'stateMachineArn', 'stateMachine');
      const filter = input.statusFilter;
      if (filter !== undefined && !STATUSES.includes(filter as ExecutionStatus)) {
        throw new AwsError(
          'ValidationException',
          `1 validation error detected: Value '${String(filter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
        );
      }
      const max = typeof input.maxResults === 'number' && input.maxResults > 0 ? input.maxResults : 100;
      const start =
        typeof input.nextToken === 'string' ? Number(Buffer.from(input.nextToken, 'base64url')) : 0;
      if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidToken', 'Invalid Token');
      const all = executor.listExecutions(stateMachineArn, filter as ExecutionStatus | undefined);
      const page = all.slice(start, start + max);
      return {
        executions: page.map(summary),
        ...(start + max < all.length
          ? { nextToken: Buffer.from(String(start + max)).toString('base64url') }
          : {}),
      };
    },
    StopExecution(input: Input) {
      const e = executor.stopExecution(arn(input, 'executionArn', 'execution'), {
        ...(typeof input.error === 'string' ? { error: input.error } : {}),
        ...(typeof input.cause === 'string' ? { cause: input.cause } : {}),
      });
      return { stopDate: seconds(e.stopDate ?? new Date()) };
    },
    DescribeStateMachine(input: Input) {
      const m = executor.machine(arn(input, 'stateMachineArn', 'stateMachine'));
      return {
        stateMachineArn: m.arn,
        name: m.name,
        status: 'ACTIVE',
        definition: JSON.stringify(m.definition),
        roleArn: m.roleArn,
        type: m.type,
        creationDate: seconds(executor.createdAt),
      };
    },
    ListStateMachines() {
      return {
        stateMachines: executor.machines.map((m) => ({
          stateMachineArn: m.arn,
          name: m.name,
          type: m.type,
          creationDate: seconds(executor.createdAt),
        })),
      };
    },
  } satisfies Record<string, (input: Input) => unknown>;
}

export interface StepFunctionsEndpointOptions {
  readonly executor: StepFunctionsExecutor;
  readonly log: Logger;
  /** Default: a free port. */
  readonly port?: number;
}

/** Starts the Step Functions endpoint on 127.0.0.1; its URL is what `AWS_ENDPOINT_URL_SFN` holds. */
export function startStepFunctionsEndpoint(options: StepFunctionsEndpointOptions): Promise<AwsJsonServer> {
  const actions: Record<string, (input: Input) => unknown> = stepFunctionsActions(options.executor);
  return startAwsJsonServer({
    name: 'Step Functions',
    targetPrefix: 'AWSStepFunctions',
    jsonVersion: '1.0',
    typePrefix: 'com.amazonaws.sfn#',
    queryCompatible: false,
    log: options.log,
    port: options.port,
    handle: async (action, input) => {
      const run = actions[action];
      if (!run) {
        throw new AwsError(
          'UnknownOperationException',
          `${action} is not supported by the local Step Functions endpoint.`,
        );
      }
      const result = run(input);
      // A started execution is acknowledged once it is on disk (`--persist`; at once otherwise).
      await options.executor.flush();
      return result;
    },
  });
}

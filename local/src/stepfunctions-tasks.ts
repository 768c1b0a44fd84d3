/**
 * What a state machine's `Task` states call, run locally: Lambda (`arn:aws:states:::lambda:invoke` and a
 * function ARN as the resource), EventBridge (`arn:aws:states:::events:putEvents`) and DynamoDB
 * (`arn:aws:states:::dynamodb:getItem|putItem|updateItem|deleteItem`), each with the result and the error
 * names Step Functions gives them, so the definition's `Retry` and `Catch` see what they would in AWS.
 * Any other resource (`.sync`, `.waitForTaskToken`, `aws-sdk:*`, other services) is refused up front.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** A function's error as Lambda reports it (the local runner's `LambdaError`). */
export interface LambdaFunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace?: readonly string[];
}

/** How an invocation ended; the local runner's `InvokeResult` has this shape. */
export type LambdaOutcome =
  | { readonly ok: true; readonly payload: unknown; readonly requestId?: string }
  | { readonly ok: false; readonly error: LambdaFunctionError; readonly requestId?: string };

/** A `PutEvents` request entry as Step Functions sends it (`Detail` serialized to JSON text). */
export interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: string;
  readonly EventBusName?: unknown;
  readonly Resources: string[];
  readonly [field: string]: unknown;
}

export interface PutEventsOutput {
  readonly FailedEntryCount: number;
  readonly Entries: readonly ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
}

/** The services the tasks reach; the local runtime passes its functions, its bus and DynamoDB Local. */
export interface TaskIntegrations {
  /**
   * Invokes the function named `functionName` (qualifier stripped) with `payload`; `undefined` when no
   * such function exists. A thrown error is a Lambda service failure (`Lambda.ServiceException`).
   */
  invoke(functionName: string, payload: unknown): Promise<LambdaOutcome | undefined>;
  /** `PutEvents` on the local bus; a thrown error with a `code` (the AwsError of eventbridge.ts) fails the task. */
  putEvents(entries: PutEventsEntry[]): PutEventsOutput | Promise<PutEventsOutput>;
  /** Needed only by definitions with DynamoDB tasks. */
  readonly dynamodb?: DynamoDBClient;
}

/**
 * A failed task as Step Functions names it: `name` is the Error that `Retry`/`Catch` match, `message` the
 * Cause. aws-local-stepfunctions reads `isRetryable`/`isCatchable`; `States.Runtime` is neither, as in AWS.
 */
export class TaskFailure extends Error {
  readonly isRetryable: boolean;
  readonly isCatchable: boolean;
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
    this.isRetryable = error !== 'States.Runtime';
    this.isCatchable = error !== 'States.Runtime';
  }
}

export interface TaskContext {
  readonly executionArn: string;
  readonly stateMachineArn: string;
}

/** Runs one `Task` state: its effective input (after InputPath and Parameters) in, its result out. */
export type TaskRunner = (input: unknown, context: TaskContext) => Promise<unknown>;

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;
const LAMBDA_FUNCTION =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;
const PUT_EVENTS = /^arn:aws[a-z-]*:states:::events:putEvents$/;
const DYNAMODB = /^arn:aws[a-z-]*:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/;

/** Errors the Lambda service raises itself (no function error type): Step Functions reports `Lambda.Unknown`. */
const UNHANDLED = new Set([
  'Sandbox.Timedout',
  'Runtime.ExitError',
  'Runtime.UnhandledError',
  'Runtime.Closed',
  'Runtime.Unknown',
]);

/**
 * The function name in any form Lambda accepts: `name`, `name:qualifier`, `account:function:name`,
 * or the full ARN with or without a qualifier.
 */
export function functionNameOf(reference: string): string {
  const marker = reference.indexOf('function:');
  const rest = marker >= 0 ? reference.slice(marker + 'function:'.length) : reference;
  return rest.split(':')[0] ?? rest;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A value as JSON would carry it (drops `undefined`), which is what the next state sees. */
function jsonValue(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

function httpMetadata(requestId: string, status = 200) {
  return {
    SdkHttpMetadata: {
      HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
      HttpStatusCode: status,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

function serviceCause(service: string, code: string, message: string, status: number, requestId: string) {
  return `${message} (Service: ${service}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`;
}

/** Invokes a function and turns its failure into the Error/Cause Step Functions reports. */
async function invokeFunction(
  integrations: TaskIntegrations,
  reference: string,
  payload: unknown,
): Promise<{ payload: unknown; requestId: string }> {
  let outcome: LambdaOutcome | undefined;
  try {
    outcome = await integrations.invoke(functionNameOf(reference), payload);
  } catch (error) {
    throw new TaskFailure(
      'Lambda.ServiceException',
      serviceCause('AWSLambda', 'ServiceException', (error as Error).message, 500, randomUUID()),
    );
  }
  if (!outcome) {
    throw new TaskFailure(
      'Lambda.ResourceNotFoundException',
      serviceCause(
        'AWSLambda',
        'ResourceNotFoundException',
        `Function not found: ${reference}`,
        404,
        randomUUID(),
      ),
    );
  }
  const requestId = outcome.requestId ?? randomUUID();
  if (outcome.ok) return { payload: jsonValue(outcome.payload), requestId };
  const { errorType, errorMessage, stackTrace } = outcome.error;
  if (UNHANDLED.has(errorType)) {
    throw new TaskFailure(
      'Lambda.Unknown',
      `The cause could not be determined because Lambda did not return an error type. Returned payload: ${JSON.stringify({ errorMessage })}`,
    );
  }
  throw new TaskFailure(errorType, JSON.stringify({ errorType, errorMessage, trace: stackTrace ?? [] }));
}

function lambdaInvoke(integrations: TaskIntegrations): TaskRunner {
  return async (input) => {
    const params = record(input);
    const functionName = params.FunctionName;
    if (typeof functionName !== 'string' || !functionName) {
      throw new TaskFailure('States.Runtime', 'lambda:invoke needs a FunctionName parameter');
    }
    const payload = 'Payload' in params ? params.Payload : {};
    if (params.InvocationType === 'Event') {
      // Asynchronous invocation: Lambda accepts the event and the task does not wait for the function.
      void integrations.invoke(functionNameOf(functionName), payload).catch(() => undefined);
      return { ...httpMetadata(randomUUID(), 202), Payload: '', StatusCode: 202 };
    }
    const result = await invokeFunction(integrations, functionName, payload);
    return {
      ExecutedVersion: '$LATEST',
      Payload: result.payload,
      ...httpMetadata(result.requestId),
      StatusCode: 200,
    };
  };
}

function putEvents(integrations: TaskIntegrations): TaskRunner {
  return async (input, context) => {
    const raw = record(input).Entries;
    if (!Array.isArray(raw))
      throw new TaskFailure('States.Runtime', 'events:putEvents needs an Entries array');
    // The optimized integration appends the execution's and the state machine's ARNs to each entry's Resources.
    const entries: PutEventsEntry[] = raw.map((value) => {
      const entry = record(value);
      const resources = Array.isArray(entry.Resources) ? entry.Resources.map(String) : [];
      return {
        ...entry,
        ...(entry.Detail === undefined
          ? {}
          : { Detail: typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail) }),
        Resources: [...resources, context.executionArn, context.stateMachineArn],
      };
    });
    let output: PutEventsOutput;
    try {
      output = await integrations.putEvents(entries);
    } catch (error) {
      const code = String((error as { code?: unknown }).code ?? 'EventBridgeException');
      const status = Number((error as { status?: unknown }).status ?? 400);
      throw new TaskFailure(
        `EventBridge.${code}`,
        serviceCause('EventBridge', code, (error as Error).message, status, randomUUID()),
      );
    }
    const result = { Entries: jsonValue(output.Entries), FailedEntryCount: output.FailedEntryCount };
    if (output.FailedEntryCount > 0) throw new TaskFailure('EventBridge.FailedEntry', JSON.stringify(result));
    return result;
  };
}

type DynamoAction = 'getItem' | 'putItem' | 'updateItem' | 'deleteItem';

/** The API call of a DynamoDB task; its parameters are the request in the API's own casing. */
function dynamoCommand(action: DynamoAction, input: Record<string, unknown>) {
  switch (action) {
    case 'getItem':
      return new GetItemCommand(input as never);
    case 'putItem':
      return new PutItemCommand(input as never);
    case 'updateItem':
      return new UpdateItemCommand(input as never);
    case 'deleteItem':
      return new DeleteItemCommand(input as never);
  }
}

function dynamodb(client: DynamoDBClient, action: DynamoAction): TaskRunner {
  return async (input) => {
    try {
      const { $metadata, ...output } = await client.send(dynamoCommand(action, record(input)) as never);
      return { ...(jsonValue(output) as object), ...httpMetadata($metadata.requestId ?? randomUUID()) };
    } catch (error) {
      const e = error as Error & { $metadata?: { httpStatusCode?: number; requestId?: string } };
      const code = e.name && e.name !== 'Error' ? e.name : 'AmazonDynamoDBException';
      throw new TaskFailure(
        `DynamoDB.${code}`,
        serviceCause(
          'AmazonDynamoDBv2',
          code,
          e.message,
          e.$metadata?.httpStatusCode ?? 400,
          e.$metadata?.requestId ?? randomUUID(),
        ),
      );
    }
  };
}

/** The runner of a `Task` state's resource; throws (naming the resource) when it cannot run locally. */
export function taskRunner(resource: string, integrations: TaskIntegrations): TaskRunner {
  if (LAMBDA_INVOKE.test(resource)) return lambdaInvoke(integrations);
  if (LAMBDA_FUNCTION.test(resource)) {
    // The legacy form: the function's ARN is the resource, the input is the payload, the result its output.
    return async (input) => (await invokeFunction(integrations, resource, input)).payload;
  }
  if (PUT_EVENTS.test(resource)) return putEvents(integrations);
  const dynamo = DYNAMODB.exec(resource);
  if (dynamo) {
    if (!integrations.dynamodb) throw new Error(`resource ${resource} needs a DynamoDB client`);
    return dynamodb(integrations.dynamodb, dynamo[1] as DynamoAction);
  }
  throw new Error(
    `resource ${resource} is not supported locally (supported: lambda:invoke, a function ARN, ` +
      'events:putEvents, dynamodb:getItem|putItem|updateItem|deleteItem)',
  );
}

/**
 * Fault injection into a real AWS SDK v3 DynamoDB client, through its middleware stack. The
 * middleware sits in the `finalizeRequest` step below the SDK's retry middleware, so it sees every
 * attempt (a fault limited to one attempt is retried by the SDK itself, as a real blip would be).
 *
 * - `before`: the attempt never reaches DynamoDB (throttled, 5xx, connection refused).
 * - `after`: DynamoDB applies the attempt and its answer, success or error, is lost on the way back
 *   (the Lambda timed out, the socket hung up): the write is committed, the caller does not know it.
 */
import {
  type DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';

export interface FaultSpec {
  /** The SDK command(s), without the `Command` suffix: `PutItem`, `TransactWriteItems`, … */
  readonly command: string | readonly string[];
  readonly when: 'before' | 'after';
  /** How many attempts fail, SDK retries included; `Infinity` for every one until removed. */
  readonly attempts?: number;
  /** A fresh error per attempt (the SDK writes retry figures onto the error it is given). */
  readonly error: () => Error;
}

export interface Fault {
  /** Attempts this fault has failed so far. */
  readonly hits: number;
  remove(): void;
}

export interface FaultInjector {
  inject(spec: FaultSpec): Fault;
  /** Removes every fault. */
  clear(): void;
  /** Attempts of `command` that left the client since the injector was installed. */
  attempts(command: string): number;
}

/** Installs the fault middleware on `client` (once per client). */
export function installFaults(client: DynamoDBClient): FaultInjector {
  const faults = new Set<FaultSpec & { hits: number }>();
  const attempts = new Map<string, number>();

  const take = (command: string, when: FaultSpec['when']) => {
    for (const fault of faults) {
      const commands: readonly string[] = typeof fault.command === 'string' ? [fault.command] : fault.command;
      if (commands.includes(command) && fault.when === when && fault.hits < (fault.attempts ?? 1)) {
        fault.hits++;
        return fault;
      }
    }
    return undefined;
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? '').replace(/Command$/, '');
      attempts.set(command, (attempts.get(command) ?? 0) + 1);
      const before = take(command, 'before');
      if (before) throw before.error();
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (error) {
        const after = take(command, 'after');
        throw after ? after.error() : error;
      }
      const after = take(command, 'after');
      if (after) throw after.error();
      return result;
    },
    { step: 'finalizeRequest', name: 'faultInjection', tags: ['TEST_FAULTS'] },
  );

  return {
    inject(spec) {
      const fault = { ...spec, hits: 0 };
      faults.add(fault);
      return {
        get hits() {
          return fault.hits;
        },
        remove: () => faults.delete(fault),
      };
    },
    clear: () => faults.clear(),
    attempts: (command) => attempts.get(command) ?? 0,
  };
}

/** The answer lost on the way back: what the SDK raises when a socket hangs up or times out. */
export function networkError(): Error {
  return Object.assign(new Error('socket hang up'), { name: 'TimeoutError', $metadata: {} });
}

/** Throttling, as the SDK deserializes DynamoDB's HTTP 400 answer. */
export function throttlingError(
  kind:
    | 'ProvisionedThroughputExceededException'
    | 'ThrottlingException' = 'ProvisionedThroughputExceededException',
): Error {
  const options = {
    message: 'The level of configured provisioned throughput for the table was exceeded.',
    $metadata: { httpStatusCode: 400 },
  };
  return kind === 'ThrottlingException'
    ? new ThrottlingException(options)
    : new ProvisionedThroughputExceededException(options);
}

/** A DynamoDB 500, as the SDK deserializes it. */
export function serverError(): Error {
  return new InternalServerError({
    message: 'Internal server error',
    $metadata: { httpStatusCode: 500 },
  });
}

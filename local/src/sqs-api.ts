/**
 * The SQS endpoint: the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Action>`, query-compatible
 * errors) over the broker in sqs.ts, for the actions the functions, the ops tools and the tests use.
 * Validation messages follow SQS's own wording where we know it.
 */
import { AwsError, type AwsJsonServer, startAwsJsonServer } from './aws-json.js';
import type { Logger } from './log.js';
import type { LocalMetering } from './metering.js';
import { queueDoesNotExist, type SqsBroker } from './sqs.js';
import {
  batch,
  batchEntries,
  type Input,
  integer,
  messageOut,
  missing,
  queueAttributes,
  validateMessage,
} from './sqs-messages.js';

/** The handler of every supported action, exported for tests that skip HTTP. */
export function sqsActions(broker: SqsBroker) {
  const queue = (input: Input) => broker.queueByUrl(input.QueueUrl);
  return {
    GetQueueUrl(input: Input) {
      const name = input.QueueName;
      if (typeof name !== 'string' || !name) throw missing('QueueName');
      const q = broker.queueByName(name);
      if (!q) throw queueDoesNotExist();
      return { QueueUrl: q.url };
    },
    ListQueues(input: Input) {
      const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
      return { QueueUrls: broker.queues.filter((q) => q.config.name.startsWith(prefix)).map((q) => q.url) };
    },
    GetQueueAttributes(input: Input) {
      return { Attributes: queueAttributes(broker, queue(input), input.AttributeNames) };
    },
    SendMessage(input: Input) {
      const q = queue(input);
      const m = validateMessage(q, input);
      const sent = broker.send(q, { body: m.body, messageAttributes: m.attributes, delaySeconds: m.delay });
      return {
        MessageId: sent.messageId,
        MD5OfMessageBody: sent.md5OfBody,
        ...(sent.md5OfMessageAttributes ? { MD5OfMessageAttributes: sent.md5OfMessageAttributes } : {}),
      };
    },
    SendMessageBatch(input: Input) {
      const q = queue(input);
      const entries = batchEntries(input);
      const total = entries.reduce(
        (n, e) => n + (typeof e.MessageBody === 'string' ? Buffer.byteLength(e.MessageBody) : 0),
        0,
      );
      if (total > q.config.maximumMessageSize) {
        throw new AwsError(
          'BatchRequestTooLong',
          `Batch requests cannot be longer than ${q.config.maximumMessageSize} bytes. You have sent ${total} bytes.`,
          400,
          'AWS.SimpleQueueService.BatchRequestTooLong',
        );
      }
      return batch(entries, (entry) => {
        const m = validateMessage(q, entry);
        const sent = broker.send(q, { body: m.body, messageAttributes: m.attributes, delaySeconds: m.delay });
        return {
          MessageId: sent.messageId,
          MD5OfMessageBody: sent.md5OfBody,
          ...(sent.md5OfMessageAttributes ? { MD5OfMessageAttributes: sent.md5OfMessageAttributes } : {}),
        };
      });
    },
    async ReceiveMessage(input: Input) {
      const q = queue(input);
      const max = integer(input, 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.');
      const visibilityTimeout = integer(input, 'VisibilityTimeout', 0, 43_200);
      const waitTimeSeconds = integer(
        input,
        'WaitTimeSeconds',
        0,
        20,
        'Must be >= 0 and <= 20, if provided.',
      );
      const messages = await broker.receive(q, {
        maxNumberOfMessages: max,
        visibilityTimeout,
        waitTimeSeconds,
      });
      return messages.length === 0 ? {} : { Messages: messages.map((m) => messageOut(m, input)) };
    },
    DeleteMessage(input: Input) {
      if (input.ReceiptHandle === undefined) throw missing('ReceiptHandle');
      broker.delete(queue(input), input.ReceiptHandle);
      return {};
    },
    DeleteMessageBatch(input: Input) {
      const q = queue(input);
      return batch(batchEntries(input), (entry) => {
        broker.delete(q, entry.ReceiptHandle);
        return {};
      });
    },
    ChangeMessageVisibility(input: Input) {
      if (input.ReceiptHandle === undefined) throw missing('ReceiptHandle');
      if (input.VisibilityTimeout === undefined) throw missing('VisibilityTimeout');
      broker.changeVisibility(queue(input), input.ReceiptHandle, input.VisibilityTimeout);
      return {};
    },
    ChangeMessageVisibilityBatch(input: Input) {
      const q = queue(input);
      return batch(batchEntries(input), (entry) => {
        broker.changeVisibility(q, entry.ReceiptHandle, entry.VisibilityTimeout);
        return {};
      });
    },
    PurgeQueue(input: Input) {
      broker.purge(queue(input));
      return {};
    },
    ListDeadLetterSourceQueues(input: Input) {
      const dlq = queue(input);
      return {
        queueUrls: broker.queues
          .filter((q) => q.config.redrivePolicy?.deadLetterTargetArn === dlq.arn)
          .map((q) => q.url),
      };
    },
    StartMessageMoveTask(input: Input) {
      return {
        TaskHandle: broker.startMoveTask(
          input.SourceArn,
          input.DestinationArn,
          input.MaxNumberOfMessagesPerSecond,
        ),
      };
    },
    ListMessageMoveTasks(input: Input) {
      return {
        Results: broker.listMoveTasks(input.SourceArn, input.MaxResults).map((t) => ({
          ...(t.status === 'RUNNING' ? { TaskHandle: t.taskHandle } : {}),
          Status: t.status,
          SourceArn: t.sourceArn,
          ...(t.destinationArn ? { DestinationArn: t.destinationArn } : {}),
          ...(t.maxNumberOfMessagesPerSecond
            ? { MaxNumberOfMessagesPerSecond: t.maxNumberOfMessagesPerSecond }
            : {}),
          ApproximateNumberOfMessagesMoved: t.approximateNumberOfMessagesMoved,
          ApproximateNumberOfMessagesToMove: t.approximateNumberOfMessagesToMove,
          ...(t.failureReason ? { FailureReason: t.failureReason } : {}),
          StartedTimestamp: t.startedTimestamp,
        })),
      };
    },
    CancelMessageMoveTask(input: Input) {
      return {
        ApproximateNumberOfMessagesMoved: broker.cancelMoveTask(input.TaskHandle)
          .approximateNumberOfMessagesMoved,
      };
    },
  } satisfies Record<string, (input: Input) => unknown>;
}

/** Starts the SQS endpoint and points the broker's queue URLs at it. */
export async function startSqsEndpoint(
  broker: SqsBroker,
  log: Logger,
  port?: number,
  /** Counts the calls by action when given (the bench). */
  metering?: LocalMetering,
): Promise<AwsJsonServer> {
  const actions: Record<string, (input: Input) => unknown> = sqsActions(broker);
  const server = await startAwsJsonServer({
    name: 'SQS',
    targetPrefix: 'AmazonSQS',
    jsonVersion: '1.0',
    typePrefix: 'com.amazonaws.sqs#',
    queryCompatible: true,
    log,
    port,
    handle: async (action, input) => {
      const run = actions[action];
      if (!run) {
        throw new AwsError(
          'UnsupportedOperation',
          `${action} is not supported by the local SQS endpoint.`,
          400,
          'AWS.SimpleQueueService.UnsupportedOperation',
        );
      }
      metering?.sqsApiCall(action, Buffer.byteLength(JSON.stringify(input)));
      const result = run(input);
      // A sent message is acknowledged only once stored (`--persist`; at once otherwise).
      await broker.flush();
      return result;
    },
  });
  broker.setEndpoint(server.url);
  return server;
}

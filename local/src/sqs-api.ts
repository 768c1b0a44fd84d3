/**
 * The SQS endpoint: the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Action>`, query-compatible
 * errors) over the broker in sqs.ts, for the actions the functions, the ops tools and the tests use.
 * Validation messages follow SQS's own wording where we know it.
 */
import { AwsError, type AwsJsonServer, startAwsJsonServer } from './aws-json.js';
import type { Logger } from './log.js';
import type { LocalMetering } from './metering.js';
import {
  invalidParameter,
  type LocalQueue,
  type MessageAttributeValue,
  queueDoesNotExist,
  type SqsBroker,
  type SqsMessage,
} from './sqs.js';

type Input = Record<string, unknown>;

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'DeadLetterQueueSourceArn',
] as const;

const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
// XML 1.0 characters: what SQS accepts in a body.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the allowed control characters are the point.
const INVALID_BODY = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function integer(input: Input, name: string, min: number, max: number, reason?: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(
      `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason ?? `Must be between ${min} and ${max}, if provided.`}`,
    );
  }
  return value;
}

function missing(name: string): AwsError {
  return new AwsError(
    'MissingParameter',
    `The request must contain the parameter ${name}.`,
    400,
    'MissingParameter',
  );
}

function messageAttributes(raw: unknown): Record<string, MessageAttributeValue> {
  if (raw === undefined || raw === null) return {};
  const out: Record<string, MessageAttributeValue> = {};
  const entries = Object.entries(raw as Record<string, Input>);
  if (entries.length > 10)
    throw invalidParameter('Number of message attributes [11] exceeds the allowed maximum [10].');
  for (const [name, value] of entries) {
    const dataType = String(value?.DataType ?? '');
    if (!/^(String|Number|Binary)(\..+)?$/.test(dataType)) {
      throw invalidParameter(
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    const attribute: MessageAttributeValue = dataType.startsWith('Binary')
      ? { DataType: dataType, BinaryValue: String(value.BinaryValue ?? '') }
      : { DataType: dataType, StringValue: String(value.StringValue ?? '') };
    if (!attribute.StringValue && !attribute.BinaryValue) {
      throw invalidParameter(
        `Message (user) attribute '${name}' must contain a non-empty value of type '${dataType.split('.')[0]}'.`,
      );
    }
    out[name] = attribute;
  }
  return out;
}

function size(body: string, attributes: Record<string, MessageAttributeValue>): number {
  let total = Buffer.byteLength(body);
  for (const [name, a] of Object.entries(attributes)) {
    total += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    total +=
      a.StringValue !== undefined
        ? Buffer.byteLength(a.StringValue)
        : Buffer.from(a.BinaryValue ?? '', 'base64').length;
  }
  return total;
}

function validateMessage(
  queue: LocalQueue,
  entry: Input,
): { body: string; attributes: Record<string, MessageAttributeValue>; delay?: number } {
  const body = entry.MessageBody;
  if (typeof body !== 'string' || body.length === 0) throw missing('MessageBody');
  if (INVALID_BODY.test(body)) {
    throw new AwsError(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
      400,
      'InvalidMessageContents',
    );
  }
  const attributes = messageAttributes(entry.MessageAttributes);
  const max = queue.config.maximumMessageSize;
  if (size(body, attributes) > max) {
    throw invalidParameter(
      `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`,
    );
  }
  const delay = integer(entry, 'DelaySeconds', 0, 900, 'Must be >= 0 and <= 900, if provided.');
  return delay === undefined ? { body, attributes } : { body, attributes, delay };
}

/** The names of `requested` among `available`: `All`, `.*`, exact names and `prefix.*`. */
function selectNames(requested: unknown, available: readonly string[]): string[] {
  const list = Array.isArray(requested) ? requested.map(String) : [];
  return available.filter((name) =>
    list.some(
      (r) => r === 'All' || r === '.*' || r === name || (r.endsWith('.*') && name.startsWith(r.slice(0, -1))),
    ),
  );
}

function messageOut(m: SqsMessage, input: Input): Input {
  const out: Input = {
    MessageId: m.messageId,
    ReceiptHandle: m.receiptHandle,
    MD5OfBody: m.md5OfBody,
    Body: m.body,
  };
  const system: Record<string, string | undefined> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentTimestamp),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? m.sentTimestamp),
    DeadLetterQueueSourceArn: m.deadLetterQueueSourceArn,
  };
  const requested = [
    ...((input.MessageSystemAttributeNames as unknown[] | undefined) ?? []),
    ...((input.AttributeNames as unknown[] | undefined) ?? []),
  ];
  const attributes: Record<string, string> = {};
  for (const name of selectNames(requested, SYSTEM_ATTRIBUTES)) {
    const value = system[name];
    if (value !== undefined) attributes[name] = value;
  }
  if (Object.keys(attributes).length > 0) out.Attributes = attributes;
  const userNames = selectNames(input.MessageAttributeNames, Object.keys(m.messageAttributes));
  if (userNames.length > 0) {
    out.MessageAttributes = Object.fromEntries(userNames.map((n) => [n, m.messageAttributes[n]]));
  }
  if (m.md5OfMessageAttributes && userNames.length > 0) out.MD5OfMessageAttributes = m.md5OfMessageAttributes;
  return out;
}

function batchEntries(input: Input, max = 10): Input[] {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new AwsError(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
      400,
      'AWS.SimpleQueueService.EmptyBatchRequest',
    );
  }
  if (entries.length > max) {
    throw new AwsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${max}. You have sent ${entries.length}.`,
      400,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
  }
  const ids = new Set<string>();
  for (const e of entries as Input[]) {
    const id = String(e?.Id ?? '');
    if (!BATCH_ID.test(id)) {
      throw new AwsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        400,
        'AWS.SimpleQueueService.InvalidBatchEntryId',
      );
    }
    if (ids.has(id)) {
      throw new AwsError(
        'BatchEntryIdsNotDistinct',
        `Id ${id} repeated.`,
        400,
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      );
    }
    ids.add(id);
  }
  return entries as Input[];
}

/** Runs `each` per entry, collecting `Successful` and `Failed` as SQS batch results do. */
function batch(entries: Input[], each: (entry: Input) => Input): { Successful: Input[]; Failed: Input[] } {
  const Successful: Input[] = [];
  const Failed: Input[] = [];
  for (const entry of entries) {
    try {
      Successful.push({ Id: entry.Id, ...each(entry) });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      Failed.push({
        Id: entry.Id,
        SenderFault: error.fault === 'Sender',
        Code: error.queryCode ?? error.code,
        Message: error.message,
      });
    }
  }
  return { Successful, Failed };
}

function queueAttributes(broker: SqsBroker, queue: LocalQueue, requested: unknown): Record<string, string> {
  const c = queue.config;
  const counts = broker.counts(queue);
  const all: Record<string, string> = {
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.notVisible),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: String(Math.floor(queue.createdTimestamp / 1000)),
    LastModifiedTimestamp: String(Math.floor(queue.createdTimestamp / 1000)),
    DelaySeconds: String(c.delaySeconds),
    MaximumMessageSize: String(c.maximumMessageSize),
    MessageRetentionPeriod: String(c.messageRetentionPeriod),
    QueueArn: queue.arn,
    ReceiveMessageWaitTimeSeconds: String(c.receiveMessageWaitTimeSeconds),
    VisibilityTimeout: String(c.visibilityTimeout),
    SqsManagedSseEnabled: String(c.sqsManagedSseEnabled),
  };
  if (c.redrivePolicy) all.RedrivePolicy = JSON.stringify(c.redrivePolicy);
  const names = Array.isArray(requested) ? requested.map(String) : [];
  const out: Record<string, string> = {};
  for (const name of names) {
    if (name === 'All') return all;
    if (!(name in all) && name !== 'RedrivePolicy' && name !== 'RedriveAllowPolicy' && name !== 'Policy') {
      throw new AwsError('InvalidAttributeName', `Unknown Attribute ${name}.`, 400, 'InvalidAttributeName');
    }
    if (all[name] !== undefined) out[name] = all[name];
  }
  return out;
}

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

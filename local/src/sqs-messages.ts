/**
 * What the SQS endpoint checks and answers about messages, attributes and batches (sqs-api.ts): SQS's
 * limits and validation (its own wording where we know it), and messages as ReceiveMessage returns them.
 */
import { AwsError } from './aws-json.js';
import {
  invalidParameter,
  type LocalQueue,
  type MessageAttributeValue,
  type SqsBroker,
  type SqsMessage,
} from './sqs.js';

export type Input = Record<string, unknown>;

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

export function integer(
  input: Input,
  name: string,
  min: number,
  max: number,
  reason?: string,
): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(
      `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason ?? `Must be between ${min} and ${max}, if provided.`}`,
    );
  }
  return value;
}

export function missing(name: string): AwsError {
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

export function validateMessage(
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

export function messageOut(m: SqsMessage, input: Input): Input {
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

export function batchEntries(input: Input, max = 10): Input[] {
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
export function batch(
  entries: Input[],
  each: (entry: Input) => Input,
): { Successful: Input[]; Failed: Input[] } {
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

export function queueAttributes(
  broker: SqsBroker,
  queue: LocalQueue,
  requested: unknown,
): Record<string, string> {
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

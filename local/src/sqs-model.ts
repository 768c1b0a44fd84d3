/**
 * The SQS message model: queue settings as the template declares them, messages as the broker keeps
 * them, SQS's MD5 digests, its errors for a missing queue or a bad parameter, and receipt handles.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AwsError } from './aws-json.js';

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface QueueConfig {
  readonly logicalId: string;
  readonly name: string;
  readonly visibilityTimeout: number;
  readonly messageRetentionPeriod: number;
  readonly delaySeconds: number;
  readonly receiveMessageWaitTimeSeconds: number;
  readonly maximumMessageSize: number;
  readonly redrivePolicy?: RedrivePolicy;
  readonly sqsManagedSseEnabled: boolean;
}

/** A message attribute as the JSON protocol carries it (`BinaryValue` base64). */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export interface SqsMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly md5OfMessageAttributes?: string;
  sentTimestamp: number;
  readonly senderId: string;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Epoch ms from which the message can be received. */
  visibleAt: number;
  /** When the current receive happened (for the 12-hour visibility limit). */
  receivedAt?: number;
  receiptHandle?: string;
  deadLetterQueueSourceArn?: string;
}

export interface LocalQueue {
  readonly config: QueueConfig;
  readonly arn: string;
  readonly url: string;
  readonly createdTimestamp: number;
}

export interface SendOptions {
  readonly body: string;
  readonly messageAttributes?: Readonly<Record<string, MessageAttributeValue>>;
  readonly delaySeconds?: number;
  readonly senderId?: string;
}

export interface ReceiveOptions {
  readonly maxNumberOfMessages?: number;
  readonly visibilityTimeout?: number;
  /** Seconds to wait for a message; the queue's ReceiveMessageWaitTimeSeconds when absent. */
  readonly waitTimeSeconds?: number;
  readonly signal?: AbortSignal;
}

/** The SenderId of messages sent by the local functions and by EventBridge (an IAM role id, as in AWS). */
export const LOCAL_SENDER_ID = 'AROAEXAMPLELOCALROLE:local';

export const md5 = (data: string | Uint8Array) => createHash('md5').update(data).digest('hex');

/** SQS's MD5 of message attributes: names sorted, each length-prefixed name, type, transport byte, value. */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string {
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    hash.update(len);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name] as MessageAttributeValue;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(value.DataType, 'utf8'));
    if (value.StringValue !== undefined) {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(value.StringValue, 'utf8'));
    } else {
      hash.update(Buffer.from([2]));
      lengthPrefixed(Buffer.from(value.BinaryValue ?? '', 'base64'));
    }
  }
  return hash.digest('hex');
}

export const invalidParameter = (message: string) =>
  new AwsError('InvalidParameterValue', message, 400, 'InvalidParameterValue');

export const queueDoesNotExist = () =>
  new AwsError(
    'QueueDoesNotExist',
    'The specified queue does not exist.',
    400,
    'AWS.SimpleQueueService.NonExistentQueue',
  );

export function encodeHandle(queue: string, messageId: string): string {
  return Buffer.from(`${queue}\n${messageId}\n${randomUUID()}`).toString('base64url');
}

export function decodeHandle(handle: string): { queue: string; messageId: string } | undefined {
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
  if (parts.length !== 3 || !parts[0] || !parts[1]) return undefined;
  return { queue: parts[0], messageId: parts[1] };
}

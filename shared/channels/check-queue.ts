/**
 * The channel checks' queue (checker.ts): one delayed SQS message per submission the channel has not
 * settled, sent in batches of 10 (one billed request per batch of small messages), delayed by the
 * channel's bound. SQS delays at most 900 s; a longer bound is checked again on receipt.
 */
import { type SqsEntry, sendMessage, sendMessageBatch } from '../aws/sqs-send.js';
import type { ChannelCheck } from './dispatcher.js';

/** SQS's longest DelaySeconds. */
export const MAX_CHECK_DELAY_SECONDS = 900;
/** Until the bound of a channel is configured: a channel's answer normally takes seconds. */
export const DEFAULT_CHECK_DELAY_SECONDS = 300;

/** `sandbox=120,stripe=600` → seconds per channel. @throws Error on a malformed entry. */
export function parseCheckDelays(value: string | undefined): Record<string, number> {
  const delays: Record<string, number> = {};
  for (const entry of (value ?? '').split(',').map((e) => e.trim())) {
    if (entry === '') continue;
    const match = /^([a-z][a-z0-9-]*)=([0-9]{1,3})$/.exec(entry);
    const seconds = Number(match?.[2]);
    if (!match?.[1] || seconds > MAX_CHECK_DELAY_SECONDS)
      throw new Error(
        `channel check delay "${entry}" is not <channel>=<0..${MAX_CHECK_DELAY_SECONDS} seconds>`,
      );
    delays[match[1]] = seconds;
  }
  return delays;
}

export interface CheckQueue {
  send(checks: readonly ChannelCheck[]): Promise<void>;
}

export function createCheckQueue(options: {
  readonly queueUrl: string;
  readonly delays: Readonly<Record<string, number>>;
  /** The SQS call; tests inject one. */
  readonly sendBatch?: (queueUrl: string, entries: readonly SqsEntry[]) => Promise<void>;
}): CheckQueue {
  const delayOf = (channel: string) => options.delays[channel] ?? DEFAULT_CHECK_DELAY_SECONDS;
  const sendBatch = options.sendBatch ?? sendMessageBatch;
  return {
    async send(checks) {
      for (let i = 0; i < checks.length; i += 10) {
        const entries = checks.slice(i, i + 10).map((c, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify(c),
          DelaySeconds: delayOf(c.channel),
        }));
        await sendBatch(options.queueUrl, entries);
      }
    },
  };
}

/** Sends one message to a queue as it is (an unresolved check to the checks' dead-letter queue). */
export async function sendOne(queueUrl: string, body: unknown): Promise<void> {
  await sendMessage(queueUrl, JSON.stringify(body));
}

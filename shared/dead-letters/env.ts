/**
 * Environment of the dead-letter routes, parsed once at cold start with `loadEnv`.
 *
 * `DEAD_LETTER_QUEUES` is built by infra/constructs/dead-letters.ts: every DLQ of the stack by its ops
 * name, with its URL, ARN and the names of the queues whose redrive policy sends messages to it. The
 * function therefore never lists queues (no `sqs:ListQueues`, which cannot be scoped to resources).
 */
import * as z from 'zod/mini';
import { tableEnvSchema } from '../config/env.js';

/** Ops names of dead-letter queues: lower-case words joined by hyphens (`merchant-webhooks`). */
export const DEAD_LETTER_QUEUE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

const deadLetterQueueSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  arn: z.string().check(z.startsWith('arn:')),
  /** Source queues' names; empty for the on-failure destinations of stream event source mappings. */
  sources: z.array(z.string().check(z.minLength(1))),
  /**
   * Where a redrive sends messages that no redrive policy put there (a Lambda asynchronous-invocation DLQ:
   * its messages carry no source queue, so the move task must name its destination). Absent: each message
   * goes back to the queue it came from.
   */
  redriveTo: z.optional(z.string().check(z.startsWith('arn:'))),
});

const registrySchema = z.record(z.string().check(z.regex(DEAD_LETTER_QUEUE_NAME)), deadLetterQueueSchema);

const json = z.pipe(
  z.string(),
  z.transform((value: string, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.issues.push({ code: 'custom', message: 'must be JSON', input: value });
      return z.NEVER;
    }
  }),
);

export const deadLettersEnvSchema = z.extend(tableEnvSchema, {
  DEAD_LETTER_QUEUES: z.pipe(json, registrySchema),
});

export type DeadLettersEnv = z.infer<typeof deadLettersEnvSchema>;
export type DeadLetterQueueRegistry = DeadLettersEnv['DEAD_LETTER_QUEUES'];

import * as z from 'zod/mini';
import { currencySchema, isoTimestamp } from './common.js';
import './locale.js';

export const SANDBOX_EVENT_TYPES = [
  'payment.succeeded',
  'payment.failed',
  'refund.succeeded',
  'refund.failed',
] as const;

/** Body of a sandbox channel callback (contract: Sandbox channel webhooks). Unknown fields are tolerated. */
export const sandboxWebhookSchema = z.object({
  id: z.string().check(z.regex(/^evt_[A-Za-z0-9_-]{1,128}$/, { error: 'must be an evt_ id' })),
  type: z.enum(SANDBOX_EVENT_TYPES),
  data: z.object({
    reference: z
      .string()
      .check(z.regex(/^(pay|re)_[A-Za-z0-9]{1,64}$/, { error: 'must be a pay_ or re_ id' })),
    channelReference: z.string().check(z.minLength(1), z.maxLength(255)),
    amount: z.number().check(z.int(), z.nonnegative()),
    currency: currencySchema,
    occurredAt: isoTimestamp,
  }),
});
export type SandboxWebhook = z.infer<typeof sandboxWebhookSchema>;

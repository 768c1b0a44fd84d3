import * as z from 'zod';
import { currencySchema, isoTimestamp } from './common.js';

export const SANDBOX_EVENT_TYPES = [
  'payment.succeeded',
  'payment.failed',
  'refund.succeeded',
  'refund.failed',
] as const;

/** Body of a sandbox channel callback (contract: Sandbox channel webhooks). Unknown fields are tolerated. */
export const sandboxWebhookSchema = z.object({
  id: z.string().regex(/^evt_[A-Za-z0-9_-]{1,128}$/, { error: 'must be an evt_ id' }),
  type: z.enum(SANDBOX_EVENT_TYPES),
  data: z.object({
    reference: z.string().regex(/^(pay|re)_[A-Za-z0-9]{1,64}$/, { error: 'must be a pay_ or re_ id' }),
    channelReference: z.string().min(1).max(255),
    amount: z.number().int().nonnegative(),
    currency: currencySchema,
    occurredAt: isoTimestamp,
  }),
});
export type SandboxWebhook = z.infer<typeof sandboxWebhookSchema>;

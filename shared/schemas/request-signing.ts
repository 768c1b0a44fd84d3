/**
 * PUT /v1/ops/merchants/{merchantId}/request-signing (ops): whether the merchant must sign its requests
 * (contract: "Request signing"). The answer carries the secret only when the PUT turned signing on.
 */
import * as z from 'zod/mini';
import './locale.js';

export const requestSigningBody = z.strictObject({ required: z.boolean() });
export type RequestSigningBody = z.infer<typeof requestSigningBody>;

export const requestSigningAnswer = z.object({
  required: z.boolean(),
  secret: z.optional(z.string().check(z.regex(/^rss_[A-Za-z0-9_-]{43}$/))),
});

/**
 * Merchants and their API keys (docs/contract.md, "Merchants, API keys and gateway controls"): the ops
 * request bodies and queries, strict like every request body (an unknown field is a 400), and the objects
 * the routes answer.
 */
import * as z from 'zod/mini';
import { MERCHANT_STATUSES, RISK_RATINGS } from '../domain/merchants/onboarding.js';
import { amountSchema, currencySchema, cursorSchema, limitSchema } from './common.js';
import './locale.js';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const merchantStatusSchema = z.enum(MERCHANT_STATUSES);
export const riskRatingSchema = z.enum(RISK_RATINGS);

export const createMerchantBody = z.strictObject({
  name: text(200),
  /** ISO 3166-1 alpha-2. */
  country: z
    .string()
    .check(z.regex(/^[A-Z]{2}$/, { error: 'must be an upper-case ISO 3166-1 alpha-2 code' })),
  website: z.optional(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).check(z.maxLength(2048)),
  ),
  /** ISO 18245 merchant category code. */
  mcc: z.optional(
    z.string().check(z.regex(/^\d{4}$/, { error: 'must be a 4-digit merchant category code' })),
  ),
  expectedMonthlyVolume: z
    .record(currencySchema, amountSchema)
    .check(z.refine((v) => Object.keys(v).length <= 50, { error: 'at most 50 currencies' })),
});
export type CreateMerchantBody = z.infer<typeof createMerchantBody>;

export const reviewMerchantBody = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  riskRating: z.optional(riskRatingSchema),
  note: z.optional(text(1000)),
});
export type ReviewMerchantBody = z.infer<typeof reviewMerchantBody>;

/** Suspend and reinstate: why, for the merchant's history. */
export const merchantNoteBody = z.strictObject({ note: z.optional(text(1000)) });

export const listMerchantsQuery = z.strictObject({
  limit: limitSchema,
  cursor: z.optional(cursorSchema),
  status: z.optional(merchantStatusSchema),
});
export type ListMerchantsQuery = z.infer<typeof listMerchantsQuery>;

/** A change of the merchant: who (the ops caller), when, why (the note). */
export const merchantChangeSchema = z.object({
  action: z.enum(['create', 'approve', 'reject', 'suspend', 'reinstate']),
  from: z.nullable(merchantStatusSchema),
  to: merchantStatusSchema,
  by: z.string(),
  at: z.string(),
  note: z.nullable(z.string()),
  riskRating: z.optional(riskRatingSchema),
});
export type MerchantChange = z.infer<typeof merchantChangeSchema>;

/** A change of one of the merchant's API keys, in the same history: who issued, rolled or revoked which key. */
export const apiKeyChangeSchema = z.object({
  action: z.enum(['issue_key', 'roll_key', 'revoke_key']),
  /** The key issued, rolled (the old one) or revoked. */
  keyId: z.string(),
  /** A roll's new key. */
  newKeyId: z.optional(z.string()),
  by: z.string(),
  at: z.string(),
  note: z.nullable(z.string()),
});
export type ApiKeyChange = z.infer<typeof apiKeyChangeSchema>;

export const merchantSchema = z.object({
  id: z.string().check(z.startsWith('m_')),
  object: z.literal('merchant'),
  name: z.string(),
  country: z.string(),
  website: z.nullable(z.string()),
  mcc: z.nullable(z.string()),
  expectedMonthlyVolume: z.record(z.string(), z.number()),
  status: merchantStatusSchema,
  riskRating: z.nullable(riskRatingSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** GET of one merchant only: every change of it and of its keys, oldest first. */
  history: z.optional(z.array(z.union([merchantChangeSchema, apiKeyChangeSchema]))),
});
export type Merchant = z.infer<typeof merchantSchema>;

export const rollApiKeyBody = z.strictObject({
  expiresInSeconds: z._default(z.int().check(z.minimum(0), z.maximum(30 * 86_400)), 86_400),
});
export type RollApiKeyBody = z.infer<typeof rollApiKeyBody>;

export const apiKeyStatusSchema = z.enum(['active', 'expiring', 'revoked']);

export const apiKeySchema = z.object({
  id: z.string().check(z.startsWith('key_')),
  object: z.literal('api_key'),
  merchantId: z.string(),
  last4: z.string(),
  status: apiKeyStatusSchema,
  createdAt: z.string(),
  expiresAt: z.nullable(z.string()),
  revokedAt: z.nullable(z.string()),
  /** Issue and roll answers only, the one time it is shown. */
  secret: z.optional(z.string().check(z.startsWith('sk_'))),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

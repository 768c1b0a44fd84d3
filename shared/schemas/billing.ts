/**
 * Billing (contract: usage metering and billing): the ops price list and the merchant's monthly statement.
 * Prices are integers in minor units: per 1,000 requests by route key (`METHOD /path/{param}`, as the API
 * declares its routes) or `*` for every other route, and per payment created.
 */
import * as z from 'zod/mini';
import { currencySchema } from './common.js';
import './locale.js';

/** Price bounds: $10,000 per 1,000 requests or per payment keep every statement amount a safe integer. */
export const MAX_PRICE = 1_000_000;
export const MAX_PRICED_ROUTES = 200;

const PRICE_ERROR = `must be an integer number of minor units from 0 to ${MAX_PRICE}`;
const priceSchema = z
  .number({ error: PRICE_ERROR })
  .check(
    z.int({ error: PRICE_ERROR }),
    z.minimum(0, { error: PRICE_ERROR }),
    z.maximum(MAX_PRICE, { error: PRICE_ERROR }),
  );

const ROUTE_KEY = /^(GET|POST|PUT|PATCH|DELETE) \/[A-Za-z0-9/{}_.-]{1,200}$/;

/**
 * The price list. `routes`, when given, are the API's route keys: a price for a route the API does not
 * have is refused (a typo would otherwise price nothing, silently).
 */
export function billingPricesSchema(routes?: readonly string[]) {
  const known = routes ? new Set(routes) : undefined;
  return z.strictObject({
    currency: currencySchema,
    perRequest: z._default(z.record(z.string(), priceSchema), {}).check(
      z.superRefine((perRequest: Record<string, number>, ctx) => {
        const keys = Object.keys(perRequest);
        if (keys.length > MAX_PRICED_ROUTES)
          ctx.issues.push({
            code: 'custom',
            message: `must price at most ${MAX_PRICED_ROUTES} routes`,
            input: perRequest,
          });
        for (const key of keys) {
          if (key === '*') continue;
          if (!ROUTE_KEY.test(key) || (known && !known.has(key)))
            ctx.issues.push({
              code: 'custom',
              message: 'must be "*" or a route of the API, as "METHOD /path/{param}"',
              path: [key],
              input: key,
            });
        }
      }),
    ),
    perPayment: z._default(priceSchema, 0),
  });
}
export type BillingPricesBody = z.infer<ReturnType<typeof billingPricesSchema>>;

const amount = z.number().check(z.int(), z.minimum(0));

export const statementSchema = z.object({
  month: z.string(),
  currency: z.string(),
  lines: z.array(z.object({ description: z.string(), quantity: amount, unitPrice: amount, amount })),
  total: amount,
});

/**
 * Environment of each function, parsed once at cold start. A missing or malformed variable throws a
 * `ConfigError` naming it, so a wiring mistake fails the first invocation loudly instead of surfacing
 * later as an obscure SDK error.
 *
 * `zod/mini` rather than classic zod: the authorizer and the dispatcher validate no request bodies,
 * and classic zod would add ~75 KB to their bundles for these three variables.
 */
import * as z from 'zod/mini';
import { defined } from '../schemas/defined.js';
import { OUTCOME_INDEX_LAG_MS } from '../store/keys.js';
import { ConfigError } from './errors.js';

const nonEmpty = /* @__PURE__ */ defined(() =>
  z.string().check(z.trim(), z.minLength(1, { error: 'must be set' })),
);

/** Comma-separated list; several secrets are accepted while one is being rotated. */
const secretList = /* @__PURE__ */ defined(() =>
  z.pipe(
    z.pipe(
      nonEmpty,
      z.transform((value: string) =>
        value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      ),
    ),
    z.array(z.string()).check(z.minLength(1, { error: 'must hold at least one secret' })),
  ),
);

export const tableEnvSchema = /* @__PURE__ */ defined(() => z.object({ TABLE_NAME: nonEmpty }));

/** The channel callback: its secrets only; outcomes are applied by core's function (below), not here. */
export const callbackEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ SANDBOX_WEBHOOK_SECRETS: secretList }),
);

/**
 * Whoever has a channel's outcome applied (the callback, the dispatcher, the checks, reconciliation's
 * repairs): core's function that applies it (functions/internal/apply-channel-outcomes.ts), its `live`
 * alias. Its own schema, read next to each caller's.
 */
export const applyOutcomesEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN: nonEmpty }),
);

/**
 * The dispatcher and the checks: core's function that answers where payments and refunds stand
 * (functions/internal/object-states.ts), its `live` alias.
 */
export const objectStatesEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ OBJECT_STATES_FUNCTION_ARN: nonEmpty }),
);

const sandboxPspShape = /* @__PURE__ */ defined(() => ({
  SANDBOX_PSP_URL: z.pipe(
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    z.transform((u: string) => u.replace(/\/+$/, '')),
  ),
}));

export const dispatchEnvSchema = /* @__PURE__ */ defined(() => z.extend(tableEnvSchema, sandboxPspShape));

/**
 * The channel checks (shared/channels/checker.ts): their queue, the bound per channel before a submission
 * is checked (`sandbox=120,stripe=600`, seconds, at most 900), and how many checks before ops are told.
 */
const channelChecksShape = /* @__PURE__ */ defined(() => ({
  CHANNEL_CHECKS_QUEUE_URL: nonEmpty,
  CHANNEL_CHECK_DELAYS: z._default(z.string(), ''),
}));

/** The dispatcher: the table, the sandbox PSP, and the channel checks it schedules. */
export const dispatcherEnvSchema = /* @__PURE__ */ defined(() =>
  z.extend(dispatchEnvSchema, channelChecksShape),
);

/**
 * create-payment: how long a merchant's risk profile is applied from the container's cache before it is
 * read again (see store/dynamodb/risk-profiles.ts `cachingRiskProfiles` for why 1 s). 0 = every create reads.
 */
export const createPaymentEnvSchema = /* @__PURE__ */ defined(() =>
  z.extend(tableEnvSchema, {
    RISK_PROFILE_TTL_MS: z._default(
      z.coerce.number().check(z.int({ error: 'must be an integer' }), z.minimum(0), z.maximum(60_000)),
      1000,
    ),
    /** How long create-payment uses a quota usage read per channel (store/dynamodb/quota-usage.ts). */
    QUOTA_USAGE_TTL_MS: z._default(
      z.coerce.number().check(z.int({ error: 'must be an integer' }), z.minimum(0), z.maximum(2_000)),
      500,
    ),
    /** How long a merchant's routing configuration is cached per container (the contract: applied within 2 s). */
    ROUTING_CONFIG_TTL_MS: z._default(
      z.coerce.number().check(z.int({ error: 'must be an integer' }), z.minimum(0), z.maximum(2_000)),
      1000,
    ),
    /**
     * Risk's `count-refusal` function (its `live` alias), invoked asynchronously per refusal of the
     * before-checks; unset (a create run on a table alone), a refusal is not counted and a warning says so.
     */
    COUNT_REFUSAL_FUNCTION_ARN: z.optional(nonEmpty),
    /**
     * What the before-checks and routing read of other services' items, each asked of its owner's
     * function (their `live` aliases) on a cache miss only: risk's `merchant-risk-profile`, the channels'
     * `routing-config` and `channel-facts` (shared/internal/*.ts).
     */
    MERCHANT_RISK_PROFILE_FUNCTION_ARN: nonEmpty,
    ROUTING_CONFIG_FUNCTION_ARN: nonEmpty,
    CHANNEL_FACTS_FUNCTION_ARN: nonEmpty,
  }),
);

/** The statement upload route: the bucket statements are kept in. */
export const statementsEnvSchema = /* @__PURE__ */ defined(() => z.object({ STATEMENTS_BUCKET: nonEmpty }));

/** A whole number of decimal digits within bounds; absent → `fallback`. */
function envInteger(min: number, max: number, fallback: number) {
  const error = `must be an integer from ${min} to ${max}`;
  return z._default(
    z.pipe(
      z.string().check(z.regex(/^[0-9]{1,9}$/, { error })),
      z.pipe(
        z.transform((digits: string) => Number(digits)),
        z.number().check(z.minimum(min, { error }), z.maximum(max, { error })),
      ),
    ),
    fallback,
  );
}

/**
 * The reconciliation run consumer's queue: its redrive maxReceiveCount (the last receive marks the run
 * failed). Its own schema: the consumer reads it at cold start, before (and without) its other settings.
 */
export const runReceivesEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ RUNS_MAX_RECEIVE_COUNT: envInteger(1, 1000, 3) }),
);

/** Runs that read the outcome indexes: how long after a run's start they wait (keys.ts OUTCOME_INDEX_LAG_MS). */
export const outcomeIndexEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({
    OUTCOME_INDEX_LAG_MS: envInteger(0, 600_000, OUTCOME_INDEX_LAG_MS),
  }),
);

/** The reconciliation run consumer: the table, the statements bucket, and the channels' statements. */
export const reconcileRunEnvSchema = /* @__PURE__ */ defined(() =>
  z.extend(dispatchEnvSchema, {
    STATEMENTS_BUCKET: nonEmpty,
    ...outcomeIndexEnvSchema.shape,
  }),
);

/**
 * The channel checks' consumer: the sandbox PSP and the checks' queue as the dispatcher has them, the
 * checks' DLQ and the number of checks. No table: the objects they check come from core's function
 * (objectStatesEnvSchema).
 */
export const channelCheckEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({
    ...sandboxPspShape,
    ...channelChecksShape,
    CHANNEL_CHECKS_DEAD_LETTER_QUEUE_URL: nonEmpty,
    CHANNEL_CHECK_MAX: envInteger(1, 100, 3),
  }),
);

/** The settlement task that reads a merchant's line items: the table, and the index wait. */
export const settleMerchantEnvSchema = /* @__PURE__ */ defined(() =>
  z.extend(tableEnvSchema, outcomeIndexEnvSchema.shape),
);

/** Callers of risk's `set-holds` function (reconciliation's run and resolve route): its `live` alias. */
export const setHoldsEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ SET_HOLDS_FUNCTION_ARN: nonEmpty }),
);

/** The merchant review: risk's `rate-merchant` function (its `live` alias), which rates an approval. */
export const rateMerchantEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ RATE_MERCHANT_FUNCTION_ARN: nonEmpty }),
);

/**
 * Other services' functions a function invokes (ServiceStack.useFunction puts each one's `live` alias
 * ARN in the environment): each its own schema, loaded by the handler that calls it.
 */
export const settlementLinesEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ SETTLEMENT_LINES_FUNCTION_ARN: nonEmpty }),
);
export const channelDayOutcomesEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ CHANNEL_DAY_OUTCOMES_FUNCTION_ARN: nonEmpty }),
);
export const channelFeesEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ CHANNEL_FEES_FUNCTION_ARN: nonEmpty }),
);
export const heldPaymentsEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ HELD_PAYMENTS_FUNCTION_ARN: nonEmpty }),
);
export const merchantRegistryEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ MERCHANT_REGISTRY_FUNCTION_ARN: nonEmpty }),
);
export const paymentCustomerEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ PAYMENT_CUSTOMER_FUNCTION_ARN: nonEmpty }),
);
export const paymentEventsEnvSchema = /* @__PURE__ */ defined(() =>
  z.object({ PAYMENT_EVENTS_FUNCTION_ARN: nonEmpty }),
);

export type TableEnv = z.infer<typeof tableEnvSchema>;
export type CallbackEnv = z.infer<typeof callbackEnvSchema>;
export type DispatchEnv = z.infer<typeof dispatchEnvSchema>;

/**
 * Parses `source` (default `process.env`) with `schema`.
 * @throws ConfigError listing every offending variable.
 */
export function loadEnv<S extends z.ZodMiniType>(
  schema: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = z.safeParse(schema, source);
  if (result.success) return result.data;
  const variables = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? '?')))];
  const details = result.error.issues.map((i) => `${String(i.path[0] ?? '?')} ${i.message}`).join('; ');
  throw new ConfigError(`invalid environment: ${details}`, variables);
}

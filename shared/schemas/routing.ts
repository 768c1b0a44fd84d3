/**
 * The routing configuration of a merchant (GET / PUT /v1/ops/merchants/{merchantId}/routing) and a
 * channel's settings (PUT /v1/ops/channels/{channel}). Strict like every request body here: an unknown
 * field is a 400, so a misspelt `amountMax` never silently widens a rule. What GET returns is what was
 * PUT, so it is always a valid PUT body.
 */
import * as z from 'zod/mini';
import { DEFAULT_BREAKER_SETTINGS } from '../domain/breaker.js';
import { MAX_AMOUNT } from '../domain/money.js';
import { ROUTING_CHANNELS, supportsCurrency } from '../domain/routing/catalogue.js';
import { ROUTING_STRATEGIES, type RoutingTarget } from '../domain/routing/config.js';
import { MAX_FEE_BPS } from '../domain/routing/fees.js';
import { currencySchema } from './common.js';
import './locale.js';

/** Caps that keep a configuration one small item and a decision well under a millisecond. */
export const MAX_RULES = 50;
export const MAX_RULE_CURRENCIES = 50;
/** ISO 3166-1 has 249 codes. */
export const MAX_RULE_COUNTRIES = 249;
/** Largest daily quota: 10^15 minor units, a thousand maximal payments, still a safe integer sum. */
export const MAX_DAILY_QUOTA = 1_000_000_000_000_000;

const routingChannelSchema = z.enum(ROUTING_CHANNELS, {
  error: `must be one of: ${ROUTING_CHANNELS.join(', ')}`,
});
const strategySchema = z.enum(ROUTING_STRATEGIES, {
  error: `must be one of: ${ROUTING_STRATEGIES.join(', ')}`,
});

const PERCENT_ERROR = 'must be an integer percent from 0 to 100';
const percentSchema = z
  .number({ error: PERCENT_ERROR })
  .check(
    z.int({ error: PERCENT_ERROR }),
    z.minimum(0, { error: PERCENT_ERROR }),
    z.maximum(100, { error: PERCENT_ERROR }),
  );

const boundSchema = z
  .number({ error: 'must be an integer number of minor units' })
  .check(
    z.int({ error: 'must be an integer number of minor units' }),
    z.minimum(0, { error: 'must be at least 0' }),
    z.maximum(MAX_AMOUNT, { error: `must be at most ${MAX_AMOUNT}` }),
  );

function unique(what: string) {
  return z.refine<readonly unknown[]>((list) => new Set(list).size === list.length, {
    error: `must not list a ${what} twice`,
  });
}

const channelsSchema = z
  .array(routingChannelSchema)
  .check(
    z.minLength(1, { error: 'must list at least one channel' }),
    z.maxLength(ROUTING_CHANNELS.length, { error: `must list at most ${ROUTING_CHANNELS.length} channels` }),
    unique('channel'),
  );

/** Percent by channel (`{ "stripe": 70 }`) or aligned with `channels` (`[70, 30]`). */
const weightsSchema = z.union([
  z.partialRecord(routingChannelSchema, percentSchema),
  z.array(percentSchema).check(z.maxLength(ROUTING_CHANNELS.length)),
]);

const targetFields = {
  strategy: strategySchema,
  channels: channelsSchema,
  weights: z.optional(weightsSchema),
};

/** volume_split needs one weight per listed channel summing to 100; other strategies take none. */
function weightsIssues(target: RoutingTarget): { message: string; path: (string | number)[] }[] {
  const { strategy, channels, weights } = target;
  if (strategy !== 'volume_split') {
    return weights === undefined ? [] : [{ message: 'only volume_split takes weights', path: ['weights'] }];
  }
  if (weights === undefined) return [{ message: 'volume_split requires weights', path: ['weights'] }];
  const issues: { message: string; path: (string | number)[] }[] = [];
  let values: number[];
  if (Array.isArray(weights)) {
    values = [...(weights as readonly number[])];
    if (values.length !== channels.length) {
      issues.push({ message: `must have one weight per channel (${channels.length})`, path: ['weights'] });
    }
  } else {
    const byChannel = weights as Readonly<Record<string, number>>;
    for (const key of Object.keys(byChannel)) {
      if (!(channels as readonly string[]).includes(key)) {
        issues.push({ message: `${key} is not in channels`, path: ['weights', key] });
      }
    }
    for (const channel of channels) {
      if (!Object.hasOwn(byChannel, channel)) {
        issues.push({ message: `a weight for ${channel} is required`, path: ['weights', channel] });
      }
    }
    values = Object.values(byChannel);
  }
  const sum = values.reduce((s, w) => s + w, 0);
  if (issues.length === 0 && sum !== 100) {
    issues.push({ message: `must sum to 100 (they sum to ${sum})`, path: ['weights'] });
  }
  return issues;
}

function checkTarget<T extends RoutingTarget>() {
  return z.superRefine((target: T, ctx) => {
    for (const { message, path } of weightsIssues(target)) {
      ctx.issues.push({ code: 'custom', message, path, input: target.weights });
    }
  });
}

export const routingTargetSchema = z.strictObject(targetFields).check(checkTarget());

export const ruleConditionsSchema = z
  .strictObject({
    currencies: z.optional(
      z
        .array(currencySchema)
        .check(
          z.minLength(1, { error: 'must list at least one currency (leave it out to match every currency)' }),
          z.maxLength(MAX_RULE_CURRENCIES, { error: `must list at most ${MAX_RULE_CURRENCIES} currencies` }),
          unique('currency'),
        ),
    ),
    amountMin: z.optional(boundSchema),
    amountMax: z.optional(boundSchema),
    countries: z.optional(
      z
        .array(
          z.string().check(z.regex(/^[A-Z]{2}$/, { error: 'must be an upper-case ISO 3166-1 alpha-2 code' })),
        )
        .check(
          z.minLength(1, { error: 'must list at least one country (leave it out to match every country)' }),
          z.maxLength(MAX_RULE_COUNTRIES, { error: `must list at most ${MAX_RULE_COUNTRIES} countries` }),
          unique('country'),
        ),
    ),
  })
  .check(
    z.refine((w) => w.amountMin === undefined || w.amountMax === undefined || w.amountMin <= w.amountMax, {
      error: 'must be at least amountMin',
      path: ['amountMax'],
    }),
  );

export const routingRuleSchema = z
  .strictObject({
    name: z.string({ error: 'must be a string' }).check(
      z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
        error: 'must be 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit',
      }),
    ),
    /** Absent: the rule matches every payment (GET answers it as `{}`). */
    when: z._default(ruleConditionsSchema, {}),
    ...targetFields,
  })
  .check(checkTarget());

const quotaSchema = z
  .number({ error: 'must be an integer number of minor units' })
  .check(
    z.int({ error: 'must be an integer number of minor units' }),
    z.minimum(0, { error: 'must be at least 0' }),
    z.maximum(MAX_DAILY_QUOTA, { error: `must be at most ${MAX_DAILY_QUOTA}` }),
  );

/** Daily limits by channel then currency; a currency the channel does not take is refused. */
export const routingQuotasSchema = z
  .partialRecord(routingChannelSchema, z.record(currencySchema, quotaSchema))
  .check(
    z.superRefine((quotas, ctx) => {
      for (const [channel, limits] of Object.entries(quotas)) {
        for (const currency of Object.keys(limits ?? {})) {
          if (!supportsCurrency(channel as (typeof ROUTING_CHANNELS)[number], currency)) {
            const message = `${channel} does not take ${currency}`;
            ctx.issues.push({ code: 'custom', message, path: [channel, currency], input: quotas });
          }
        }
      }
    }),
  );

export const routingConfigSchema = z
  .strictObject({
    rules: z._default(
      z.array(routingRuleSchema).check(z.maxLength(MAX_RULES, { error: `at most ${MAX_RULES} rules` })),
      [],
    ),
    /** Absent: what a merchant without configuration gets, priority over ["sandbox"]. */
    default: z._default(routingTargetSchema, { strategy: 'priority', channels: ['sandbox'] }),
    quotas: z._default(routingQuotasSchema, {}),
  })
  .check(
    z.superRefine((config, ctx) => {
      const seen = new Map<string, number>();
      config.rules.forEach((rule, index) => {
        const first = seen.get(rule.name);
        if (first === undefined) seen.set(rule.name, index);
        else {
          const message = `duplicate rule name "${rule.name}" (first at rules[${first}])`;
          ctx.issues.push({ code: 'custom', message, path: ['rules', index, 'name'], input: rule.name });
        }
      });
    }),
  );

export type RoutingConfigBody = z.infer<typeof routingConfigSchema>;
export type RoutingConfigInput = z.input<typeof routingConfigSchema>;

const BPS_ERROR = `must be an integer number of basis points from 0 to ${MAX_FEE_BPS}`;
export const channelFeeSchema = z.strictObject({
  percentBps: z
    .number({ error: BPS_ERROR })
    .check(
      z.int({ error: BPS_ERROR }),
      z.minimum(0, { error: BPS_ERROR }),
      z.maximum(MAX_FEE_BPS, { error: BPS_ERROR }),
    ),
  fixed: boundSchema,
});

const seconds = (max: number) => {
  const error = `must be an integer number of seconds from 1 to ${max}`;
  return z.number({ error }).check(z.int({ error }), z.minimum(1, { error }), z.maximum(max, { error }));
};

export const breakerSettingsSchema = z.strictObject({
  failureThreshold: z._default(
    z.number().check(z.int({ error: 'must be an integer from 1 to 1000' }), z.minimum(1), z.maximum(1000)),
    DEFAULT_BREAKER_SETTINGS.failureThreshold,
  ),
  windowSeconds: z._default(seconds(3600), DEFAULT_BREAKER_SETTINGS.windowSeconds),
  cooldownSeconds: z._default(seconds(3600), DEFAULT_BREAKER_SETTINGS.cooldownSeconds),
});

/** PUT /v1/ops/channels/{channel}: `{ fees, breaker }`, every part defaulted. */
export const channelSettingsSchema = z.strictObject({
  fees: z._default(z.record(currencySchema, channelFeeSchema), {}),
  breaker: z._default(breakerSettingsSchema, { ...DEFAULT_BREAKER_SETTINGS }),
});

export type ChannelSettings = z.infer<typeof channelSettingsSchema>;

/** The settings of a channel ops never changed. */
export const DEFAULT_CHANNEL_SETTINGS: ChannelSettings = channelSettingsSchema.parse({});

/** Fees in a currency the channel does not take, as problem `errors` paths; empty when all are fine. */
export function unsupportedFeeCurrencies(
  channel: (typeof ROUTING_CHANNELS)[number],
  settings: ChannelSettings,
): { path: string; message: string }[] {
  return Object.keys(settings.fees)
    .filter((currency) => !supportsCurrency(channel, currency))
    .map((currency) => ({ path: `fees.${currency}`, message: `${channel} does not take ${currency}` }));
}

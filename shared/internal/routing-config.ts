/**
 * The contract of the channels' `routing-config` function: a merchant's routing configuration as stored
 * (ops validated it whole when they PUT it), or `null` when the merchant has none, for routing at create.
 * One strongly consistent GetItem of `ROUTING#<merchant>` per invocation, never cached by the function:
 * create-payment keeps each answer ROUTING_CONFIG_TTL_MS (1 s) per container, so a PUT applies to every
 * new payment within 2 s (docs/contract.md).
 */
import * as z from 'zod/mini';
import type { RoutingConfig } from '../domain/routing/config.js';
import { defined } from '../schemas/defined.js';
import { checkedRoutingConfig } from '../store/dynamodb/routing-config-reads.js';

export const ROUTING_CONFIG = 'routing-config';

export const routingConfigRequest = /* @__PURE__ */ defined(() =>
  z.strictObject({ merchantId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)) }),
);
export type RoutingConfigRequest = z.infer<typeof routingConfigRequest>;

export interface RoutingConfigAnswer {
  readonly config: RoutingConfig | null;
}

/**
 * The answer checked on the caller's side with the store's own hand check (routing-config-reads.ts): the
 * configuration's zod schema stays out of create-payment's bundle. @throws CorruptItemError (a 500, as a
 * corrupt item read directly was)
 */
export function routingConfigAnswerOf(answer: unknown, merchantId: string): RoutingConfig | null {
  const { config } = (answer ?? {}) as { config?: unknown };
  if (config === null) return null;
  return checkedRoutingConfig(config, `${ROUTING_CONFIG} answer for ${merchantId}`);
}

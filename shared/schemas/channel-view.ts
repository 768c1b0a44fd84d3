/**
 * What GET /v1/ops/channels and GET/PUT /v1/ops/channels/{channel} answer (contract: "Routing and channel
 * health"), in zod for the OpenAPI document, checked against the type the code returns.
 */
import * as z from 'zod/mini';
import { ROUTING_CHANNELS } from '../domain/routing/catalogue.js';
import type { ChannelView } from '../store/dynamodb/channel-facts.js';
import { channelFeeSchema } from './routing.js';

const count = z.int().check(z.minimum(0));

export const channelViewSchema = z.object({
  id: z.enum(ROUTING_CHANNELS),
  /** Every currency it takes (Stripe and the sandbox: every ISO 4217 currency the system knows). */
  currencies: z.array(z.string()),
  fees: z.record(z.string(), channelFeeSchema),
  breaker: z.object({
    state: z.enum(['closed', 'open', 'half_open']),
    failureThreshold: count,
    windowSeconds: count,
    cooldownSeconds: count,
    openedAt: z.nullable(z.string()),
    recentFailures: count,
  }),
  health: z.object({
    attempts: count,
    succeeded: count,
    failed: count,
    unavailable: count,
    authorizationRate: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
  }),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Wire<T> = { -readonly [K in keyof T]: T[K] extends object ? Wire<T[K]> : T[K] };
// Fails to compile when the view gains, loses or retypes a field.
const _viewMatches: Same<z.output<typeof channelViewSchema>['health'], Wire<ChannelView['health']>> = true;
void _viewMatches;

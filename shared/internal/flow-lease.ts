/**
 * The contract of the gateway's `flow-lease` function (functions/internal/flow-lease.ts): one lease of
 * flow-control tokens from one shard of a merchant's bucket (`FLOW#<merchant>#<shard>`, the gateway's
 * items), for the merchant routes of the other services, which no longer write the buckets themselves.
 * The request is what the limiter's FlowStore.takeFromShard takes (shared/flow/limiter.ts), the answer
 * its ShardWrite. One invocation per lease, never per request: a container admits from its lease.
 */
import * as z from 'zod/mini';
import { MAX_LEASE, MAX_SHARDS } from '../domain/flow/token-bucket.js';
import { defined } from '../schemas/defined.js';

/** The name the gateway exposes it under (`payments-<stage>-gateway-flow-lease`, alias `live`). */
export const FLOW_LEASE_FUNCTION = 'flow-lease';
/** Where a merchant route of another service finds its `live` alias's ARN (ServiceStack.useFunction). */
export const FLOW_LEASE_ARN_ENV = 'FLOW_LEASE_FUNCTION_ARN';

/** The longest interval between two tokens of a shard: a shard earns at least 1 token a second. */
const MAX_INTERVAL_MICROS = 1_000_000;
const micros = () => z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));

/** token-bucket.ts LeasePlan, as planLease makes it: a lease of 1 to MAX_LEASE tokens. */
export const leasePlanSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    granted: z.int().check(z.minimum(1), z.maximum(MAX_LEASE)),
    idle: z.boolean(),
    /** The caller's clock (epoch µs). */
    now: micros(),
    /** `granted` × the shard's interval (µs). */
    increment: z.int().check(z.minimum(1), z.maximum(MAX_LEASE * MAX_INTERVAL_MICROS)),
    latest: micros(),
    next: micros(),
  }),
);

export const flowLeaseRequestSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    merchantId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
    /** token-bucket.ts shardCount: at most MAX_SHARDS shards, numbered from 0. */
    shard: z.int().check(z.minimum(0), z.maximum(MAX_SHARDS - 1)),
    plan: leasePlanSchema,
  }),
);
export type FlowLeaseRequest = z.infer<typeof flowLeaseRequestSchema>;

/**
 * limiter.ts ShardWrite: taken (the shard's `fullAt` after the take) or refused (its `fullAt` now,
 * absent when the shard holds none, which JSON cannot say otherwise).
 */
export const flowLeaseAnswerSchema = /* @__PURE__ */ defined(() =>
  z.union([
    z.strictObject({ ok: z.literal(true), fullAt: micros() }),
    z.strictObject({ ok: z.literal(false), fullAt: z.optional(micros()) }),
  ]),
);
export type FlowLeaseAnswer = z.infer<typeof flowLeaseAnswerSchema>;

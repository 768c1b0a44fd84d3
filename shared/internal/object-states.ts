/**
 * The contract of core's `object-states` function: where payments and refunds stand now, for the
 * channels' dispatcher (is the payment still processing, at which channel, which channels has it left?)
 * and channel checks (is the payment or refund still open at the channel checked, for how much?), which
 * no longer read core's items. The dispatcher asks once per stream batch (≤ 25 records), the checks once
 * per queue batch (≤ 10 messages): one invocation per batch, never per object.
 *
 * The answer holds those fields only, not the item: status, channel, the channels a payment left as
 * unavailable (the dispatcher never submits to one again), a refund's amount (a lost refund releases it).
 */
import * as z from 'zod/mini';
import { defined } from '../schemas/defined.js';
import { type InternalReader, internalReader } from './reader.js';

/** BatchGetItem's limit: a request is one BatchGetItem round (its unprocessed keys retried). */
export const OBJECT_STATES_MAX = 100;

// The ids core issues (store/items.ts SLOT_ID): anything else is a caller's bug, refused with the request.
const paymentId = /* @__PURE__ */ defined(() => z.string().check(z.regex(/^pay_[a-z2-7]{26}$/)));
const refundId = /* @__PURE__ */ defined(() => z.string().check(z.regex(/^re_[a-z2-7]{26}$/)));

export const objectRefSchema = /* @__PURE__ */ defined(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('payment'), id: paymentId }),
    z.strictObject({ kind: z.literal('refund'), id: refundId, paymentId }),
  ]),
);
export type ObjectRef = z.infer<typeof objectRefSchema>;

export const objectStatesRequestSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    objects: z.array(objectRefSchema).check(z.minLength(1), z.maxLength(OBJECT_STATES_MAX)),
    /**
     * Strongly consistent (the dispatcher: a retried batch must see a failover that just landed), or not
     * (the checks, at half the read price: a stale view costs a status query, every write is guarded).
     */
    consistent: z.boolean(),
  }),
);
export type ObjectStatesRequest = z.infer<typeof objectStatesRequestSchema>;

export const objectStateSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    status: z.string().check(z.minLength(1)),
    /** Null for a payment no channel could take at create. */
    channel: z.nullable(z.string()),
    /** A payment's channels it failed over from, or failed at, as unavailable. */
    left: z.optional(z.array(z.string())),
    /** A refund's amount (minor units). */
    amount: z.optional(z.int().check(z.minimum(0))),
  }),
);
export type ObjectState = z.infer<typeof objectStateSchema>;

export const objectStatesAnswerSchema = /* @__PURE__ */ defined(() =>
  z.strictObject({
    /** One per object asked, in the request's order; null when there is no such payment or refund. */
    states: z.array(z.nullable(objectStateSchema)),
  }),
);
export type ObjectStatesAnswer = z.infer<typeof objectStatesAnswerSchema>;

export type ObjectStatesReader = InternalReader<ObjectStatesRequest, ObjectStatesAnswer>;

/** The caller's side: the request checked before it leaves, the answer parsed. */
export const invokeObjectStates = (functionArn: string | undefined): ObjectStatesReader =>
  internalReader(objectStatesRequestSchema, objectStatesAnswerSchema, functionArn);

import { Duration } from 'aws-cdk-lib';
import { FLOW_LEASE_FUNCTION } from '../../shared/internal/flow-lease.js';
import { GSI2, GSI3, GSI4 } from '../../shared/store/keys.js';
import type { InternalFunctionProps } from '../stacks/service-stack.js';
import { API_MEMORY_MB, STREAM_TIMEOUT } from './payments-function.js';

/**
 * The internal functions (functions/internal/*, DESIGN.md 7, "services own their data"): what a service
 * needs of another's items it asks the owner's function, so it holds no grant on them. Each is declared
 * here, by owner, and built by its owner's stack with ServiceStack.internalFunction (a PaymentsFunction at
 * EVENT_MEMORY_MB unless stated: their time goes to DynamoDB round trips, which more CPU does not shorten;
 * granted as its owner; watched; published under its name); a caller's stack grants it with
 * useFunction(owner, name, …).
 */

/** The names the read-only ones are published under. */
export const INTERNAL_READS = {
  /** gateway: merchant ids of a status, paged (shared/internal/merchant-registry.ts). */
  merchantRegistry: 'merchant-registry',
  /** risk: payments of a page of merchants held for a reason (shared/internal/hold-counts.ts). */
  holdCounts: 'hold-counts',
  /** risk: a page of a merchant's payments held out of settlement (shared/internal/held-payments.ts). */
  heldPayments: 'held-payments',
  /** risk: a page of the review queue's keys (shared/internal/review-queue.ts). */
  reviewQueue: 'review-queue',
  /** reconciliation: open discrepancies of channel-days (shared/internal/open-discrepancies.ts). */
  openDiscrepancies: 'open-discrepancies',
  /** channels: outcome counts by clock hour (shared/internal/channel-health-summary.ts). */
  channelHealthSummary: 'channel-health-summary',
  /** core: a page of a merchant's settlement line items (shared/internal/settlement-lines.ts). */
  settlementLines: 'settlement-lines',
  /** core: a page of a channel-day's applied outcomes (shared/internal/channel-day-outcomes.ts). */
  channelDayOutcomes: 'channel-day-outcomes',
  /** channels: the fee schedules of channels (shared/internal/channel-fees.ts). */
  channelFees: 'channel-fees',
  /** core: a merchant's payment's customer identifiers, for a fraud report (shared/internal/payment-customer.ts). */
  paymentCustomer: 'payment-customer',
  /** core: a page of a payment's events, for the ops timeline (shared/internal/payment-events.ts). */
  paymentEvents: 'payment-events',
  /** risk: a merchant's stored risk profile and fraud reports, for the before-checks (merchant-risk-profile.ts). */
  merchantRiskProfile: 'merchant-risk-profile',
  /** channels: a merchant's routing configuration, for routing at create (routing-config.ts). */
  routingConfig: 'routing-config',
  /** channels: channels' records and outcome windows, for routing at create (channel-facts.ts). */
  channelFacts: 'channel-facts',
  /** core: where a batch of payments and refunds stands (shared/internal/object-states.ts). */
  objectStates: 'object-states',
} as const;

/** The name other services use core's risk decisions function by (`useFunction('core', …)`). */
export const RISK_DECISIONS_FUNCTION = 'apply-risk-decisions';
/** The environment variable its callers find its ARN in (risk's consumer and review route). */
export const RISK_DECISIONS_ARN_ENV = 'APPLY_RISK_DECISIONS_FUNCTION_ARN';
/** The name core publishes its channel outcomes function under. */
export const APPLY_CHANNEL_OUTCOMES = 'apply-channel-outcomes';
/** Where a caller finds it (shared/config/env.ts applyOutcomesEnvSchema). */
export const APPLY_CHANNEL_OUTCOMES_ENV = 'APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN';
/** Partition-key prefix (shared/store/keys.ts) of the merchants' token bucket shards. */
export const FLOW_BUCKETS = 'FLOW#*';

// ── core ─────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Writes risk's decisions on the payments core owns (functions/internal/apply-risk-decisions.ts): the
 * assessment and its effect, ops' review, and the full refund a rejected succeeded payment is owed.
 * Invoked by risk's consumer once per batch and by the review route once per request. Its grants: the
 * payment's read (a redelivered assessment, a review), its guarded updates, and the refund's transaction
 * (refund request and refund: Put; the payment: Update), all on payment partitions.
 */
export const APPLY_RISK_DECISIONS: InternalFunctionProps = {
  name: RISK_DECISIONS_FUNCTION,
  group: 'RiskDecisions',
  id: 'ApplyRiskDecisionsFunction',
  entry: 'internal/apply-risk-decisions',
  description: "Applies risk's assessments and ops reviews to payments (hold, cancel, refund)",
  grants: [
    {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      keys: ['OBJ#*'],
    },
  ],
};

/**
 * Applies what the channels learn about payments and refunds (their outcomes, and the dispatcher's and
 * checks' failures and failovers), invoked by the channels service and reconciliation's repairs: the
 * payment is core's, so its guarded writes need core's grants only. The callback is the one caller a
 * client (the channel) waits on, and it waits on one or two DynamoDB round trips at any size.
 * Its grants: the guarded transitions (UpdateItem; a refund's release and a failover with a quota are
 * transactions authorized by these per-item actions), the mismatch and conflict records (PutItem), the
 * object read when a guard failed (GetItem) and a cumulative notify's refunds (Query), all under OBJ#;
 * and a failover of a payment counted against a channel's quota moves the count in the same transaction.
 */
export const APPLY_CHANNEL_OUTCOMES_FUNCTION: InternalFunctionProps = {
  name: APPLY_CHANNEL_OUTCOMES,
  group: 'ChannelOutcomes',
  id: 'ApplyChannelOutcomesFunction',
  entry: 'internal/apply-channel-outcomes',
  description: "Apply the channels' outcomes, failures and failovers to payments and refunds",
  grants: [
    {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      keys: ['OBJ#*'],
    },
    { actions: ['dynamodb:UpdateItem'], keys: ['QUOTA#*'] },
  ],
};

/** Settlement's line items: Query on GSI2, core's partitions of it (SETL#…); a page of thousands. */
export const SETTLEMENT_LINES: InternalFunctionProps = {
  name: INTERNAL_READS.settlementLines,
  id: 'SettlementLinesFunction',
  entry: 'internal/settlement-lines',
  description: "Internal (settlement): a page of a merchant's line items",
  timeout: STREAM_TIMEOUT,
  grants: [{ actions: ['dynamodb:Query'], index: GSI2 }],
};

/** Reconciliation's applied outcomes: Query on GSI3, core's partitions of it (RECON#…); a page of thousands. */
export const CHANNEL_DAY_OUTCOMES: InternalFunctionProps = {
  name: INTERNAL_READS.channelDayOutcomes,
  id: 'ChannelDayOutcomesFunction',
  entry: 'internal/channel-day-outcomes',
  description: "Internal (reconciliation): a page of a channel-day's applied outcomes",
  timeout: STREAM_TIMEOUT,
  grants: [{ actions: ['dynamodb:Query'], index: GSI3 }],
};

/**
 * Payments and refunds as the channels' dispatcher and checks need them: BatchGetItem on core's objects
 * (OBJ#…), once per stream or queue batch.
 */
export const OBJECT_STATES: InternalFunctionProps = {
  name: INTERNAL_READS.objectStates,
  id: 'ObjectStatesFunction',
  entry: 'internal/object-states',
  description: 'Internal (channels): where a batch of payments and refunds stands',
  grants: [{ actions: ['dynamodb:BatchGetItem'], keys: ['OBJ#*'] }],
};

/** The payment customer for risk's fraud reports: GetItem on the payment's slot (OBJ#…). */
export const PAYMENT_CUSTOMER: InternalFunctionProps = {
  name: INTERNAL_READS.paymentCustomer,
  id: 'PaymentCustomerFunction',
  entry: 'internal/payment-customer',
  description: "Internal (risk): a merchant's payment's customer identifiers, for a fraud report",
  grants: [{ actions: ['dynamodb:GetItem'], keys: ['OBJ#*'] }],
};

/** A payment's events for risk's ops timeline: Query on the payment's partition (OBJ#…). */
export const PAYMENT_EVENTS: InternalFunctionProps = {
  name: INTERNAL_READS.paymentEvents,
  id: 'PaymentEventsFunction',
  entry: 'internal/payment-events',
  description: "Internal (risk): a page of a payment's events, for the ops timeline",
  grants: [{ actions: ['dynamodb:Query'], keys: ['OBJ#*'] }],
};

// ── channels ─────────────────────────────────────────────────────────────────────────────────────────

/** The fee schedules for settlement: BatchGetItem on the channels' settings. */
export const CHANNEL_FEES: InternalFunctionProps = {
  name: INTERNAL_READS.channelFees,
  id: 'ChannelFeesFunction',
  entry: 'internal/channel-fees',
  description: "Internal (settlement): the channels' fee schedules",
  grants: [{ actions: ['dynamodb:BatchGetItem'], keys: ['CHANNEL#*'] }],
};

/** A merchant's routing configuration for routing at create: GetItem on `ROUTING#<merchant>`. */
export const ROUTING_CONFIG: InternalFunctionProps = {
  name: INTERNAL_READS.routingConfig,
  id: 'RoutingConfigFunction',
  entry: 'internal/routing-config',
  description: "Internal (core): a merchant's routing configuration, for routing at create",
  grants: [{ actions: ['dynamodb:GetItem'], keys: ['ROUTING#*'] }],
};

/**
 * The channels' facts for routing at create: BatchGetItem on the channels' settings and breakers
 * (`CHANNEL#…`) and on the outcome counts (`HLT#…`).
 */
export const CHANNEL_FACTS: InternalFunctionProps = {
  name: INTERNAL_READS.channelFacts,
  id: 'ChannelFactsFunction',
  entry: 'internal/channel-facts',
  description: "Internal (core): channels' settings, breakers and outcome windows, for routing",
  grants: [{ actions: ['dynamodb:BatchGetItem'], keys: ['CHANNEL#*', 'HLT#*'] }],
};

/** The outcome counts by hour: BatchGetItem on the counts. */
export const CHANNEL_HEALTH_SUMMARY: InternalFunctionProps = {
  name: INTERNAL_READS.channelHealthSummary,
  id: 'ChannelHealthSummaryFunction',
  entry: 'internal/channel-health-summary',
  description: "Channels' outcome counts by clock hour, for other services",
  grants: [{ actions: ['dynamodb:BatchGetItem'], keys: ['HLT#*'] }],
};

// ── risk ─────────────────────────────────────────────────────────────────────────────────────────────

/** Counts of held payments: Query on the holds. */
export const HOLD_COUNTS: InternalFunctionProps = {
  name: INTERNAL_READS.holdCounts,
  id: 'HoldCountsFunction',
  entry: 'internal/hold-counts',
  description: 'Payments of a page of merchants held for a reason, for other services',
  grants: [{ actions: ['dynamodb:Query'], keys: ['HOLD#*'] }],
};

/** Held payments for settlement: Query on the holds; a page of thousands. */
export const HELD_PAYMENTS: InternalFunctionProps = {
  name: INTERNAL_READS.heldPayments,
  id: 'HeldPaymentsFunction',
  entry: 'internal/held-payments',
  description: "Internal (settlement): a page of a merchant's held payments",
  timeout: STREAM_TIMEOUT,
  grants: [{ actions: ['dynamodb:Query'], keys: ['HOLD#*'] }],
};

/** The review queue: Query on GSI4, risk's partitions of it (REVIEW#…). */
export const REVIEW_QUEUE: InternalFunctionProps = {
  name: INTERNAL_READS.reviewQueue,
  id: 'ReviewQueueFunction',
  entry: 'internal/review-queue',
  description: 'A page of the review queue (payments held for review), for other services',
  grants: [{ actions: ['dynamodb:Query'], index: GSI4 }],
};

/**
 * The merchant risk profile for create-payment's before-checks: Query on `RISK#<merchant>` (the profile
 * and its fraud-report days). Invoked on a miss of create's per-container cache, never per payment.
 */
export const MERCHANT_RISK_PROFILE: InternalFunctionProps = {
  name: INTERNAL_READS.merchantRiskProfile,
  id: 'MerchantRiskProfileFunction',
  entry: 'internal/merchant-risk-profile',
  description: "Internal (core): a merchant's risk profile and fraud reports, for the before-checks",
  grants: [{ actions: ['dynamodb:Query'], keys: ['RISK#*'] }],
};

// Risk's writes for other services (contracts in shared/schemas/risk-functions.ts). A caller waits on the
// synchronous ones: a batch of writes takes well under a second.
const RISK_WRITE_TIMEOUT = Duration.seconds(10);

/**
 * Holds payments out of settlement, or releases them, for discrepancies: UpdateItem `HOLD#…` (ADD /
 * DELETE of a discrepancy among a payment's hold reasons), invoked by reconciliation's run (per batch of
 * findings) and resolve route (per request).
 */
export const SET_HOLDS: InternalFunctionProps = {
  name: 'set-holds',
  group: 'RiskFunctions',
  id: 'SetHoldsFunction',
  entry: 'internal/set-holds',
  description:
    'Holds payments out of settlement, or releases them, for discrepancies (asked by reconciliation)',
  timeout: RISK_WRITE_TIMEOUT,
  grants: [{ actions: ['dynamodb:UpdateItem'], keys: ['HOLD#*'] }],
};

/**
 * Counts a refusal of the before-checks in the merchant's daily summary: PutItem and UpdateItem
 * `RISKSUM#…` (a TransactWriteItems of the refusal's marker and the summary's `ADD`), invoked
 * asynchronously by create-payment per risk refusal.
 */
export const COUNT_REFUSAL: InternalFunctionProps = {
  name: 'count-refusal',
  group: 'RiskFunctions',
  id: 'CountRefusalFunction',
  entry: 'internal/count-refusal',
  description: "Counts a payment refused by the before-checks in its merchant's daily risk summary, once",
  timeout: RISK_WRITE_TIMEOUT,
  grants: [{ actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], keys: ['RISKSUM#*'] }],
};

/**
 * Stores an approved merchant's profile with its rating's limits: GetItem and PutItem `RISK#…` (the
 * profile read, then stored rated), invoked synchronously by the gateway's merchant review before an
 * approval.
 */
export const RATE_MERCHANT: InternalFunctionProps = {
  name: 'rate-merchant',
  group: 'RiskFunctions',
  id: 'RateMerchantFunction',
  entry: 'internal/rate-merchant',
  description:
    "Stores an approved merchant's risk profile with its initial rating's limits (asked by the gateway)",
  timeout: RISK_WRITE_TIMEOUT,
  grants: [{ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], keys: ['RISK#*'] }],
};

// ── reconciliation ───────────────────────────────────────────────────────────────────────────────────

/** The count of open discrepancies: Query on the discrepancies. */
export const OPEN_DISCREPANCIES: InternalFunctionProps = {
  name: INTERNAL_READS.openDiscrepancies,
  id: 'OpenDiscrepanciesFunction',
  entry: 'internal/open-discrepancies',
  description: 'Open discrepancies of channel-days, for other services',
  grants: [{ actions: ['dynamodb:Query'], keys: ['DSC#*'] }],
};

// ── gateway ──────────────────────────────────────────────────────────────────────────────────────────

/** The merchant registry: Query on the registry and the ops lists of merchants. */
export const MERCHANT_REGISTRY: InternalFunctionProps = {
  name: INTERNAL_READS.merchantRegistry,
  id: 'MerchantRegistryFunction',
  entry: 'internal/merchant-registry',
  description: 'Merchant ids of a status, a page at a time, for other services',
  grants: [{ actions: ['dynamodb:Query'], keys: ['MERCHANTS', 'MERLIST#*'] }],
};

/**
 * The one writer of the token buckets for the merchant routes of every other service (UpdateItem
 * `FLOW#…` only), which invoke its `live` alias once per lease (PaymentsApi.addKeyedRoute). A client may
 * be waiting on the lease (a cold container's first request, a merchant out of tokens) and the caller
 * gives up after FLOW_STORE_TIMEOUT_MS (1 s, then it admits: fail open), cold start included: so it runs
 * at the API functions' size, whose CPU shortens the cold start, and its timeout is short, since an
 * answer later than the caller's deadline is never read.
 */
export const FLOW_LEASE: InternalFunctionProps = {
  name: FLOW_LEASE_FUNCTION,
  id: 'FlowLeaseFunction',
  entry: 'internal/flow-lease',
  description: "Internal (merchant routes): one lease from a merchant's token bucket",
  memorySize: API_MEMORY_MB,
  timeout: Duration.seconds(3),
  grants: [{ actions: ['dynamodb:UpdateItem'], keys: [FLOW_BUCKETS] }],
};

/** The document's components: every schema by name, the shared parameters, headers and security schemes. */
import * as z from 'zod/mini';
import { redriveBody } from '../../dead-letters/schemas.js';
import { MAX_BURST, MAX_REQUESTS_PER_SECOND } from '../../domain/flow/token-bucket.js';
import { BEFORE_REASONS } from '../../domain/risk/before.js';
import { RISK_REASONS } from '../../domain/risk/score.js';
import { PAYMENTS_SIGNATURE_HEADER, SECRET_PREFIX } from '../../webhooks/signature.js';
import { billingPricesSchema, statementSchema } from '../billing.js';
import { channelViewSchema } from '../channel-view.js';
import { listResponse } from '../common.js';
import { type DetailType, EVENT_SOURCE, eventDetailSchemas, eventPaymentSchema } from '../events.js';
import { flowLimitsSchema } from '../flow-limits.js';
import {
  apiKeySchema,
  createMerchantBody,
  merchantNoteBody,
  merchantSchema,
  reviewMerchantBody,
  rollApiKeyBody,
} from '../merchants.js';
import { overviewSchema, paymentEventSchema } from '../ops.js';
import { opsPaymentSchema } from '../ops-payments.js';
import { createPaymentBody, paymentIdSchema, paymentSchema, riskSchema } from '../payment.js';
import { problemSchema } from '../problem.js';
import {
  discrepancySchema,
  reconciliationRunSchema,
  resolveDiscrepancyBody,
  startReconciliationRunBody,
} from '../reconciliation.js';
import { createRefundBody, refundSchema } from '../refund.js';
import { requestSigningAnswer, requestSigningBody } from '../request-signing.js';
import { riskProfileSchema } from '../risk-profile.js';
import { createFraudReportBody, fraudReportSchema, reviewPaymentBody } from '../risk-routes.js';
import { channelSettingsSchema, routingConfigSchema } from '../routing.js';
import { sandboxWebhookSchema } from '../sandbox-webhook.js';
import {
  settlementRunIdSchema,
  settlementRunSchema,
  settlementSchema,
  startSettlementRunBody,
} from '../settlement.js';
import { usageResponseSchema } from '../usage.js';
import { createWebhookEndpointBody, webhookDeliverySchema, webhookEndpointSchema } from '../webhooks.js';
import { convert, inline, type JsonSchema, type Registry } from './json-schema.js';
import {
  callbackReceiptSchema,
  dataList,
  deadLetterMessageSchema,
  deadLetterQueueSchema,
  healthSchema,
  idempotencyKeySchema,
  paymentWebhookSchema,
  redriveSchema,
  redriveStartedSchema,
  refundWebhookSchema,
  retryAfterSchema,
  reviewedPaymentSchema,
  riskRatingHeaderSchema,
  riskSummarySchema,
  runStartedSchema,
  statementReceiptSchema,
} from './response-schemas.js';

/** Component name of the `detail` schema of an EventBridge detail-type. */
export const eventDetailComponent = (detailType: DetailType) => `${detailType}EventDetail`;

export function components(): Record<string, JsonSchema> {
  const requests: Registry = z.registry();
  requests.add(createPaymentBody, { id: 'CreatePaymentRequest' });
  requests.add(createRefundBody, { id: 'CreateRefundRequest' });
  requests.add(sandboxWebhookSchema, { id: 'SandboxWebhook' });
  requests.add(riskProfileSchema, { id: 'RiskProfileRequest' });
  requests.add(channelSettingsSchema, {
    id: 'ChannelSettingsRequest',
    description:
      '`fees` by currency (`percentBps`: basis points, `fixed`: minor units; only currencies the channel ' +
      'takes), `breaker` thresholds; an absent part takes its default (no fees; 5 failures in 60 s, 30 s cooldown).',
  });
  requests.add(routingConfigSchema, {
    id: 'RoutingConfigRequest',
    description:
      'Rules are evaluated in order, the first whose `when` matches wins, else `default`. `weights` (percent, ' +
      'summing to 100) only with `volume_split`. `quotas`: daily amount limits in minor units by channel ' +
      'then currency (a payment goes to a channel while used today + its amount ≤ the limit).',
  });
  requests.add(requestSigningBody, {
    id: 'RequestSigningRequest',
    description: 'Whether the merchant must sign every request with `Payments-Request-Signature`.',
  });
  requests.add(flowLimitsSchema, {
    id: 'FlowLimitsRequest',
    description:
      'A token bucket per merchant, across all of its keys: `requestsPerSecond` sustained, up to `burst` at ' +
      `once. Positive integers, at most ${MAX_REQUESTS_PER_SECOND} and ${MAX_BURST}.`,
  });
  requests.add(reviewPaymentBody, { id: 'ReviewPaymentRequest' });
  requests.add(createFraudReportBody, { id: 'CreateFraudReportRequest' });
  requests.add(startReconciliationRunBody, { id: 'StartReconciliationRunRequest' });
  requests.add(resolveDiscrepancyBody, { id: 'ResolveDiscrepancyRequest' });
  requests.add(startSettlementRunBody, { id: 'StartSettlementRunRequest' });
  requests.add(billingPricesSchema(), {
    id: 'BillingPricesRequest',
    description:
      '`perRequest`: minor units per 1,000 requests by route key (`GET /v1/payments/{id}`) or `*` (every route ' +
      'without its own price; absent: free); `perPayment`: minor units per payment created. Integers 0–1,000,000.',
  });
  requests.add(redriveBody, {
    id: 'RedriveRequest',
    description:
      '`{}` (or no body): SQS chooses the rate; `maxPerSecond`: messages moved per second at most.',
  });
  requests.add(createWebhookEndpointBody, {
    id: 'CreateWebhookEndpointRequest',
    description:
      '`url`: `https://` with a host name in AWS (the local runtime also accepts `http://127.0.0.1:<port>` ' +
      'and `http://localhost:<port>`); another answers 400. `events`: the types to receive, every type ' +
      'when absent.',
  });

  requests.add(createMerchantBody, {
    id: 'CreateMerchantRequest',
    description:
      '`country`: ISO 3166-1 alpha-2; `mcc`: ISO 18245; `expectedMonthlyVolume`: minor units by currency.',
  });
  requests.add(reviewMerchantBody, {
    id: 'ReviewMerchantRequest',
    description:
      '`riskRating` (approve only; default `medium`) sets the risk profile’s limits (docs/architecture.md).',
  });
  requests.add(merchantNoteBody, { id: 'MerchantNoteRequest', description: '`note`: why, for the history.' });
  requests.add(rollApiKeyBody, { id: 'RollApiKeyRequest' });

  // What the API answers, and what it sends: webhook payloads and events on the bus.
  const responses: Registry = z.registry();
  responses.add(paymentSchema, { id: 'Payment' });
  responses.add(riskSchema, {
    id: 'Risk',
    description:
      'The asynchronous assessment, set once some seconds after creation: reject if `score` ≥ the profile’s ' +
      `\`rejectScore\`, else review if ≥ \`reviewScore\`, else approve. \`reasons\`: ${RISK_REASONS.join(', ')}.`,
  });
  responses.add(listResponse(paymentSchema), { id: 'PaymentList' });
  responses.add(refundSchema, { id: 'Refund' });
  responses.add(listResponse(refundSchema), { id: 'RefundList' });
  responses.add(problemSchema, {
    id: 'Problem',
    description:
      'RFC 9457 problem details; `type` is https://payments.example/problems/<slug>. `reasons` only with ' +
      `\`risk-rejected\`: ${BEFORE_REASONS.join(', ')}.`,
  });
  responses.add(healthSchema, { id: 'Health' });
  responses.add(riskProfileSchema, { id: 'RiskProfile' });
  responses.add(channelViewSchema, {
    id: 'Channel',
    description:
      'A channel: the currencies it takes, its fees, its circuit breaker (state now; `recentFailures` in ' +
      'the window) and `health` over the last hour (`authorizationRate` = succeeded / (succeeded + failed), ' +
      'null before any answered attempt).',
  });
  responses.add(dataList(channelViewSchema), { id: 'ChannelList' });
  responses.add(routingConfigSchema, { id: 'RoutingConfig' });
  responses.add(requestSigningAnswer, {
    id: 'RequestSigning',
    description:
      '`secret` (`rss_…`) only in the answer that turned signing on: it is never shown again. Requests then ' +
      'carry `Payments-Request-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, ' +
      '"<t>.<METHOD>.<path with query>.<raw body>")>`; several `v1` may be sent; 300 s tolerance.',
  });
  responses.add(flowLimitsSchema, { id: 'FlowLimits' });
  responses.add(merchantSchema, {
    id: 'Merchant',
    description:
      '`history` (GET of one merchant only): every change, oldest first: who (`by`), when (`at`), why (`note`).',
  });
  responses.add(listResponse(merchantSchema), { id: 'MerchantList' });
  responses.add(apiKeySchema, {
    id: 'ApiKey',
    description:
      '`secret` only in the 201 of its issue or roll (and that answer’s replays); stored as a SHA-256 digest. ' +
      '`status`: `expiring` after a roll until `expiresAt`, `revoked` once revoked or past `expiresAt`.',
  });
  responses.add(listResponse(apiKeySchema), { id: 'ApiKeyList' });
  responses.add(callbackReceiptSchema, { id: 'CallbackReceipt' });
  responses.add(reviewedPaymentSchema, { id: 'ReviewedPayment' });
  responses.add(opsPaymentSchema, {
    id: 'OpsPayment',
    description:
      '`reviewStatus`: `held` while in risk review, `released` or `rejected` once decided, null if never held.',
  });
  responses.add(listResponse(opsPaymentSchema), { id: 'OpsPaymentList' });
  responses.add(fraudReportSchema, { id: 'FraudReport' });
  responses.add(riskSummarySchema, {
    id: 'RiskSummary',
    description:
      'The merchant’s UTC day of risk control: assessments by decision, creates refused before storing, ' +
      'amounts per currency (minor units), the ten most frequent reasons. A day without activity is all zeros.',
  });
  responses.add(webhookEndpointSchema, {
    id: 'WebhookEndpoint',
    description: `\`secret\` (\`${SECRET_PREFIX}…\`) only in the 201 of its creation and that answer's replays.`,
  });
  responses.add(webhookDeliverySchema, {
    id: 'WebhookDelivery',
    description:
      'One attempt to deliver one event to one endpoint; `responseStatus` null when no answer came.',
  });
  responses.add(listResponse(webhookDeliverySchema), { id: 'WebhookDeliveryList' });
  responses.add(deadLetterQueueSchema, {
    id: 'DeadLetterQueue',
    description:
      'A dead-letter queue of the stack, by its ops `name`. `sourceQueues`: the queues whose redrive policy ' +
      'feeds it; empty, and `redrivable` false, for a stream consumer’s on-failure queue. Depths are ' +
      'SQS’s approximations.',
  });
  responses.add(dataList(deadLetterQueueSchema), { id: 'DeadLetterQueueList' });
  responses.add(deadLetterMessageSchema, {
    id: 'DeadLetterMessage',
    description:
      'A message left in the queue: `body` parsed when it is JSON, else the raw string; `sourceQueueArn` ' +
      'null when SQS did not move it here itself. A peek is a receive: it adds one to `receiveCount`.',
  });
  responses.add(dataList(deadLetterMessageSchema), { id: 'DeadLetterMessageList' });
  responses.add(redriveSchema, {
    id: 'Redrive',
    description: 'An SQS message move task of the queue; `taskHandle` only while it runs.',
  });
  responses.add(dataList(redriveSchema), { id: 'RedriveList' });
  responses.add(redriveStartedSchema, { id: 'RedriveStarted' });
  responses.add(statementReceiptSchema, {
    id: 'ReconciliationStatement',
    description: 'The statement stored for the channel-day: its data rows and size.',
  });
  responses.add(runStartedSchema, { id: 'ReconciliationRunStarted' });
  responses.add(reconciliationRunSchema, {
    id: 'ReconciliationRun',
    description:
      '`counts` classify every statement row and every outcome we committed for the channel-day before the ' +
      'run started exactly once; `repaired` counts the missed callbacks this run applied (a rerun lists them ' +
      '`repaired` and counts 0). `source`: the uploaded statement or the channel’s; `error` says why a ' +
      '`failed` run failed (a malformed line, no statement).',
  });
  responses.add(discrepancySchema, {
    id: 'Discrepancy',
    description:
      'A finding of a run. The same finding keeps its `id` across reruns of the channel-day; `status` ' +
      '`repaired` (a missed callback applied by the run) and `resolved` (by ops, with `note`) survive reruns. ' +
      '`statement` is the channel’s row (`line` its line), `held` what we recorded.',
  });
  responses.add(listResponse(discrepancySchema), { id: 'DiscrepancyList' });
  responses.add(z.object({ id: settlementRunIdSchema, status: z.literal('running') }), {
    id: 'SettlementRunStarted',
  });
  responses.add(listResponse(reconciliationRunSchema), { id: 'ReconciliationRunList' });
  responses.add(listResponse(settlementRunSchema), { id: 'SettlementRunList' });
  responses.add(listResponse(paymentEventSchema), {
    id: 'PaymentEventList',
    description:
      'A payment’s events and its refunds’, oldest first, as the bus carried them: `id` is the event’s ' +
      '`eventId`, `detailType` its detail-type, `detail` the detail (shared/events/timeline.ts).',
  });
  responses.add(overviewSchema, {
    id: 'Overview',
    description:
      'Per channel the last 24 clock hours of outcomes (all merchants): volume = succeeded + failed, ' +
      '`authorizationRate` = succeeded / volume, `unavailableRate` = unavailable submissions over all ' +
      'submissions; payments held for review; discrepancies still open of the last `days` days’ runs; ' +
      'each dead-letter queue’s approximate depth.',
  });
  responses.add(settlementRunSchema, {
    id: 'SettlementRun',
    description:
      '`settlements`: how many the run made (one per merchant and currency with something to settle).',
  });
  responses.add(usageResponseSchema, { id: 'MerchantUsage' });
  responses.add(billingPricesSchema(), { id: 'BillingPrices' });
  responses.add(statementSchema, {
    id: 'BillingStatement',
    description:
      'Request lines: `unitPrice` per 1,000 requests, `amount` = ⌊(quantity × unitPrice + 500) / 1000⌋. ' +
      'Payment line: `unitPrice` per payment. Amounts in minor units of `currency`.',
  });
  responses.add(settlementSchema, {
    id: 'Settlement',
    description:
      'A merchant-currency’s settlement up to `periodEnd`: `netAmount = grossAmount − refundedAmount − ' +
      'feeAmount`; `status` `paid` with its `payout`, `no_payout` when the net is not positive, `payout_failed` ' +
      'after every retry (the net stays payable).',
  });
  responses.add(listResponse(settlementSchema), { id: 'SettlementList' });
  responses.add(paymentWebhookSchema, { id: 'PaymentWebhookEvent' });
  responses.add(refundWebhookSchema, { id: 'RefundWebhookEvent' });
  responses.add(eventPaymentSchema, {
    id: 'EventPayment',
    description: 'The payment object as events and webhooks carry it (`customer` not strict).',
  });
  for (const [detailType, schema] of Object.entries(eventDetailSchemas)) {
    responses.add(schema, {
      id: eventDetailComponent(detailType as DetailType),
      description:
        `\`detail\` of the EventBridge event \`source: "${EVENT_SOURCE}"\`, \`detail-type: "${detailType}"\` ` +
        '(bus `payments`). Consumers ignore fields they do not know; a breaking change is a new `version`.',
    });
  }

  return { ...convert(requests, 'input'), ...convert(responses, 'output') };
}

/** The `components` section. */
export function componentsSection(): object {
  return {
    schemas: components(),
    parameters: {
      PaymentId: { name: 'id', in: 'path', required: true, schema: inline(paymentIdSchema) },
      IdempotencyKey: {
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        description:
          'Scoped per merchant, kept at least 24 hours. The same key with the same body replays the first ' +
          'answer; with another body answers 422.',
        schema: inline(idempotencyKeySchema),
      },
      SandboxSignature: {
        name: 'Sandbox-Signature',
        in: 'header',
        required: true,
        description:
          '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; several `v1=` during secret ' +
          'rotation; `t` more than 300 s from now answers 401.',
        schema: inline(z.string().check(z.minLength(1))),
      },
      PaymentsSignature: {
        name: PAYMENTS_SIGNATURE_HEADER,
        in: 'header',
        required: true,
        description:
          '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, the secret being the ' +
          'endpoint’s. Compare in constant time and refuse a `t` more than 300 s from now.',
        schema: inline(z.string().check(z.regex(/^t=\d+(,v1=[0-9a-f]{64})+$/))),
      },
    },
    headers: {
      IdempotentReplayed: {
        description: 'Present when the answer replays the first one given for this Idempotency-Key',
        schema: inline(z.literal('true'), 'output'),
      },
      RetryAfter: {
        description: 'Seconds to wait before retrying the request',
        schema: inline(retryAfterSchema, 'output'),
      },
      RiskRating: {
        description:
          '`standard`, or `tightened` when the fraud reports of the last 30 days reach the profile’s ' +
          '`fraudReportThreshold` (every limit then × `tightenedLimitPercent` / 100)',
        schema: inline(riskRatingHeaderSchema, 'output'),
      },
    },
    securitySchemes: {
      merchantKey: {
        type: 'http',
        scheme: 'bearer',
        description:
          'A merchant API key as bearer token. A merchant that ops made sign its requests also sends ' +
          '`Payments-Request-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<METHOD>.<path with ' +
          'query>.<raw body>")>` (several `v1` allowed, 300 s tolerance); missing, wrong or stale: 401 ' +
          '`invalid-request-signature`.',
      },
      opsKey: {
        type: 'http',
        scheme: 'bearer',
        description: 'An ops API key as bearer token (routes under /v1/ops/); a merchant key answers 403',
      },
    },
  };
}

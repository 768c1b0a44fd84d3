/**
 * POST /v1/channels/{channel}/callbacks: a channel's signed notification. The channel's adapter verifies
 * it over the raw body bytes before anything is parsed; only then is the outcome applied, by core's
 * function (functions/internal/apply-channel-outcomes.ts: the payment is core's) with the guarded write
 * it always was. Answers: the channel's own acknowledgement (applied, ignored, duplicate, contradicting or
 * mismatching: the last two are recorded; the sandbox's is `{ received, result }`); 401 bad signature;
 * 400 bad body; 404 unknown channel; 422 a reference that is not ours (so the channel sees it and its
 * operators can look, instead of a silent acknowledgement).
 */
import { coreOutcomes } from '../../shared/channels/core-outcomes.js';
import { createChannelRegistry } from '../../shared/channels/default-registry.js';
import { ChannelError } from '../../shared/channels/errors.js';
import { NOTIFIER_FACTORIES } from '../../shared/channels/notifiers.js';
import {
  type ChannelNotification,
  NotificationBodyError,
  NotificationError,
} from '../../shared/channels/protocol.js';
import type { ChannelNotifier } from '../../shared/channels/types.js';
import { applyOutcomesEnvSchema, callbackEnvSchema, loadEnv } from '../../shared/config/env.js';
import { rawBody } from '../../shared/http/api-event.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import {
  HttpProblemError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../../shared/http/errors.js';
import { logger } from '../../shared/http/logger.js';
import { type ApiResult, json } from '../../shared/http/responses.js';
import type { ChannelOutcomeStore } from '../../shared/store/ports.js';

/** Channel names are short lower-case words (`sandbox`); anything else is no channel of ours (404). */
const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;
// At cold start: a missing webhook secret fails the first delivery loudly (the notifiers read it).
loadEnv(callbackEnvSchema);
// One outcome per request: one invocation of core's function, which the channel's answer waits on.
const outcomes: ChannelOutcomeStore = coreOutcomes(
  loadEnv(applyOutcomesEnvSchema).APPLY_CHANNEL_OUTCOMES_FUNCTION_ARN,
);
// Notifiers only: the callback sends nothing to a channel and fetches no statement.
const registry = createChannelRegistry(NOTIFIER_FACTORIES);

async function adapterOf(channel: string): Promise<ChannelNotifier> {
  try {
    return await registry.adapter(channel);
  } catch (error) {
    if (error instanceof ChannelError && error.code === 'unknown_channel')
      throw new NotFoundError(`No such channel: ${channel}`);
    throw error;
  }
}

/** The vendor's acknowledgement; the sandbox's names what was done, as its tests read. */
function acknowledge(adapter: ChannelNotifier, result: string): ApiResult {
  if (adapter.name === 'sandbox') return json(200, { received: true, result });
  const { status, contentType, body } = adapter.ack;
  return { statusCode: status, headers: contentType ? { 'Content-Type': contentType } : {}, body };
}

export const handler = apiHandler({ path: { channel: CHANNEL_NAME } }, async ({ event }) => {
  const channel = event.pathParameters?.channel ?? '';
  const adapter = await adapterOf(channel);

  const raw = rawBody(event);
  let notification: ChannelNotification;
  try {
    notification = adapter.readNotification(event.headers ?? {}, raw, new Date());
  } catch (error) {
    if (error instanceof NotificationBodyError) throw new ValidationError(error.message, [...error.issues]);
    if (!(error instanceof NotificationError)) throw error;
    logger.warn('webhook signature refused', { channel, reason: error.code });
    throw new UnauthorizedError(`Signature ${error.code}.`, 'invalid-signature');
  }
  if (notification.kind === 'ignored') return acknowledge(adapter, 'ignored');

  // An Alipay refund notify's cumulative amount goes as it is: core turns it into this refund's own.
  const { subject, outcome, ...report } = notification.event;
  const input = { ...report, channel, to: outcome, now: new Date() };
  const result =
    subject === 'payment'
      ? await outcomes.applyPaymentOutcome(input)
      : await outcomes.applyRefundOutcome(input);
  logger.info('webhook handled', { channel, eventId: report.eventId, reference: report.reference, result });
  if (result.kind === 'unknown_reference') {
    throw new HttpProblemError('unknown-reference', `No ${subject} ${report.reference} is known here.`);
  }
  return acknowledge(adapter, result.kind);
});

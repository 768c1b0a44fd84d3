/**
 * POST /v1/channels/{channel}/callbacks: a channel's signed webhook. The signature is checked over
 * the raw body bytes before anything is parsed; only then is the outcome applied with a guarded write.
 * Answers: 200 accepted (applied, duplicate, contradicting or mismatching: the last two are recorded);
 * 401 bad signature; 400 bad body; 404 unknown channel; 422 a reference that is not ours (so the
 * channel sees it and its operators can look, instead of a silent 200).
 */
import { dynamoDbClient } from '../../shared/aws/dynamodb.js';
import {
  type ChannelNotification,
  NotificationBodyError,
  NotificationError,
} from '../../shared/channels/protocol.js';
import { createSandboxAdapter } from '../../shared/channels/sandbox/adapter.js';
import type { ChannelAdapter } from '../../shared/channels/types.js';
import { callbackEnvSchema, loadEnv } from '../../shared/config/env.js';
import { rawBody } from '../../shared/http/api-event.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import {
  HttpProblemError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../../shared/http/errors.js';
import { logger } from '../../shared/http/logger.js';
import { json } from '../../shared/http/responses.js';
import { DynamoChannelOutcomeStore } from '../../shared/store/dynamodb/channel-outcomes.js';
import type { ChannelOutcomeStore } from '../../shared/store/ports.js';

/** Channel names are short lower-case words (`sandbox`); anything else is no channel of ours (404). */
const CHANNEL_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const env = loadEnv(callbackEnvSchema);
const outcomes: ChannelOutcomeStore = new DynamoChannelOutcomeStore({
  client: dynamoDbClient(),
  tableName: env.TABLE_NAME,
});
const adapters: Record<string, ChannelAdapter> = {
  sandbox: createSandboxAdapter({ secrets: env.SANDBOX_WEBHOOK_SECRETS }),
};

export const handler = apiHandler({ path: { channel: CHANNEL_NAME } }, async ({ event }) => {
  const channel = event.pathParameters?.channel ?? '';
  const adapter = Object.hasOwn(adapters, channel) ? adapters[channel] : undefined;
  if (!adapter) throw new NotFoundError(`No such channel: ${channel}`);

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
  if (notification.kind === 'ignored') return json(200, { received: true, result: 'ignored' });

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
  return json(200, { received: true, result: result.kind });
});

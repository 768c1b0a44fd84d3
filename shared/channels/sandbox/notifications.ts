/**
 * The sandbox PSP's notifications: `Sandbox-Signature` verified over the raw body (signature.ts), then
 * the body read against the contract's webhook schema. The callback's part of the sandbox adapter.
 */
import { fieldErrors } from '../../http/validation.js';
import { sandboxWebhookSchema } from '../../schemas/sandbox-webhook.js';
import { type ChannelNotification, header, NotificationBodyError, NotificationError } from '../protocol.js';
import type { ChannelEvent, ChannelNotifier } from '../types.js';
import { SIGNATURE_HEADER, verifySignature } from './signature.js';

export interface SandboxNotifierOptions {
  /** Webhook secrets accepted (several during rotation). */
  readonly secrets?: readonly string[];
}

export function createSandboxNotifier(options: SandboxNotifierOptions): ChannelNotifier {
  return {
    name: 'sandbox',
    ack: { status: 200, contentType: 'application/json', body: '{"received":true}' },

    readNotification(headers, rawBody, now): ChannelNotification {
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const verdict = verifySignature(
        header(headers, SIGNATURE_HEADER),
        rawBody,
        options.secrets ?? [],
        nowSeconds,
      );
      if (!verdict.ok) throw new NotificationError(verdict.reason, `Sandbox-Signature ${verdict.reason}`);
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
      } catch {
        throw new NotificationBodyError('The notification body is not JSON.');
      }
      const result = sandboxWebhookSchema.safeParse(body);
      if (!result.success) {
        throw new NotificationBodyError('The webhook body is not valid.', fieldErrors(result.error));
      }
      const { id, type, data } = result.data;
      const [subject, outcome] = type.split('.') as [ChannelEvent['subject'], ChannelEvent['outcome']];
      return { kind: 'outcome', event: { eventId: id, subject, outcome, ...data } };
    },
  };
}

/**
 * Stripe's side of the Stripe channel, locally: PaymentIntents and Refunds (form-encoded, Bearer secret
 * key, Idempotency-Key replayed as Stripe replays it), events signed `Stripe-Signature: t=,v1=` a moment
 * later, status queries (retrieve, search by `metadata['reference']`, refunds of a PaymentIntent), and
 * the day's balance-transaction CSV through the Reporting API (stripe-reports.ts). Outcome rules in
 * common.ts. A payment is answered `processing` and settles with its event; a failed PaymentIntent is
 * left `canceled`, so that a status query tells the failure apart from a payment still under way.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  callbackSender,
  channelFee,
  DayBook,
  hold,
  listen,
  type Outcome,
  outcomeFor,
  readText,
  type SimulatorOptions,
  type SimulatorServer,
  silent,
} from './common.js';
import { stripeReports } from './stripe-reports.js';

export interface StripeSimulatorOptions extends SimulatorOptions {
  /** Default `sk_test_local_stripe`. */
  readonly secretKey?: string;
  /** Default `whsec_stripe_local`. */
  readonly webhookSecret?: string;
}

type StripeObject = Record<string, unknown> & { id: string; status: string };

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** `Stripe-Signature` for one payload, as Stripe signs webhooks. */
export function stripeSignature(secret: string, t: number, payload: string): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;
}

/** `metadata[k]=v` pairs of a form. */
function metadataOf(form: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form) {
    const m = /^metadata\[(.+)\]$/.exec(key);
    if (m?.[1]) out[m[1]] = value;
  }
  return out;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const stripeError = (type: string, message: string, extra: Record<string, string> = {}) => ({
  error: { type, message, ...extra },
});

/** Starts the simulator on 127.0.0.1. */
export async function startStripeSimulator(options: StripeSimulatorOptions): Promise<SimulatorServer> {
  const secretKey = options.secretKey ?? 'sk_test_local_stripe';
  const webhookSecret = options.webhookSecret ?? 'whsec_stripe_local';
  const log = options.logger ?? silent;
  const holdMs = options.holdMs ?? 30_000;
  const intents = new Map<string, StripeObject>();
  const refunds = new Map<string, StripeObject>();
  /** Idempotency-Key → the request body it was first used with, and the answer given. */
  const replays = new Map<string, { body: string; status: number; answer: unknown }>();
  const book = new DayBook();
  const reports = stripeReports(book, send);
  const callbacks = callbackSender(options);

  function emit(type: string, object: StripeObject, idempotencyKey: string | undefined): void {
    const event = {
      id: id('evt'),
      object: 'event',
      api_version: '2024-06-20',
      created: Math.floor(Date.now() / 1000),
      type,
      livemode: false,
      pending_webhooks: 1,
      request: { id: id('req'), idempotency_key: idempotencyKey ?? null },
      data: { object: { ...object } },
    };
    const body = JSON.stringify(event, null, 2);
    callbacks.send(
      `stripe ${type}`,
      () => ({
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': stripeSignature(webhookSecret, Math.floor(Date.now() / 1000), body),
        },
        body,
      }),
      0,
    );
  }

  /** The outcome falls due: the object changes, goes on the book, and its event is sent. */
  function settle(object: StripeObject, kind: 'payment' | 'refund', outcome: Outcome, key?: string): void {
    if (outcome !== 'succeeded' && outcome !== 'failed') return;
    const status = outcome;
    const amount = object.amount as number;
    const currency = String(object.currency).toUpperCase();
    const metadata = object.metadata as Record<string, string>;
    const occurredAt = new Date().toISOString();
    if (kind === 'payment') {
      object.status = status === 'succeeded' ? 'succeeded' : 'requires_payment_method';
      if (status === 'failed')
        object.last_payment_error = {
          type: 'card_error',
          code: 'card_declined',
          decline_code: 'generic_decline',
        };
      emit(
        status === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed',
        object,
        key,
      );
      if (status === 'failed') object.status = 'canceled';
      if (status === 'succeeded')
        book.record({
          kind,
          status,
          reference: metadata.reference ?? '',
          channelReference: object.id,
          amount,
          currency,
          fee: channelFee(kind, status, amount),
          occurredAt,
        });
    } else {
      object.status = status;
      emit('refund.updated', object, key);
      book.record({
        kind,
        status,
        reference: metadata.reference ?? '',
        channelReference: object.id,
        paymentChannelReference: String(object.payment_intent),
        amount,
        currency,
        fee: 0,
        occurredAt,
      });
    }
  }

  /** Both creates: auth, idempotency, the outcome's answer. */
  async function create(
    req: IncomingMessage,
    res: ServerResponse,
    kind: 'payment' | 'refund',
  ): Promise<void> {
    const body = (await readText(req)) ?? '';
    const key = req.headers['idempotency-key'] as string | undefined;
    const replay = key ? replays.get(`${kind}:${key}`) : undefined;
    if (replay) {
      if (replay.body !== body)
        return send(
          res,
          400,
          stripeError(
            'idempotency_error',
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          ),
        );
      return send(res, replay.status, replay.answer, { 'idempotent-replayed': 'true' });
    }
    const form = new URLSearchParams(body);
    const metadata = metadataOf(form);
    const amount = Number(form.get('amount'));
    if (!Number.isSafeInteger(amount) || amount <= 0)
      return send(
        res,
        400,
        stripeError('invalid_request_error', 'Invalid integer: amount', { param: 'amount' }),
      );
    const outcome = outcomeFor('stripe', kind, amount, metadata);
    log.info('stripe submission', { kind, reference: metadata.reference, outcome });
    if (outcome === 'timeout') return hold(res, holdMs);
    if (outcome === 'unavailable')
      return send(res, 503, stripeError('api_error', 'Stripe is temporarily unavailable.'));
    let status: number;
    let answer: StripeObject | ReturnType<typeof stripeError>;
    if (kind === 'payment') {
      const currency = form.get('currency') ?? '';
      if (!/^[a-z]{3}$/.test(currency))
        return send(
          res,
          400,
          stripeError('invalid_request_error', 'Invalid currency', { param: 'currency' }),
        );
      const intent: StripeObject = {
        id: id('pi'),
        object: 'payment_intent',
        amount,
        amount_received: 0,
        currency,
        created: Math.floor(Date.now() / 1000),
        description: form.get('description'),
        livemode: false,
        metadata,
        status: 'processing',
      };
      intents.set(intent.id, intent);
      status = 200;
      answer = { ...intent };
      if (outcome !== 'none') callbacks.due(() => settle(intent, kind, outcome, key));
    } else {
      const intent = intents.get(form.get('payment_intent') ?? '');
      if (intent && intent.status !== 'succeeded') {
        status = 400;
        answer = stripeError(
          'invalid_request_error',
          `This PaymentIntent (${intent.id}) does not have a successful charge to refund.`,
          { code: 'charge_not_refundable' },
        );
      } else if (!intent) {
        status = 400;
        answer = stripeError(
          'invalid_request_error',
          `No such payment_intent: '${form.get('payment_intent')}'`,
          {
            code: 'resource_missing',
            param: 'payment_intent',
          },
        );
      } else {
        const refund: StripeObject = {
          id: id('re'),
          object: 'refund',
          amount,
          currency: intent.currency,
          payment_intent: intent.id,
          created: Math.floor(Date.now() / 1000),
          metadata,
          status: 'pending',
        };
        refunds.set(refund.id, refund);
        status = 200;
        answer = { ...refund };
        if (outcome !== 'none') callbacks.due(() => settle(refund, kind, outcome, key));
      }
    }
    if (key) replays.set(`${kind}:${key}`, { body, status, answer });
    send(res, status, answer);
  }

  return listen(options.port ?? 0, async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      const given = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1];
      return send(
        res,
        401,
        stripeError(
          'invalid_request_error',
          given
            ? `Invalid API Key provided: ${given.slice(0, 8)}${'*'.repeat(Math.max(0, given.length - 8))}`
            : "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        ),
      );
    }
    if (req.method === 'POST' && path === '/v1/payment_intents') return create(req, res, 'payment');
    if (req.method === 'POST' && path === '/v1/refunds') return create(req, res, 'refund');
    const params = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
    if (req.method === 'GET' && path === '/v1/payment_intents/search') {
      // Only the one query the product sends: metadata['reference']:'<id>'.
      const wanted = /^metadata\['reference'\]:'([^']*)'$/.exec(params.get('query') ?? '')?.[1];
      if (wanted === undefined)
        return send(res, 400, stripeError('invalid_request_error', 'Unsupported search query.'));
      const data = [...intents.values()].filter(
        (i) => (i.metadata as Record<string, string>).reference === wanted,
      );
      return send(res, 200, { object: 'search_result', data, has_more: false, url: path });
    }
    if (req.method === 'GET' && path === '/v1/refunds') {
      const of = params.get('payment_intent');
      const data = [...refunds.values()].filter((r) => of === null || r.payment_intent === of).reverse();
      return send(res, 200, { object: 'list', data, has_more: false, url: path });
    }
    const intent = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && intent?.[1]) {
      const found = intents.get(decodeURIComponent(intent[1]));
      if (found) return send(res, 200, found);
      return send(
        res,
        404,
        stripeError('invalid_request_error', `No such payment_intent: '${intent[1]}'`, {
          code: 'resource_missing',
          param: 'intent',
        }),
      );
    }
    if (await reports(req, res, path)) return;
    send(
      res,
      404,
      stripeError('invalid_request_error', `Unrecognized request URL (${req.method}: ${path}).`),
    );
  }).then((server) => ({
    url: server.url,
    async close() {
      callbacks.close();
      await server.close();
    },
  }));
}

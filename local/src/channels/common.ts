/**
 * What the Stripe, Alipay and WeChat Pay simulators share: the sandbox's outcome rules (contract
 * "Payment channels", Local runtime), the delayed callback with retries, a held socket for `timeout`,
 * a bounded raw body, and a per-day book of what each channel will list on its statement.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Outcome = 'succeeded' | 'failed' | 'none' | 'unavailable' | 'timeout';

export interface SimulatorLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export const silent: SimulatorLogger = { info: () => {}, warn: () => {} };

/**
 * The outcome of a submission on `channel`: `sandbox_outcome_<channel>` wins over `sandbox_outcome`
 * (succeed | fail | none | unavailable | timeout); without either, a payment whose amount ends in 13
 * (in the channel's own unit) fails, any other payment and every refund succeeds.
 */
export function outcomeFor(
  channel: string,
  kind: 'payment' | 'refund',
  amount: number,
  metadata: Readonly<Record<string, string | undefined>>,
): Outcome {
  const said = metadata[`sandbox_outcome_${channel}`] ?? metadata.sandbox_outcome;
  if (said === 'succeed') return 'succeeded';
  if (said === 'fail') return 'failed';
  if (said === 'none' || said === 'unavailable' || said === 'timeout') return said;
  if (kind === 'refund') return 'succeeded';
  return amount % 100 === 13 ? 'failed' : 'succeeded';
}

/** The sandbox fee on a succeeded payment (2.9% half up + 30 minor units), nothing otherwise. */
export function channelFee(
  kind: 'payment' | 'refund',
  status: 'succeeded' | 'failed',
  amount: number,
): number {
  if (kind !== 'payment' || status !== 'succeeded') return 0;
  return Math.floor((amount * 29 + 500) / 1000) + 30;
}

export const MAX_BODY_BYTES = 1024 * 1024;

/** The request body as text; undefined past MAX_BODY_BYTES. */
export async function readText(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One outcome as the channel's statement lists it; `amount` in the channel's own unit. */
export interface BookRow {
  readonly kind: 'payment' | 'refund';
  readonly status: 'succeeded' | 'failed';
  /** Our `pay_`/`re_` id. */
  readonly reference: string;
  /** The channel's id of the payment or refund. */
  readonly channelReference: string;
  /** For a refund, the payment's channel id and our id of it. */
  readonly paymentReference?: string;
  readonly paymentChannelReference?: string;
  readonly amount: number;
  readonly currency: string;
  readonly fee: number;
  readonly occurredAt: string;
}

/**
 * Outcomes by the day they happened on the vendor's statement clock: UTC (the sandbox PSP, Stripe's
 * reports asked for Etc/UTC), or Beijing time for Alipay's and WeChat Pay's bills (`zoneHours` 8).
 */
export class DayBook {
  private readonly days = new Map<string, BookRow[]>();

  constructor(private readonly zoneHours = 0) {}

  record(row: BookRow): void {
    const day = wallClock(row.occurredAt, this.zoneHours).slice(0, 10);
    const rows = this.days.get(day) ?? [];
    rows.push(row);
    this.days.set(day, rows);
  }

  rows(day: string): readonly BookRow[] {
    return this.days.get(day) ?? [];
  }

  /** The outcomes from `start` (inclusive) to `end` (exclusive), epoch milliseconds, in booking order. */
  between(start: number, end: number): readonly BookRow[] {
    const out: BookRow[] = [];
    for (const rows of this.days.values())
      for (const row of rows) {
        const t = Date.parse(row.occurredAt);
        if (t >= start && t < end) out.push(row);
      }
    return out;
  }
}

/** `/statements/<yyyy-mm-dd>.<ext>` → the day, else undefined. */
export function statementDay(path: string, ext: string): string | undefined {
  const match = new RegExp(`^/statements/(\\d{4}-\\d{2}-\\d{2})\\.${ext}$`).exec(path);
  return match?.[1];
}

export interface CallbackSender {
  /**
   * Sends `make()` (built at send time, so signatures carry that moment) after `delayMs` (default: the
   * sender's), with retries.
   */
  send(label: string, make: () => { headers: Record<string, string>; body: string }, delayMs?: number): void;
  /** Runs `fn` after the sender's delay (an outcome falling due), unless closed first. */
  due(fn: () => void): void;
  close(): void;
}

/** What every channel simulator takes besides its credentials. */
export interface SimulatorOptions {
  readonly port?: number;
  /** Where notifications go; read at send time. */
  readonly callbackUrl: string | (() => string);
  /** Before a notification, default 1000 ms. */
  readonly delayMs?: number;
  /** First redelivery delay (doubling), default 500 ms. */
  readonly retryBaseMs?: number;
  /** Deliveries in all, default 6. */
  readonly maxAttempts?: number;
  /** How long a `timeout` submission is held at most, default 30 s. */
  readonly holdMs?: number;
  readonly logger?: SimulatorLogger;
}

/**
 * Delayed deliveries to `callbackUrl`: a non-2xx answer or none is retried with doubling delays, as
 * vendors redeliver, up to `maxAttempts` deliveries in all.
 */
export function callbackSender(options: SimulatorOptions): CallbackSender {
  const { callbackUrl } = options;
  const settings = {
    url: typeof callbackUrl === 'function' ? callbackUrl : () => callbackUrl,
    delayMs: options.delayMs ?? 1000,
    retryBaseMs: options.retryBaseMs ?? 500,
    maxAttempts: options.maxAttempts ?? 6,
    logger: options.logger ?? silent,
  };
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const later = (ms: number, fn: () => void) => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  async function deliver(
    label: string,
    make: () => { headers: Record<string, string>; body: string },
    attempt: number,
  ): Promise<void> {
    if (closed) return;
    const url = settings.url();
    // The API may still be starting; that is not an attempt.
    if (url === '') return later(100, () => void deliver(label, make, attempt));
    const { headers, body } = make();
    let failure: string | undefined;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      if (!response.ok) failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = String(error);
    }
    if (failure === undefined) return;
    if (attempt >= settings.maxAttempts) {
      settings.logger.warn(`${label} abandoned`, { failure, attempt });
      return;
    }
    settings.logger.info(`${label} failed, retrying`, { failure, attempt });
    later(settings.retryBaseMs * 2 ** (attempt - 1), () => void deliver(label, make, attempt + 1));
  }
  return {
    send: (label, make, delayMs) => later(delayMs ?? settings.delayMs, () => void deliver(label, make, 1)),
    due: (fn) => later(settings.delayMs, fn),
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/**
 * A submission the channel never answers: the socket stays open until the client gives up, or is cut
 * after `maxMs` so that a client without a timeout does not hang for ever.
 */
export function hold(res: ServerResponse, maxMs: number): void {
  const timer = setTimeout(() => res.destroy(), maxMs);
  res.on('close', () => clearTimeout(timer));
}

export interface SimulatorServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (port 0: a free one); an unexpected error answers 500. */
export async function listen(
  port: number,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<SimulatorServer> {
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `yyyy-mm-dd hh:mm:ss` of an instant, at `offsetHours` from UTC. */
export function wallClock(iso: string, offsetHours = 0): string {
  const t = new Date(Date.parse(iso) + offsetHours * 3_600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 19)}`;
}

/** `amount` units with `exponent` decimals as a decimal string ("10.50", "-3.00", "1050"). */
export function decimal(amount: number, exponent: number): string {
  const digits = Math.abs(amount)
    .toString()
    .padStart(exponent + 1, '0');
  const sign = amount < 0 ? '-' : '';
  return exponent === 0
    ? `${sign}${digits}`
    : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

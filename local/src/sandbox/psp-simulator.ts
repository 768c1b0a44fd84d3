/**
 * A simulated sandbox PSP for the local runtime and tests. It accepts payments and refunds, and calls
 * back on its own, with signed webhooks, as the contract describes:
 * - payments: amounts whose last two digits are 13 fail, others succeed; `outcome` succeed | fail |
 *   none overrides (none: no callback at all);
 * - refunds: succeed, unless `outcome` is none (no callback) or fail (our extension, for tests);
 * - `outcome` unavailable: the submission is answered 503 and not taken; timeout: never answered (until
 *   close) and not taken, so a status query finds nothing;
 * - status queries: GET /payments/<reference>, /refunds/<reference> → `{ channelReference, state,
 *   amount, currency }` (state pending until its outcome is reported: for ever with none), or 404;
 * - idempotent per reference: a resubmission gets the same channelReference and no second callback;
 * - a callback answered non-2xx (or not at all) is retried with backoff, keeping its event id;
 * - every outcome it reports is on its daily statement, with the sandbox fee (statements.ts), whether
 *   or not the callback got through; tests inject discrepancies into it (statement-routes.ts).
 * Listens on 127.0.0.1 only.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SandboxBank } from './bank.js';
import { MAX_BODY_BYTES, readJson, tooLarge } from './http.js';
import type { PspJournal, PspJournalEntry } from './journal.js';
import { signatureHeader } from './signature.js';
import { handleStatementRoute } from './statement-routes.js';
import { StatementBook, sandboxFee } from './statements.js';

export interface SimulatorLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

export interface SandboxPspOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Where callbacks go; a function is read at send time (the API may start after the PSP). */
  readonly callbackUrl: string | (() => string);
  readonly secret: string;
  /** Delay before the callback, default 1000 ms. */
  readonly delayMs?: number;
  /** First retry delay, doubled each time; default 500 ms. */
  readonly retryBaseMs?: number;
  /** Deliveries per callback, first included; default 6. */
  readonly maxAttempts?: number;
  readonly logger?: SimulatorLogger;
  /** Keeps its books and pending callbacks across restarts (journal.ts); in memory when absent. */
  readonly journal?: PspJournal;
}

export interface SandboxPsp {
  readonly url: string;
  close(): Promise<void>;
}

interface Submission {
  readonly kind: 'payment' | 'refund';
  readonly reference: string;
  readonly amount: number;
  readonly currency: string;
  readonly outcome?: string;
}

const silent: SimulatorLogger = { info: () => {}, warn: () => {} };

/** Starts the simulator; `close()` cancels pending callbacks and stops the server. */
export async function startSandboxPsp(options: SandboxPspOptions): Promise<SandboxPsp> {
  const log = options.logger ?? silent;
  const delayMs = options.delayMs ?? 1000;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const maxAttempts = options.maxAttempts ?? 6;
  const references = new Map<string, string>();
  /** What a status query answers, by reference. */
  const queryable = new Map<string, { s: Submission; state: 'pending' | 'succeeded' | 'failed' }>();
  const book = new StatementBook();
  const timers = new Set<NodeJS.Timeout>();
  const journal = options.journal;
  let closed = false;

  function later(ms: number, fn: () => void): void {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  }

  async function deliver(reference: string, body: string, attempt: number): Promise<void> {
    if (closed) return;
    const url = typeof options.callbackUrl === 'function' ? options.callbackUrl() : options.callbackUrl;
    // No URL yet: the API is still starting (callbacks owed from before a restart); not an attempt.
    if (url === '') {
      later(100, () => void deliver(reference, body, attempt));
      return;
    }
    const t = Math.floor(Date.now() / 1000);
    let failure: string | undefined;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'sandbox-signature': signatureHeader(options.secret, t, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      if (!response.ok) failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = String(error);
    }
    if (failure === undefined) {
      journal?.append({ t: 'delivered', reference });
      return;
    }
    if (attempt >= maxAttempts) {
      log.warn('sandbox callback abandoned', { failure, attempt });
      journal?.append({ t: 'abandoned', reference });
      return;
    }
    log.info('sandbox callback failed, retrying', { failure, attempt });
    later(retryBaseMs * 2 ** (attempt - 1), () => void deliver(reference, body, attempt + 1));
  }

  /** The callback falls due: the outcome goes on the statement, then the callback is sent. */
  function report(s: Submission, channelReference: string, result: 'succeeded' | 'failed'): void {
    const data = {
      reference: s.reference,
      channelReference,
      amount: s.amount,
      currency: s.currency,
      occurredAt: new Date().toISOString(),
    };
    const outcome = { ...data, type: s.kind, status: result };
    const row = { ...outcome, fee: sandboxFee(outcome) };
    queryable.set(s.reference, { s, state: result });
    book.record(row);
    const body = JSON.stringify({
      id: `evt_${randomBytes(12).toString('hex')}`,
      type: `${s.kind}.${result}`,
      data,
    });
    journal?.append({ t: 'reported', reference: s.reference, row, body });
    void deliver(s.reference, body, 1);
  }

  function accept(s: Submission): string {
    const known = references.get(s.reference);
    if (known) return known;
    const channelReference = `sbx_${randomBytes(12).toString('hex')}`;
    references.set(s.reference, channelReference);
    queryable.set(s.reference, { s, state: 'pending' });
    const result = outcomeOf(s);
    journal?.append({ t: 'accepted', ...s, channelReference, result, dueAt: Date.now() + delayMs });
    if (result !== 'none') later(delayMs, () => report(s, channelReference, result));
    log.info('sandbox accepted', { kind: s.kind, reference: s.reference, outcome: result });
    return channelReference;
  }

  const bank = new SandboxBank();
  if (journal) {
    const due = new Map<string, PspJournalEntry & { t: 'accepted' }>();
    const owed = new Map<string, string>();
    for (const entry of journal.entries) {
      if (entry.t === 'accepted') {
        references.set(entry.reference, entry.channelReference);
        queryable.set(entry.reference, { s: entry, state: 'pending' });
        if (entry.result !== 'none') due.set(entry.reference, entry);
      } else if (entry.t === 'reported') {
        due.delete(entry.reference);
        const found = queryable.get(entry.reference);
        if (found) found.state = entry.row.status === 'failed' ? 'failed' : 'succeeded';
        book.record(entry.row);
        owed.set(entry.reference, entry.body);
      } else if (entry.t === 'delivered' || entry.t === 'abandoned') owed.delete(entry.reference);
      else if (entry.t === 'injected') book.inject(entry.date, entry.injections);
      else if (entry.t === 'cleared') book.clear(entry.date);
      else bank.restore(entry);
    }
    book.journal = journal;
    bank.journal = journal;
    // What fell due while the runtime was stopped goes out now; what was owed is sent again, same event id.
    const now = Date.now();
    for (const { dueAt, channelReference, result, t: _, ...s } of due.values()) {
      if (result !== 'none') later(Math.max(0, dueAt - now), () => report(s, channelReference, result));
    }
    for (const [reference, body] of owed) later(0, () => void deliver(reference, body, 1));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => answer(res, 500, { error: String(error) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (await handleStatementRoute(book, req, res, path)) return;
    if (await bank.handle(req, res, path)) return;
    const query = /^\/(payments|refunds)\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && query) {
      const found = queryable.get(decodeURIComponent(query[2] ?? ''));
      if (!found || `${found.s.kind}s` !== query[1]) return answer(res, 404, { error: 'not found' });
      const { s, state } = found;
      const channelReference = references.get(s.reference);
      return answer(res, 200, { channelReference, state, amount: s.amount, currency: s.currency });
    }
    const kind = path === '/payments' ? 'payment' : path === '/refunds' ? 'refund' : undefined;
    if (req.method !== 'POST' || !kind) return answer(res, 404, { error: 'not found' });
    const read = await readJson(req);
    if (read === tooLarge) return answer(res, 413, { error: `body is larger than ${MAX_BODY_BYTES} bytes` });
    if (typeof read !== 'object' || read === null)
      return answer(res, 400, { error: 'body is not a JSON object' });
    const body = read as Record<string, unknown>;
    const { reference, amount, currency, outcome } = body;
    if (typeof reference !== 'string' || !Number.isSafeInteger(amount) || typeof currency !== 'string') {
      return answer(res, 400, { error: 'reference, amount and currency are required' });
    }
    const submission: Submission = {
      kind,
      reference,
      amount: amount as number,
      currency,
      ...(typeof outcome === 'string' ? { outcome } : {}),
    };
    if (submission.outcome === 'unavailable') return answer(res, 503, { error: 'sandbox unavailable' });
    // Never answered: held until the caller gives up, at most 30 s as the vendor simulators do.
    if (submission.outcome === 'timeout') {
      later(30_000, () => res.destroy());
      return;
    }
    const channelReference = accept(submission);
    // The dispatcher's stream position moves on once we answer: what we accepted must be on disk first.
    await journal?.sync();
    answer(res, 200, { channelReference });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      journal?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the sandbox decides for a submission (see the module comment). */
export function outcomeOf(
  s: Pick<Submission, 'kind' | 'amount' | 'outcome'>,
): 'succeeded' | 'failed' | 'none' {
  if (s.outcome === 'none') return 'none';
  if (s.outcome === 'fail') return 'failed';
  if (s.outcome === 'succeed' || s.kind === 'refund') return 'succeeded';
  return s.amount % 100 === 13 ? 'failed' : 'succeeded';
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  // A failure once a (streamed) answer has begun can only cut it short.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * The sandbox bank (served by the sandbox PSP simulator): receives settlement payouts.
 *
 * - `POST /payouts` `{ id, merchantId, amount, currency }` → 200 `{ reference }`; the same `id` again
 *   answers the same reference and pays nothing twice (a retried task).
 * - `POST /payouts/failures` `{ merchantId, times }`: the merchant's next `times` payouts answer 503, so
 *   tests and demos can show a payout retried, then recorded failed and alarmed.
 * - `GET /payouts`: what was paid, for tests.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, readJson, json as send, tooLarge } from './http.js';
import type { PspJournal, PspJournalEntry } from './journal.js';

export interface Payout {
  readonly id: string;
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly reference: string;
}

export class SandboxBank {
  private readonly payouts = new Map<string, Payout>();
  private readonly failures = new Map<string, number>();
  /** Where payouts are recorded when the PSP persists (set once its journal is replayed). */
  journal: Pick<PspJournal, 'append' | 'sync'> | undefined;

  /** Replays a recorded payout or failure injection. */
  restore(entry: PspJournalEntry): void {
    if (entry.t === 'payout') this.payouts.set(entry.payout.id, entry.payout);
    else if (entry.t === 'payout-failures') this.failures.set(entry.merchantId, entry.times);
  }

  private setFailures(merchantId: string, times: number): void {
    this.failures.set(merchantId, times);
    this.journal?.append({ t: 'payout-failures', merchantId, times });
  }

  /** Serves the bank's routes; false when `path` is not one of them. */
  async handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (path === '/payouts' && req.method === 'GET')
      return send(res, 200, { data: [...this.payouts.values()] });
    if (req.method !== 'POST' || (path !== '/payouts' && path !== '/payouts/failures')) return false;
    const read = await readJson(req);
    if (read === tooLarge) return send(res, 413, { error: `body is larger than ${MAX_BODY_BYTES} bytes` });
    if (typeof read !== 'object' || read === null)
      return send(res, 400, { error: 'body is not a JSON object' });
    const body = read as Record<string, unknown>;
    if (path === '/payouts/failures') {
      if (typeof body.merchantId !== 'string' || !Number.isSafeInteger(body.times)) {
        return send(res, 400, { error: 'merchantId and times are required' });
      }
      this.setFailures(body.merchantId, body.times as number);
      await this.journal?.sync();
      return send(res, 200, { merchantId: body.merchantId, times: body.times });
    }
    const { id, merchantId, amount, currency } = body;
    if (
      typeof id !== 'string' ||
      typeof merchantId !== 'string' ||
      !Number.isSafeInteger(amount) ||
      typeof currency !== 'string'
    ) {
      return send(res, 400, { error: 'id, merchantId, amount and currency are required' });
    }
    const done = this.payouts.get(id);
    if (done) return send(res, 200, { reference: done.reference });
    const failing = this.failures.get(merchantId) ?? 0;
    if (failing > 0) {
      this.setFailures(merchantId, failing - 1);
      return send(res, 503, { error: 'the bank is unavailable' });
    }
    const payout = {
      id,
      merchantId,
      amount: amount as number,
      currency,
      reference: `bank_${randomBytes(8).toString('hex')}`,
    };
    this.payouts.set(id, payout);
    // A payout the bank answered is paid: it must survive a restart, or a retried task would pay twice.
    this.journal?.append({ t: 'payout', payout });
    await this.journal?.sync();
    return send(res, 200, { reference: payout.reference });
  }
}

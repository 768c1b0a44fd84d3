/**
 * What the sandbox PSP keeps when the local runtime persists (`--persist`), like a real PSP's books:
 * the submissions it accepted (with when their callback is due), the outcomes it reported (its
 * statement rows and the callback it owes until one is accepted), the discrepancies injected into its
 * statements, and its bank's payouts and failure injections. The simulator appends an entry before it
 * answers, and replays the entries when it starts: a callback due while the runtime was stopped is sent
 * soon after it starts again, one reported but never accepted is sent again with the same event id.
 *
 * The storage (a fsynced, torn-write tolerant file, durable-log.ts) is the runtime's; the simulator
 * only sees this port.
 */
import type { StatementRow } from './statement-csv.js';
import type { Injections } from './statements.js';

export type PspJournalEntry =
  | {
      readonly t: 'accepted';
      readonly kind: 'payment' | 'refund';
      readonly reference: string;
      readonly channelReference: string;
      readonly amount: number;
      readonly currency: string;
      readonly result: 'succeeded' | 'failed' | 'none';
      /** Epoch ms at which the callback is due. */
      readonly dueAt: number;
    }
  | { readonly t: 'reported'; readonly reference: string; readonly row: StatementRow; readonly body: string }
  | { readonly t: 'delivered' | 'abandoned'; readonly reference: string }
  | { readonly t: 'injected'; readonly date: string; readonly injections: Injections }
  | { readonly t: 'cleared'; readonly date: string }
  | {
      readonly t: 'payout';
      readonly payout: {
        readonly id: string;
        readonly merchantId: string;
        readonly amount: number;
        readonly currency: string;
        readonly reference: string;
      };
    }
  | { readonly t: 'payout-failures'; readonly merchantId: string; readonly times: number };

export interface PspJournal {
  /** What earlier runs recorded, oldest first. */
  readonly entries: readonly PspJournalEntry[];
  /** Records one entry; it survives this process once the call returns. */
  append(entry: PspJournalEntry): void;
  /** Resolves once every entry so far is on disk. */
  sync(): Promise<void>;
  close(): void;
}

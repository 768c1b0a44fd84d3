/**
 * The merchant onboarding state machine (docs/contract.md, "Merchants, API keys and gateway controls").
 * Pure: the store applies a decision with one write guarded on the status and version it was decided
 * from, so two concurrent reviews can never both win.
 *
 * ```
 * pending_review ──approve──► active ◄──reinstate── suspended
 *        │                      └──────suspend──────────►┘
 *        └──reject──► rejected (final)
 * ```
 *
 * Only an `active` merchant's keys work and only an active merchant is issued keys; a suspended
 * merchant's keys answer 403 `merchant-suspended`, so the merchant learns why (a 401 would read as a
 * wrong key); pending and rejected merchants have no keys at all.
 */
import { MerchantStateError } from './errors.js';

export const MERCHANT_STATUSES = ['pending_review', 'active', 'rejected', 'suspended'] as const;
export type MerchantStatus = (typeof MERCHANT_STATUSES)[number];

export const RISK_RATINGS = ['low', 'medium', 'high'] as const;
export type RiskRating = (typeof RISK_RATINGS)[number];
/** The rating of an approval that names none (contract). */
export const DEFAULT_RISK_RATING: RiskRating = 'medium';

export type MerchantCommand =
  | { readonly kind: 'approve'; readonly riskRating?: RiskRating }
  | { readonly kind: 'reject' }
  | { readonly kind: 'suspend' }
  | { readonly kind: 'reinstate' };

/** What each change announces on the bus (through the table stream: the change item is the outbox). */
export type MerchantEventType =
  | 'MerchantOnboarded'
  | 'MerchantRejected'
  | 'MerchantSuspended'
  | 'MerchantReinstated';

/** A legal transition: from where, to where, and what it announces. */
interface Transition {
  readonly from: MerchantStatus;
  readonly to: MerchantStatus;
  readonly event: MerchantEventType;
}

export const TRANSITIONS: Readonly<Record<MerchantCommand['kind'], Transition>> = {
  approve: { from: 'pending_review', to: 'active', event: 'MerchantOnboarded' },
  reject: { from: 'pending_review', to: 'rejected', event: 'MerchantRejected' },
  suspend: { from: 'active', to: 'suspended', event: 'MerchantSuspended' },
  reinstate: { from: 'suspended', to: 'active', event: 'MerchantReinstated' },
};

/** The merchant as the machine sees it. */
export interface MerchantState {
  readonly status: MerchantStatus;
  /** Incremented by every change; the guard of the write that applies the next one. */
  readonly version: number;
  readonly riskRating: RiskRating | null;
}

export interface MerchantDecision {
  readonly next: MerchantState;
  readonly event: MerchantEventType;
}

/**
 * The state `command` leads `state` to, and the event it announces.
 * @throws MerchantStateError when the command is not legal from the current status (409).
 */
export function decide(state: MerchantState, command: MerchantCommand): MerchantDecision {
  const transition = TRANSITIONS[command.kind];
  if (state.status !== transition.from) {
    throw new MerchantStateError(command.kind, state.status, transition.from);
  }
  const riskRating =
    command.kind === 'approve' ? (command.riskRating ?? DEFAULT_RISK_RATING) : state.riskRating;
  return {
    next: { status: transition.to, version: state.version + 1, riskRating },
    event: transition.event,
  };
}

/** The state of a merchant just created by ops. */
export function initialState(): MerchantState {
  return { status: 'pending_review', version: 1, riskRating: null };
}

/** What a merchant key answers, by its merchant's status. */
export type KeyAccess = 'allowed' | 'merchant_suspended' | 'unauthorized';

export function keyAccess(status: MerchantStatus): KeyAccess {
  if (status === 'active') return 'allowed';
  if (status === 'suspended') return 'merchant_suspended';
  return 'unauthorized';
}

/** Keys are issued (and rolled) only for an active merchant. */
export function canIssueKeys(status: MerchantStatus): boolean {
  return status === 'active';
}

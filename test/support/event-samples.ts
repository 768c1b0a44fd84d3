/**
 * One sample event of every published detail-type, as the bus delivers it (EventBridge envelope), built
 * from real table items through `eventsFromChange` where the stream publisher derives them, and checked
 * against the detail-type's schema, so the samples cannot drift from what we publish.
 */
import * as z from 'zod/mini';
import { eventsFromChange, type TableChange } from '../../shared/events/derive.js';
import {
  type DetailType,
  EVENT_SOURCE,
  eventDetailSchemas,
  type PaymentsEvent,
  PUBLISHED_DETAIL_TYPES,
} from '../../shared/schemas/events.js';
import { settlementCompletedDetail } from '../../shared/settlement/settle.js';
import type { SettlementItem } from '../../shared/store/dynamodb/settlements.js';
import type { PaymentItem, RefundItem } from '../../shared/store/items.js';
import { merchantChangeItem } from '../../shared/store/merchant-items.js';
import { type DiscrepancyItem, EMPTY_COUNTS, type RunItem } from '../../shared/store/reconciliation-items.js';

export const T0 = '2026-03-01T10:00:00.000Z';
export const T1 = '2026-03-01T10:00:05.000Z';

export function paymentItem(overrides: Partial<PaymentItem> = {}): PaymentItem {
  return {
    PK: 'OBJ#aaaaaaaaaaaaaaaaaaaaaaaaaa',
    SK: 'OBJ',
    entity: 'payment',
    id: 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    merchantId: 'm_demo_1',
    amount: 1050,
    currency: 'USD',
    status: 'processing',
    channel: 'sandbox',
    amountRefunded: 0,
    refundableRemaining: 1050,
    customer: { id: 'c_1', email: 'c1@example.com', ip: '203.0.113.7', country: 'US' },
    metadata: { order: '42' },
    createdAt: T0,
    updatedAt: T0,
    idempotencyKey: 'k1',
    requestFingerprint: 'f'.repeat(64),
    GSI1PK: 'MER#m_demo_1',
    GSI1SK: `${T0}#pay_aaaaaaaaaaaaaaaaaaaaaaaaaa`,
    ...overrides,
  };
}

export function refundItem(overrides: Partial<RefundItem> = {}): RefundItem {
  return {
    PK: 'OBJ#aaaaaaaaaaaaaaaaaaaaaaaaaa',
    SK: 'REF#re_bbbbbbbbbbbbbbbbbbbbbbbbbb',
    entity: 'refund',
    id: 're_bbbbbbbbbbbbbbbbbbbbbbbbbb',
    paymentId: 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    merchantId: 'm_demo_1',
    amount: 500,
    currency: 'USD',
    status: 'pending',
    channel: 'sandbox',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function runItem(overrides: Partial<RunItem> = {}): RunItem {
  return {
    PK: 'OBJ#cccccccccccccccccccccccccc',
    SK: 'OBJ',
    entity: 'reconciliationRun',
    id: 'rcr_cccccccccccccccccccccccccc',
    channel: 'sandbox',
    date: '2026-02-28',
    status: 'running',
    counts: EMPTY_COUNTS,
    repaired: 0,
    source: null,
    error: null,
    requestFingerprint: 'f'.repeat(64),
    callerId: 'ops',
    createdAt: T0,
    completedAt: null,
    ...overrides,
  };
}

export function discrepancyItem(overrides: Partial<DiscrepancyItem> = {}): DiscrepancyItem {
  const id = 'dsc_sandbox_20260228_dddddddddddddddddddddddddd';
  return {
    PK: 'DSC#sandbox#2026-02-28',
    SK: id,
    entity: 'discrepancy',
    merchantId: 'm_demo_1',
    id,
    object: 'reconciliation_discrepancy',
    runId: 'rcr_cccccccccccccccccccccccccc',
    channel: 'sandbox',
    date: '2026-02-28',
    kind: 'mismatch',
    type: 'payment',
    reference: 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    channelReference: 'sbx_1',
    fields: ['amount'],
    status: 'open',
    line: 2,
    statement: { amount: 1051, currency: 'USD', status: 'succeeded', fee: 30, occurredAt: T0 },
    held: { amount: 1050, currency: 'USD', status: 'succeeded', fee: null, occurredAt: null },
    note: null,
    createdAt: T1,
    updatedAt: T1,
    ...overrides,
  };
}

const asImage = (item: object) => item as unknown as Record<string, unknown>;

/** A channel breaker item (shared/store/dynamodb/channel-breakers.ts); version 6 is the closing write. */
function breakerItem(version: number) {
  return {
    PK: 'CHANNEL#stripe',
    SK: 'BREAKER',
    entity: 'channelBreaker',
    channel: 'stripe',
    state: 'closed',
    openedAt: null,
    failures: [],
    probeTakenAt: null,
    recentFailures: 0,
    version,
    changedAt: T1,
    ...(version === 6 ? { announce: 'ChannelBreakerClosed' } : {}),
  };
}

/** A merchant's change item (store/merchant-items.ts): one per transition, each announcing its event. */
export function merchantChange(version: number, action: 'approve' | 'reject' | 'suspend' | 'reinstate') {
  const to = { approve: 'active', reject: 'rejected', suspend: 'suspended', reinstate: 'active' } as const;
  const from = {
    approve: 'pending_review',
    reject: 'pending_review',
    suspend: 'active',
    reinstate: 'suspended',
  } as const;
  const merchant = {
    id: 'm_demo_3',
    object: 'merchant' as const,
    name: 'Demo 3',
    country: 'DE',
    website: null,
    mcc: null,
    expectedMonthlyVolume: { EUR: 100_000 },
    status: to[action],
    riskRating: action === 'reject' ? null : ('medium' as const),
    createdAt: T0,
    updatedAt: T1,
  };
  return merchantChangeItem(merchant, version, {
    action,
    from: from[action],
    to: to[action],
    by: 'ops',
    at: T1,
    note: 'sample',
    ...(action === 'approve' ? { riskRating: 'medium' as const } : {}),
  });
}

/**
 * A representative table change (a stream record, images unmarshalled) for every event the stream
 * publisher derives.
 */
export function sampleChanges(): TableChange[] {
  const created = paymentItem();
  const succeeded = paymentItem({ status: 'succeeded', channelReference: 'sbx_1', updatedAt: T1 });
  const risk = { score: 12, decision: 'approve' as const, reasons: [], assessedAt: T1 };
  const pending = refundItem();
  const opened = {
    ...breakerItem(4),
    state: 'open',
    openedAt: Date.parse(T1),
    recentFailures: 5,
    announce: 'ChannelBreakerOpened',
  };
  const halfOpen = { ...opened, state: 'half_open', version: 5, announce: undefined };
  const changes = [
    { eventName: 'INSERT', newImage: asImage(created) },
    { eventName: 'MODIFY', oldImage: asImage(created), newImage: asImage(succeeded) },
    {
      eventName: 'MODIFY',
      oldImage: asImage(created),
      newImage: asImage({ ...succeeded, status: 'failed' }),
    },
    {
      eventName: 'MODIFY',
      oldImage: asImage(created),
      newImage: asImage({ ...succeeded, status: 'canceled' }),
    },
    { eventName: 'MODIFY', oldImage: asImage(succeeded), newImage: asImage({ ...succeeded, risk }) },
    { eventName: 'INSERT', newImage: asImage(pending) },
    {
      eventName: 'MODIFY',
      oldImage: asImage(pending),
      newImage: asImage({ ...pending, status: 'succeeded', channelReference: 'sbx_r1', updatedAt: T1 }),
    },
    {
      eventName: 'MODIFY',
      oldImage: asImage(pending),
      newImage: asImage({ ...pending, status: 'failed', channelReference: 'sbx_r1', updatedAt: T1 }),
    },
    { eventName: 'INSERT', newImage: asImage(discrepancyItem()) },
    { eventName: 'INSERT', newImage: asImage(runItem()) },
    { eventName: 'MODIFY', oldImage: asImage(breakerItem(3)), newImage: asImage(opened) },
    { eventName: 'MODIFY', oldImage: asImage(halfOpen), newImage: asImage(breakerItem(6)) },
    ...(['approve', 'reject', 'suspend', 'reinstate'] as const).map((action, i) => ({
      eventName: 'INSERT',
      newImage: asImage(merchantChange(i + 2, action)),
    })),
  ];
  return changes;
}

/** Every event the stream publisher derives, from a representative change each. */
function derivedSamples(): PaymentsEvent[] {
  return sampleChanges().flatMap((c) => eventsFromChange(c));
}

/** A paid settlement item (shared/store/dynamodb/settlements.ts). */
export function settlementItem(): SettlementItem {
  return {
    PK: 'SETL#m_demo_1',
    SK: 'STL#2026-03-02T00:00:00.000Z#USD',
    entity: 'settlement',
    id: 'stl_ffffffffffffffffffffffffff',
    merchantId: 'm_demo_1',
    currency: 'USD',
    periodEnd: '2026-03-02T00:00:00.000Z',
    grossAmount: 1050,
    refundedAmount: 500,
    feeAmount: 60,
    netAmount: 490,
    paymentCount: 1,
    refundCount: 1,
    heldCount: 0,
    heldAmount: 0,
    releasedCount: 0,
    releasedAmount: 0,
    status: 'paid',
    payout: { id: 'stl_ffffffffffffffffffffffffff', amount: 490, bankReference: 'bank_1', paidAt: T1 },
    payoutError: null,
    runId: 'str_gggggggggggggggggggggggggg',
    windows: { period: ['0', '2026-03-02T00:00:00.000Z'], released: [], heldOut: [] },
    createdAt: T1,
    updatedAt: T1,
  };
}

/** What the settlement state machine puts on the bus (its PayOut task builds the detail). */
function settlementCompletedSample() {
  return settlementCompletedDetail(settlementItem());
}

/** A detail-type → sample detail map covering every published detail-type; each detail parses. */
export function sampleDetails(): Map<DetailType, unknown> {
  const samples = new Map<DetailType, unknown>();
  for (const e of derivedSamples()) samples.set(e.detailType, e.detail);
  for (const detailType of PUBLISHED_DETAIL_TYPES) {
    if (detailType === 'SettlementCompleted') samples.set(detailType, settlementCompletedSample());
    z.parse(eventDetailSchemas[detailType], samples.get(detailType));
  }
  return samples;
}

/** The sample of `detailType` wrapped as EventBridge delivers it to rules and targets. */
export function eventBridgeEvent(detailType: string, detail: unknown) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': detailType,
    source: EVENT_SOURCE,
    account: '111122223333',
    time: T1,
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** One EventBridge event per published detail-type. */
export function publishedEventSamples() {
  return [...sampleDetails()].map(([detailType, detail]) => eventBridgeEvent(detailType, detail));
}

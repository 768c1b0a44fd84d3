/** The shapes of the ops routes' answers the console reads (docs/contract.md); unknown fields are ignored. */

export interface Payment {
  readonly id: string;
  readonly merchantId: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: string;
  readonly channel: string | null;
  readonly channelReference?: string | null;
  readonly amountRefunded?: number;
  readonly description?: string | null;
  readonly failureCode?: string | null;
  readonly risk?: { score: number; decision: string; reasons?: string[]; assessedAt?: string } | null;
  readonly reviewStatus?: 'held' | 'released' | 'rejected' | null;
  readonly routing?: {
    strategy?: string;
    rule?: string | null;
    candidates?: string[];
    chosen?: string | null;
    reason?: string;
    attempts?: { channel: string; outcome: string; at: string }[];
  } | null;
  readonly createdAt: string;
  readonly updatedAt?: string;
}

export interface PaymentEvent {
  readonly id?: string;
  readonly eventId?: string;
  readonly detailType?: string;
  readonly 'detail-type'?: string;
  readonly type?: string;
  readonly occurredAt?: string;
  readonly createdAt?: string;
}

export interface Channel {
  readonly id: string;
  readonly currencies: string[];
  readonly fees: Record<string, { percentBps: number; fixed: number }>;
  readonly breaker: {
    state: string;
    recentFailures?: number;
    openedAt?: string | null;
    failureThreshold?: number;
  };
  readonly health: {
    attempts: number;
    succeeded: number;
    failed: number;
    unavailable: number;
    authorizationRate: number | null;
  };
}

export interface ReconciliationRun {
  readonly id: string;
  readonly channel: string;
  readonly date: string;
  readonly status: string;
  readonly counts?: Record<string, number>;
  readonly repaired?: number;
}

export interface Discrepancy {
  readonly id: string;
  readonly kind: string;
  readonly reference: string | null;
  readonly channelReference: string | null;
  readonly fields?: string[];
  readonly status: string;
}

export interface SettlementRun {
  readonly id: string;
  readonly date: string;
  readonly status: string;
  readonly settlements?: number;
  readonly startedAt?: string;
  readonly createdAt?: string;
}

export interface Merchant {
  readonly id: string;
  readonly name: string;
  readonly country?: string;
  readonly website?: string | null;
  readonly status: string;
  readonly riskRating?: string | null;
  readonly createdAt?: string;
}

export interface ApiKey {
  readonly id: string;
  readonly last4: string;
  readonly status: string;
  readonly createdAt?: string;
  readonly expiresAt?: string | null;
}

export interface DeadLetterQueue {
  readonly name: string;
  readonly sourceQueues: string[];
  readonly redrivable: boolean;
  readonly approximateMessages: number;
  readonly approximateMessagesNotVisible: number;
}

export interface DeadLetterMessage {
  readonly messageId: string;
  readonly body: unknown;
  readonly receiveCount: number;
  readonly sentAt: string | null;
  readonly sourceQueueArn: string | null;
}

/** An event's detail-type, whichever name the answer gives it. */
export function detailTypeOf(event: PaymentEvent): string {
  return event.detailType ?? event['detail-type'] ?? event.type ?? 'unknown';
}

/**
 * The event contracts between services (shared/events/catalogue.ts): what each producer's real code puts
 * on the bus parses with its detail-type's schema and with what every consumer reads of it, through the
 * consumer's own parser; and a producer that drops or retypes a field a consumer relies on is refused by
 * that consumer, so such a change fails here rather than in a dead-letter queue. The schemas are held
 * to the same: what a consumer requires, the producer's schema requires.
 *
 * Producers: the table stream's publisher (functions/events/publisher.ts, run on stream records of
 * fixture items: payments, refunds, risk, reconciliation runs and discrepancies, breakers, merchant
 * changes) and the settlement state machine's PayOut detail (`settlementCompletedDetail`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import * as z from 'zod/mini';
import { setEventBridgeClient } from '../../../shared/aws/eventbridge.js';
import { leavesOf } from '../../../shared/events/schema-fields.js';
import {
  type DetailType,
  EVENT_SOURCE,
  PUBLISHED_DETAIL_TYPES,
  STREAM_DETAIL_TYPES,
} from '../../../shared/schemas/events.js';
import { settlementCompletedDetail } from '../../../shared/settlement/settle.js';
import { parseWebhookSource } from '../../../shared/webhooks/parse.js';
import { eventBridgeEvent, sampleChanges, settlementItem } from '../../support/event-samples.js';
import { mutations } from '../../support/schema-paths.js';

process.env.EVENT_BUS_NAME = 'payments';
process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
// After the environment: the catalogue imports the consumers' modules, and with them the logger.
const { CATALOGUED_DETAIL_TYPES, EVENT_CATALOGUE } = await import('../../../shared/events/catalogue.js');
const { processBatch } = await import('../../../functions/events/publisher.js');
const { parseRiskMessage } = await import('../../../functions/events/risk.js');
const { outcomeOf } = await import('../../../functions/events/channel-health.js');
const { parseRunMessage } = await import('../../../functions/events/reconcile-run.js');

/**
 * Each consumer's own reading of an SQS message body (what its handler calls first): it throws on a
 * message it refuses. The webhooks consumer also answers `undefined` for an event merchants are not sent,
 * which for a catalogued detail-type is a refusal too.
 */
const PARSERS: Record<string, (body: string) => unknown> = {
  'events/risk': parseRiskMessage,
  'events/channel-health': outcomeOf,
  'events/merchant-webhooks': (body) =>
    parseWebhookSource(body) ?? assert.fail('not a detail-type merchants are sent'),
  'events/reconcile-run': parseRunMessage,
};

interface Produced {
  readonly detailType: string;
  readonly source: string;
  readonly detail: Record<string, unknown>;
  readonly by: 'outbox' | 'settlement state machine';
}

/** What the publisher puts on the bus for the sample changes, entry by entry. */
async function publishedByOutbox(): Promise<Produced[]> {
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `id-${i}` })),
  }));
  setEventBridgeClient(new EventBridgeClient({ region: 'us-east-1' }));
  try {
    const image = (value: object | undefined) =>
      value ? (marshall(value, { removeUndefinedValues: true }) as Record<string, never>) : undefined;
    const records: DynamoDBRecord[] = sampleChanges().map((change, n) => ({
      eventID: `e${n}`,
      eventName: change.eventName as DynamoDBRecord['eventName'],
      dynamodb: {
        SequenceNumber: String(1000 + n),
        NewImage: image(change.newImage),
        OldImage: image(change.oldImage),
      },
    }));
    const result = await processBatch({ Records: records } as DynamoDBStreamEvent);
    assert.deepEqual(result, { batchItemFailures: [] });
    return eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries as PutEventsRequestEntry[])
      .map((e) => ({
        detailType: e.DetailType as string,
        source: e.Source as string,
        detail: JSON.parse(e.Detail as string),
        by: 'outbox',
      }));
  } finally {
    setEventBridgeClient(undefined);
    eventBridge.restore();
  }
}

/** The detail the settlement state machine publishes (its PayOut task builds it; the infra test pins the state). */
function publishedBySettlement(): Produced {
  return {
    detailType: 'SettlementCompleted',
    source: EVENT_SOURCE,
    detail: settlementCompletedDetail(settlementItem()),
    by: 'settlement state machine',
  };
}

/** The SQS message body a consumer's queue delivers for `event` (the rule's target sends it whole). */
const bodyOf = (event: { detailType: string; detail: unknown }) =>
  JSON.stringify(eventBridgeEvent(event.detailType, event.detail));

let produced: Produced[] = [];
before(async () => {
  produced = [...(await publishedByOutbox()), publishedBySettlement()];
});
after(() => setEventBridgeClient(undefined));

const sampleOf = (detailType: DetailType) =>
  produced.find((p) => p.detailType === detailType) ?? assert.fail(`no producer made a ${detailType}`);

describe('event catalogue', () => {
  it('catalogues every detail-type that has a schema, and only those', () => {
    assert.deepEqual([...CATALOGUED_DETAIL_TYPES].sort(), [...PUBLISHED_DETAIL_TYPES].sort());
  });

  it("uses each detail-type's own schema from shared/schemas, not a copy", async () => {
    const { eventDetailSchemas } = await import('../../../shared/schemas/events.js');
    for (const detailType of CATALOGUED_DETAIL_TYPES) {
      assert.equal(EVENT_CATALOGUE[detailType].schema, eventDetailSchemas[detailType], detailType);
    }
  });

  it('has every catalogued detail-type made by its producer, and every one the producers make catalogued', () => {
    const made = new Set(produced.map((p) => p.detailType));
    assert.deepEqual([...made].filter((t) => !Object.hasOwn(EVENT_CATALOGUE, t)).sort(), []);
    assert.deepEqual(
      CATALOGUED_DETAIL_TYPES.filter((t) => !made.has(t)),
      [],
    );
    for (const p of produced) {
      assert.equal(EVENT_CATALOGUE[p.detailType as DetailType].publishedBy, p.by, p.detailType);
      assert.equal(p.source, EVENT_SOURCE, p.detailType);
    }
  });
});

describe('producers', () => {
  it('publish through the outbox exactly the detail-types the stream derivation can announce', () => {
    const outbox = CATALOGUED_DETAIL_TYPES.filter((t) => EVENT_CATALOGUE[t].publishedBy === 'outbox');
    assert.deepEqual([...outbox].sort(), [...STREAM_DETAIL_TYPES].sort());
  });

  for (const detailType of PUBLISHED_DETAIL_TYPES) {
    it(`${detailType}: what ${EVENT_CATALOGUE[detailType].producer} publishes parses with its schema`, () => {
      for (const p of produced.filter((e) => e.detailType === detailType)) {
        const parsed = z.safeParse(EVENT_CATALOGUE[detailType].schema, p.detail);
        assert.ok(parsed.success, `${detailType}: ${parsed.error?.message}`);
      }
    });
  }
});

describe('consumers', () => {
  for (const detailType of PUBLISHED_DETAIL_TYPES) {
    for (const consumer of EVENT_CATALOGUE[detailType].consumers) {
      const parser = PARSERS[consumer.handler];
      const name = `${detailType} → ${consumer.service} (${consumer.handler})`;

      it(`${name}: reads what the producer publishes`, () => {
        assert.ok(parser, `no parser known for ${consumer.handler}`);
        const sample = sampleOf(detailType);
        const parsed = z.safeParse(consumer.reads, sample.detail);
        assert.ok(parsed.success, `${name}: ${parsed.error?.message}`);
        assert.doesNotThrow(() => parser(bodyOf(sample)));
      });

      it(`${name}: every field it requires, the producer's schema requires; every field it reads, it has`, () => {
        // The schemas themselves, not only today's samples: a field made optional or removed in
        // shared/schemas fails here even while the producer's code still fills it.
        const produced = new Map(
          leavesOf(EVENT_CATALOGUE[detailType].schema).map((f) => [f.path.join('.'), f]),
        );
        for (const field of leavesOf(consumer.reads)) {
          const path = field.path.join('.');
          const guaranteed = produced.get(path);
          assert.ok(guaranteed, `${name}: ${path} is not in the ${detailType} schema`);
          if (field.required)
            assert.ok(guaranteed.required, `${name}: ${path} is optional in the ${detailType} schema`);
        }
      });

      it(`${name}: refuses the event when a field it relies on is dropped or retyped`, () => {
        const sample = sampleOf(detailType);
        const changes = mutations(consumer.reads, sample.detail);
        assert.ok(changes.length > 0, `${name}: the consumer relies on no field`);
        for (const { what, detail } of changes) {
          assert.equal(z.safeParse(consumer.reads, detail).success, false, `${name}: schema took ${what}`);
          assert.throws(() => parser!(bodyOf({ detailType, detail })), `${name}: parser took ${what}`);
        }
      });
    }
  }

  it('knows the parser of every consumer of the catalogue', () => {
    const handlers = new Set(CATALOGUED_DETAIL_TYPES.flatMap((t) => EVENT_CATALOGUE[t].consumers));
    assert.deepEqual([...new Set([...handlers].map((c) => c.handler))].sort(), Object.keys(PARSERS).sort());
  });
});

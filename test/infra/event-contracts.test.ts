/**
 * The event catalogue (shared/events/catalogue.ts) against the template's wiring: every rule on our
 * events feeds a catalogued consumer exactly the detail-types the catalogue says it consumes, every
 * catalogued consumer has its rule, and what the state machines put on the bus is catalogued as theirs.
 * The rule's consumer is found by the handler source of the function its queue feeds
 * (test/infra/event-wiring.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CATALOGUED_DETAIL_TYPES,
  consumedBy,
  consumerHandlers,
  EVENT_CATALOGUE,
} from '../../shared/events/catalogue.js';
import { type DetailType, EVENT_SOURCE } from '../../shared/schemas/events.js';
import { busRules, stateMachineDetailTypes } from './event-wiring.js';
import { synthesize } from './synthesized.js';

const { resources, functions } = synthesize();
const rules = busRules(resources, functions, EVENT_SOURCE);
const handlerOf = (source: string) => source.replace(/^functions\//, '').replace(/\.ts$/, '');
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

describe('event contracts against the wiring', () => {
  it('finds the rules on our events and the functions they feed', () => {
    assert.ok(rules.length >= consumerHandlers().length, `only ${rules.length} rules found`);
    for (const rule of rules) assert.ok(rule.handlers.length > 0, `${rule.logicalId} feeds no function`);
  });

  it('filters every rule on detail-types, each catalogued', () => {
    for (const rule of rules) {
      assert.ok(rule.detailTypes.length > 0, `${rule.logicalId} takes every detail-type`);
      const unknown = rule.detailTypes.filter((t) => !Object.hasOwn(EVENT_CATALOGUE, t));
      assert.deepEqual(unknown, [], `${rule.logicalId} routes uncatalogued detail-types`);
    }
  });

  it('feeds each consumer only what the catalogue says it consumes', () => {
    for (const rule of rules) {
      for (const handler of rule.handlers.map(handlerOf)) {
        const consumes = consumedBy(handler);
        assert.ok(
          consumes.length > 0,
          `${rule.logicalId} feeds ${handler}, which the catalogue does not list`,
        );
        const extra = rule.detailTypes.filter((t) => !consumes.includes(t as DetailType));
        assert.deepEqual(extra, [], `${rule.logicalId} sends ${handler} what it does not consume`);
      }
    }
  });

  it('gives every catalogued consumer a rule for each detail-type it consumes', () => {
    for (const { service, handler } of consumerHandlers()) {
      const routed = rules
        .filter((r) => r.handlers.map(handlerOf).includes(handler))
        .flatMap((r) => r.detailTypes);
      assert.deepEqual(sorted(routed), sorted(consumedBy(handler)), `${service} (${handler})`);
    }
  });

  it('catalogues what the state machines publish, as published by the settlement state machine', () => {
    const published = [...stateMachineDetailTypes(resources).values()].flat();
    assert.ok(published.length > 0, 'no state machine publishes');
    for (const detailType of published) {
      assert.ok(
        CATALOGUED_DETAIL_TYPES.includes(detailType as DetailType),
        `${detailType} is not catalogued`,
      );
      assert.equal(EVENT_CATALOGUE[detailType as DetailType].publishedBy, 'settlement state machine');
    }
    const catalogued = CATALOGUED_DETAIL_TYPES.filter(
      (t) => EVENT_CATALOGUE[t].publishedBy === 'settlement state machine',
    );
    assert.deepEqual(sorted(published), sorted(catalogued));
  });
});

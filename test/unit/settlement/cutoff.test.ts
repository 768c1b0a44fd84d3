/**
 * Where a settlement run's window ends, and how long a run waits for the indexes: a run for a past day
 * closes at that day's end; a run for today closes at its own start, so what showed `succeeded` before it
 * started is in it; a run reads the indexes no earlier than its start plus the index lag.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadEnv, settleMerchantEnvSchema } from '../../../shared/config/env.js';
import { cutoffOf } from '../../../shared/settlement/settle.js';
import { untilIndexed } from '../../../shared/store/dynamodb/table.js';
import { OUTCOME_INDEX_LAG_MS } from '../../../shared/store/keys.js';

describe('settlement cutoff', () => {
  it('closes a past day at its end, whenever the run started', () => {
    assert.equal(cutoffOf('2026-03-04', new Date('2026-03-05T11:30:00.000Z')), '2026-03-05T00:00:00.000Z');
    assert.equal(cutoffOf('2026-03-04', new Date('2026-04-01T00:00:00.000Z')), '2026-03-05T00:00:00.000Z');
  });

  it('closes today at the run’s start, with no grace taken off', () => {
    const startedAt = new Date('2026-03-05T09:00:00.123Z');
    assert.equal(cutoffOf('2026-03-05', startedAt), '2026-03-05T09:00:00.123Z');
  });
});

describe('waiting for the indexes', () => {
  it('waits out the rest of the lag after a run’s start, and not at all once it has passed', async () => {
    // Prepare
    const lag = 200;
    // Act
    const t0 = performance.now();
    await untilIndexed(new Date(Date.now() - 50), lag);
    const waited = performance.now() - t0;
    const t1 = performance.now();
    await untilIndexed(new Date(Date.now() - lag - 1), lag);
    const notWaited = performance.now() - t1;
    // Assess
    assert.ok(waited >= 120 && waited < 2_000, `waited ${waited} ms`);
    assert.ok(notWaited < 100, `waited ${notWaited} ms`);
  });

  it('never waits longer than the lag, whatever the start says', async () => {
    const t0 = performance.now();
    await untilIndexed(new Date(Date.now() + 60_000), 100);
    assert.ok(performance.now() - t0 < 2_000);
  });

  it('waits 10 s by default in AWS: an SDK retry of the stamped write, then index propagation', () => {
    assert.equal(OUTCOME_INDEX_LAG_MS, 10_000);
    assert.equal(loadEnv(settleMerchantEnvSchema, { TABLE_NAME: 't' }).OUTCOME_INDEX_LAG_MS, 10_000);
    const local = { TABLE_NAME: 't', OUTCOME_INDEX_LAG_MS: '1000' };
    assert.equal(loadEnv(settleMerchantEnvSchema, local).OUTCOME_INDEX_LAG_MS, 1_000);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../shared/http/errors.js';
import { validate } from '../../../shared/http/validation.js';
import { MAX_USAGE_DAYS, usageQuery, usageRange } from '../../../shared/schemas/usage.js';

const pathsOf = (query: Record<string, string>): string[] => {
  try {
    validate(usageQuery, query, 'query string');
    return [];
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return [...new Set(error.errors.map((e) => e.path))];
  }
};

describe('usage query', () => {
  it('defaults to the month of `to` up to it, `to` to today', () => {
    const now = new Date('2026-12-06T10:00:00Z');
    assert.deepEqual(usageRange({}, now), { from: '2026-12-01', to: '2026-12-06' });
    assert.deepEqual(usageRange({ to: '2026-11-15' }, now), { from: '2026-11-01', to: '2026-11-15' });
    assert.deepEqual(usageRange({ from: '2026-10-01', to: '2026-10-31' }, now), {
      from: '2026-10-01',
      to: '2026-10-31',
    });
  });

  it('takes calendar days, forwards, at most 93 days, defaults included', () => {
    assert.deepEqual(pathsOf({ from: '2026-01-01', to: '2026-04-03' }), []);
    assert.equal(MAX_USAGE_DAYS, 93);
    assert.deepEqual(pathsOf({ from: '2026-01-01', to: '2026-04-04' }), ['from']);
    assert.deepEqual(pathsOf({ from: '2026-02-30', to: '2026-03-01' }), ['from']);
    assert.deepEqual(pathsOf({ from: '2026-03-02', to: '2026-03-01' }), ['from']);
    assert.deepEqual(pathsOf({ from: '2020-01-01' }), ['from'], 'to defaults to today: years away');
    assert.deepEqual(pathsOf({ to: '26-03-01' }), ['to']);
    assert.deepEqual(pathsOf({ day: '2026-03-01' }), ['day']);
  });
});

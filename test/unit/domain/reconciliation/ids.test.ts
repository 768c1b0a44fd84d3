import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IdColumn } from '../../../../shared/domain/reconciliation/ids.js';

describe('id column', () => {
  it('gives back each id as added, null and non-ASCII ones included', () => {
    // Prepare
    const column = new IdColumn();
    const ids = ['pay_1', null, '', 'é,"x"', '日本', '😀'];
    // Act
    for (const id of ids) column.push(1, id);
    // Assess
    assert.deepEqual(
      ids.map((_, at) => column.get(at)),
      ids,
    );
  });

  it('finds an id only under its tag, and only once indexed', () => {
    const column = new IdColumn();
    column.push(1, 'pay_1');
    assert.equal(column.find(1, 'pay_1'), -1);
    column.index();
    assert.equal(column.find(1, 'pay_1'), 0);
    assert.equal(column.find(2, 'pay_1'), -1);
    assert.equal(column.find(1, 'pay_2'), -1);
    assert.equal(column.find(1, 'pay_'), -1);
  });

  it('tells apart ids whose hashes collide', () => {
    // Prepare: FNV-1a gives these two the same 32-bit hash under tag 1.
    const column = new IdColumn();
    column.push(1, 'pay_1539599');
    column.push(1, 'pay_1722382');
    // Act
    column.index();
    // Assess
    assert.equal(column.find(1, 'pay_1722382'), 1);
    assert.equal(column.find(1, 'pay_1539599'), 0);
  });

  it('tells apart non-ASCII ids whose hashes collide', () => {
    const column = new IdColumn();
    column.push(1, 'é_1514246');
    column.index();
    assert.equal(column.find(1, 'é_2055780'), -1);
    assert.equal(column.find(1, 'é_1514246'), 0);
  });

  it('never finds a null id', () => {
    const column = new IdColumn();
    column.push(1, null);
    column.index();
    assert.equal(column.find(1, ''), -1);
    assert.equal(column.find(0, ''), -1);
  });

  it('finds what a Map would, the first of equal keys winning, across growth', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(1, 2),
            fc.option(fc.string({ maxLength: 6, unit: fc.constantFrom('a', 'b', 'é', '😀') }), { nil: null }),
            fc.boolean(),
          ),
          { maxLength: 3000 },
        ),
        fc.array(
          fc.tuple(fc.constantFrom(1, 2), fc.string({ maxLength: 6, unit: fc.constantFrom('a', 'b', 'é') })),
        ),
        (entries, probes) => {
          // Prepare
          const column = new IdColumn();
          const model = new Map<string, number>();
          const pending: [string, number][] = [];
          // Act: index now and then, as reconciliation does lazily for channel references.
          entries.forEach(([tag, id, indexNow], at) => {
            column.push(tag, id);
            if (id !== null) pending.push([`${tag}:${id}`, at]);
            if (indexNow) {
              column.index();
              for (const [key, position] of pending) if (!model.has(key)) model.set(key, position);
              pending.length = 0;
            }
          });
          // Assess
          for (const [tag, id] of [...probes, ...entries.map(([t, i]) => [t, i ?? ''] as const)]) {
            assert.equal(column.find(tag, id), model.get(`${tag}:${id}`) ?? -1, `${tag}:${id}`);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

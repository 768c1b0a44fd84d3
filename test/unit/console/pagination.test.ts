import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  currentCursor,
  FIRST_PAGE,
  hasNext,
  hasPrevious,
  loaded,
  next,
  pageUrl,
  previous,
} from '../../../console/src/pagination.js';

describe('console cursor pagination', () => {
  it('starts on the first page with no cursor, no previous and no next until an answer says so', () => {
    assert.equal(currentCursor(FIRST_PAGE), null);
    assert.equal(hasPrevious(FIRST_PAGE), false);
    assert.equal(hasNext(FIRST_PAGE), false);
    assert.equal(hasNext(loaded(FIRST_PAGE, 'c1')), true);
  });

  it('goes forward with the cursor of the answer, and back to exactly the pages it saw', () => {
    // Prepare
    const page1 = loaded(FIRST_PAGE, 'c1');
    // Act
    const page2 = loaded(next(page1), 'c2');
    const page3 = loaded(next(page2), null);
    const back = previous(page3);
    // Assess
    assert.equal(currentCursor(page2), 'c1');
    assert.equal(currentCursor(page3), 'c2');
    assert.equal(hasNext(page3), false);
    assert.equal(currentCursor(back), 'c1');
    assert.equal(hasNext(back), true, 'the page before the last one has a next page');
    assert.equal(currentCursor(previous(back)), null);
    assert.equal(hasPrevious(previous(back)), false);
  });

  it('does not move past either end', () => {
    assert.equal(next(FIRST_PAGE), FIRST_PAGE);
    assert.equal(previous(FIRST_PAGE), FIRST_PAGE);
  });

  it('forgets the pages after the shown one when it goes forward again', () => {
    const page2 = loaded(next(loaded(FIRST_PAGE, 'c1')), 'c2');
    const back = loaded(previous(page2), 'c1-new');
    const forward = next(back);
    assert.deepEqual(forward.cursors, [null, 'c1-new']);
  });

  it('asks for a page with the filters, the limit and the cursor', () => {
    const page2 = next(loaded(FIRST_PAGE, 'abc+/='));
    assert.equal(
      pageUrl('/v1/ops/payments?risk=review', FIRST_PAGE, 20),
      '/v1/ops/payments?risk=review&limit=20',
    );
    assert.equal(
      pageUrl('/v1/ops/payments?merchantId=m_1', page2, 10),
      '/v1/ops/payments?merchantId=m_1&limit=10&cursor=abc%2B%2F%3D',
    );
  });
});

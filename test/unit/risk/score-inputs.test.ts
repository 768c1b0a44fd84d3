import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { documentationRangeLookup, ipCountryOf } from '../../../shared/domain/risk/ip-country.js';
import { normalizeCustomerId, normalizeEmail } from '../../../shared/domain/risk/near-miss.js';
import { effectOf, owesRiskRefund, planReview } from '../../../shared/domain/risk/review.js';
import { bucketOf, slidingCount } from '../../../shared/domain/risk/velocity.js';

describe('risk score inputs', () => {
  it('normalizes gmail-like emails (case, dots, +tag) and only the +tag elsewhere', () => {
    assert.equal(normalizeEmail('J.Doe+promo@GMail.com'), 'jdoe@gmail.com');
    assert.equal(normalizeEmail('j.doe@googlemail.com'), 'jdoe@gmail.com');
    assert.equal(normalizeEmail('J.Doe+x@Example.com'), 'j.doe@example.com');
    assert.equal(normalizeCustomerId(' Cus_12-3 '), 'cus123');
  });

  it('takes the IP country from metadata.ip_country first, then the documentation ranges', () => {
    assert.equal(ipCountryOf({ customer: { ip: '203.0.113.9' } }), 'GB');
    assert.equal(ipCountryOf({ customer: { ip: '198.51.100.7' } }), 'DE');
    assert.equal(ipCountryOf({ customer: { ip: '2001:DB8::1' } }), 'JP');
    assert.equal(ipCountryOf({ customer: { ip: '8.8.8.8' } }), undefined);
    assert.equal(ipCountryOf({ customer: { ip: '203.0.113.9' }, metadata: { ip_country: 'FR' } }), 'FR');
    assert.equal(ipCountryOf({ customer: { ip: '203.0.113.9' }, metadata: { ip_country: 'france' } }), 'GB');
    assert.equal(ipCountryOf({ customer: { ip: '8.8.8.8' } }, { countryOf: () => 'US' }), 'US');
    assert.equal(documentationRangeLookup.countryOf('192.0.2.1'), 'US');
  });

  it('counts the sliding window from the current and the weighted previous bucket', () => {
    const b = bucketOf(new Date('2026-01-01T10:45:00Z'), 60);
    assert.equal(b.elapsed, 0.75);
    assert.equal(slidingCount(2, 4, b.elapsed), 3);
    fc.assert(
      fc.property(fc.nat(100), fc.nat(100), fc.double({ min: 0, max: 0.999, noNaN: true }), (c, p, e) => {
        const n = slidingCount(c, p, e);
        return n >= c && n <= c + p;
      }),
    );
  });

  it('plans the effect of a decision from the payment status', () => {
    assert.deepEqual(effectOf('approve', 'processing', true), { cancel: false });
    assert.deepEqual(effectOf('review', 'succeeded', true), { reviewStatus: 'held', cancel: false });
    assert.deepEqual(effectOf('reject', 'processing', true), { reviewStatus: 'rejected', cancel: true });
    assert.deepEqual(effectOf('reject', 'succeeded', true), { reviewStatus: 'rejected', cancel: false });
    assert.deepEqual(effectOf('reject', 'succeeded', false), { reviewStatus: 'held', cancel: false });
    assert.deepEqual(effectOf('reject', 'failed', true), { cancel: false });
    assert.equal(owesRiskRefund({ status: 'succeeded', reviewStatus: 'rejected' }), true);
    assert.equal(owesRiskRefund({ status: 'canceled', reviewStatus: 'rejected' }), false);
  });

  it('plans ops reviews: held → decided, same decision again → replay, otherwise not in review', () => {
    assert.deepEqual(planReview({ status: 'processing', reviewStatus: 'held' }, 'reject'), {
      kind: 'apply',
      reviewStatus: 'rejected',
      cancel: true,
    });
    assert.deepEqual(planReview({ status: 'succeeded', reviewStatus: 'held' }, 'release'), {
      kind: 'apply',
      reviewStatus: 'released',
      cancel: false,
    });
    assert.deepEqual(planReview({ status: 'succeeded', reviewStatus: 'released' }, 'release'), {
      kind: 'already_applied',
    });
    assert.deepEqual(planReview({ status: 'succeeded', reviewStatus: 'released' }, 'reject'), {
      kind: 'not_in_review',
      reviewStatus: 'released',
    });
    assert.deepEqual(planReview({ status: 'succeeded' }, 'release'), { kind: 'not_in_review' });
  });
});

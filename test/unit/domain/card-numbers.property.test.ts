/**
 * Card number detection: every Luhn-valid 13–19 digit number is found in any spacing or dash formatting
 * and wherever it sits in text; a 16-digit number that fails Luhn (an order number) never is. Plus the
 * scan's cost on 64 KB of the worst text we know for it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { containsCardNumber, luhnValid } from '../../../shared/domain/card-numbers.js';

/** The check digit that makes `payload` + it pass Luhn (computed the textbook way, not by the code under test). */
function checkDigit(payload: string): string {
  let sum = 0;
  // From the right of the payload, every other digit starting with the first is doubled.
  [...payload].reverse().forEach((c, i) => {
    const d = Number(c) * (i % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  });
  return String((10 - (sum % 10)) % 10);
}

const digit = fc.constantFrom(...'0123456789');
const cardNumber = fc
  .integer({ min: 13, max: 19 })
  .chain((length) => fc.array(digit, { minLength: length - 1, maxLength: length - 1 }))
  .map((digits) => digits.join(''))
  .map((payload) => payload + checkDigit(payload));
/** What may stand between two digits: nothing, or up to three spaces and dashes (Unicode look-alikes too). */
const separator = fc.constantFrom(
  '',
  '',
  ' ',
  '-',
  '  ',
  ' - ',
  '--',
  '\u00a0',
  '\u2013',
  '\u2014',
  ' \u2013 ',
);
const formatted = (number: string) =>
  fc
    .array(separator, { minLength: number.length - 1, maxLength: number.length - 1 })
    .map((gaps) => [...number].map((d, i) => d + (gaps[i] ?? '')).join(''));
/** Text around: anything (digits and separators included), so long as it does not glue a digit onto the number. */
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'0123456789 -ab.#'), maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
const prefix = text.filter((s) => !/[0-9]$/.test(s));
const suffix = text.filter((s) => !/^[0-9]/.test(s));

describe('card number detection (properties)', () => {
  it('finds every Luhn-valid 13–19 digit number, however spaced or dashed, wherever it sits in text', () => {
    fc.assert(
      fc.property(
        cardNumber.chain((n) => fc.tuple(fc.constant(n), formatted(n))),
        prefix,
        suffix,
        ([number, shown], before, after) => {
          assert.ok(luhnValid(number));
          assert.ok(
            containsCardNumber(`${before}${shown}${after}`),
            JSON.stringify(`${before}${shown}${after}`),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('finds no 16-digit number that fails Luhn, plain or as 4-4-4-4, alone or in words', () => {
    const orderNumber = fc
      .array(digit, { minLength: 16, maxLength: 16 })
      .map((digits) => digits.join(''))
      .map((n) => (luhnValid(n) ? n.slice(0, 15) + String((Number(n[15]) + 1) % 10) : n));
    const words = fc.string({ unit: fc.constantFrom(...'abcxyz #:,.'), maxLength: 30 });
    fc.assert(
      fc.property(orderNumber, words, words, fc.constantFrom('', ' ', '-'), (n, before, after, gap) => {
        assert.ok(!luhnValid(n));
        const grouped = n.match(/.{4}/g)?.join(gap) ?? n;
        assert.equal(containsCardNumber(n), false);
        assert.equal(containsCardNumber(`${before}${grouped}${after}`), false, `${before}${grouped}${after}`);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('card number detection (examples)', () => {
  it('finds the networks’ test numbers in common shapes', () => {
    for (const text of [
      '4111111111111111',
      'card 4111 1111 1111 1111 exp 12/30',
      'pan:5555-5555-5555-4444.',
      'amex 3782 822463 10005',
      '6011 1111 1111 1117',
      'diners 3056 930902 5904',
      'short visa 4222222222222',
      'qty 2 4111 1111 1111 1111',
      '4111\u00a01111\u00a01111\u00a01111',
      'x4111111111111111y',
    ]) {
      assert.ok(containsCardNumber(text), text);
    }
  });

  it('finds nothing in ordinary text with numbers', () => {
    for (const text of [
      '',
      'Order 1001 for 2 items, 10.50 USD',
      '+1 (555) 123-4567',
      '2026-12-06T10:07:00.000Z',
      '123e4567-e89b-12d3-a456-426614174000',
      '411111111111', // 12 digits
      '41111111111111110', // 17 digits, fails Luhn
      '41111111111111111111', // 20 digits, too long whoever computes Luhn
      '4111 1111 1111    1111', // four spaces: two numbers, neither long enough
      'pay_abcdefghijklmnopqrstuvwxyz',
    ]) {
      assert.equal(containsCardNumber(text), false, text);
    }
  });

  it('scans 64 KB of its worst text (single digits, no number passing Luhn) in a few milliseconds', (t) => {
    // Runs of 13–19 ones never pass Luhn, so every span is checked and none ends the scan early.
    const worst = '1 '.repeat(32 * 1024);
    const prose = 'Order 1001, 2 items; call +1 555 123-4567 on 2026-12-06. '.repeat(1_130).slice(0, 65_536);
    const timings: Record<string, number> = {};
    for (const [name, input] of Object.entries({ worst, prose })) {
      assert.equal(containsCardNumber(input), false);
      const runs: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        containsCardNumber(input);
        runs.push(performance.now() - started);
      }
      runs.sort((a, b) => a - b);
      timings[name] = runs[10] as number;
    }
    t.diagnostic(`64 KB scan, median of 20: ${JSON.stringify(timings)} ms`);
    // A bound far above the figure, to catch a scan gone quadratic rather than to time the machine.
    assert.ok((timings.worst as number) < 100, `${timings.worst} ms`);
  });
});

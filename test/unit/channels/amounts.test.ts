import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AmountFormatError,
  decimalToMinor,
  fenToYuan,
  minorToDecimal,
  yuanToFen,
} from '../../../shared/channels/amounts.js';
import { MAX_AMOUNT } from '../../../shared/domain/money.js';

describe('yuan and fen', () => {
  it('round-trips every fen amount through its yuan string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT }), (fen) => {
        // Act
        const yuan = fenToYuan(fen);
        // Assess
        assert.match(yuan, /^(0|[1-9][0-9]*)\.[0-9]{2}$/);
        assert.equal(yuanToFen(yuan), fen);
      }),
    );
  });

  it('reads yuan with zero, one or two decimals exactly', () => {
    assert.equal(yuanToFen('10'), 1000);
    assert.equal(yuanToFen('10.5'), 1050);
    assert.equal(yuanToFen('10.50'), 1050);
    assert.equal(yuanToFen('0.01'), 1);
    assert.equal(yuanToFen('0.29'), 29); // 0.29 * 100 is 28.999999999999996 as a float
    assert.equal(yuanToFen('10000000000.00'), MAX_AMOUNT);
  });

  for (const junk of [
    '10.505',
    '-1.00',
    '+1.00',
    '1e3',
    '1E2',
    ' 1.00',
    '1.00 ',
    '01.00',
    '.50',
    '10.',
    '',
    '1,000.00',
    '0x10',
    'NaN',
    'Infinity',
    '１.00',
    '10000000000.01',
    '99999999999999999999',
  ]) {
    it(`refuses ${JSON.stringify(junk)}`, () => {
      assert.throws(() => yuanToFen(junk), AmountFormatError);
    });
  }

  it('refuses to write a negative, fractional or unsafe amount', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) assert.throws(() => fenToYuan(bad), AmountFormatError);
  });

  it('writes and reads other exponents', () => {
    assert.equal(minorToDecimal(5, 3), '0.005');
    assert.equal(minorToDecimal(1050, 0), '1050');
    assert.equal(decimalToMinor('1.005', 3), 1005);
    assert.throws(() => decimalToMinor('1.5', 0), AmountFormatError);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minorUnits } from '../../../../../shared/domain/reconciliation/native/index.js';

describe('decimal amounts in minor units', () => {
  it('reads yuan, dollars, yen and dinars by the currency exponent, exactly', () => {
    assert.equal(minorUnits('10.50', 'CNY'), 1050);
    assert.equal(minorUnits('0.29', 'CNY'), 29); // 0.29 * 100 is 28.999999999999996 in floats
    assert.equal(minorUnits('10.5', 'USD'), 1050);
    assert.equal(minorUnits('10', 'USD'), 1000);
    assert.equal(minorUnits('-5.00', 'USD'), -500);
    assert.equal(minorUnits('+5.00', 'USD'), 500);
    assert.equal(minorUnits('1050', 'JPY'), 1050);
    assert.equal(minorUnits('1.005', 'KWD'), 1005);
    assert.equal(minorUnits('10.500', 'CNY'), 1050);
    assert.equal(minorUnits('0.00', 'CNY'), 0);
    assert.equal(minorUnits('-0.00', 'CNY'), 0);
    assert.equal(minorUnits('10000000000.00', 'CNY'), 1_000_000_000_000);
  });

  it('refuses what is not a plain decimal, or more precise than the currency', () => {
    for (const junk of [
      '',
      ' ',
      '1e3',
      '1,050.00',
      '10.5.0',
      '.50',
      '10.',
      '¥10',
      '0x10',
      'NaN',
      '10.505',
      '- 1',
    ]) {
      assert.equal(minorUnits(junk, 'CNY'), undefined, junk);
    }
    assert.equal(minorUnits('10.5', 'JPY'), undefined);
    assert.equal(minorUnits('1234567890123456', 'JPY'), undefined);
  });
});

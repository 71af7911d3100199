import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidMyNumber, myNumberCheckDigit } from './my-number.js';

describe('My Number check digit (総務省令第85号 第5条)', () => {
  it('accepts a number computed by hand: 98320567321 → weights 2..7,2..6 from the right, sum 238, 238 mod 11 = 7, 11 − 7 = 4', () => {
    expect(myNumberCheckDigit('98320567321')).toBe(4);
    expect(isValidMyNumber('983205673214')).toBe(true);
    expect(isValidMyNumber('983205673210')).toBe(false);
  });

  it('gives 0 when the remainder is 0 or 1', () => {
    expect(myNumberCheckDigit('00000000000')).toBe(0); // sum 0
    expect(myNumberCheckDigit('00000000006')).toBe(0); // 6×2 = 12, remainder 1
    expect(myNumberCheckDigit('00000000005')).toBe(1); // 5×2 = 10, remainder 10
    expect(myNumberCheckDigit('10000000000')).toBe(5); // 1×6 = 6 → 11 − 6
  });

  it('refuses anything but 12 ASCII digits', () => {
    for (const bad of ['98320567321', '9832056732140', '98320567321a', '９８３２０５６７３２１４', '']) expect(isValidMyNumber(bad)).toBe(false);
    expect(() => myNumberCheckDigit('123')).toThrow(/first 11 digits/);
  });

  it('property: exactly one of the ten last digits is valid for any 11 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{11}$/), (first) => {
        const valid = '0123456789'.split('').filter((d) => isValidMyNumber(first + d));
        expect(valid).toHaveLength(1);
      }),
    );
  });
});

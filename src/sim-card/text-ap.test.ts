import { describe, expect, it } from 'vitest';
import { toHex } from '../protocol/apdu.js';
import { basicFourEf, myNumberEf } from './text-ap.js';

describe('text AP file contents', () => {
  it('EF 0001 is FF 10 0C + 12 ASCII digits + FF FF (17 bytes, as a real card answered)', () => {
    expect(toHex(myNumberEf('983205673214'))).toBe('FF 10 0C 39 38 33 32 30 35 36 37 33 32 31 34 FF FF');
  });

  it('EF 0002 wraps DF 21 offsets, DF 22 name, DF 23 address, DF 24 birth, DF 25 sex in FF 20', () => {
    const ef = basicFourEf({ name: 'AB', address: 'XYZ', birthDate: '1980-04-01', sex: '2' });
    // header FF 20 25 (37 = 11 + 5 + 6 + 11 + 4); offsets of DF 22/23/24/25 from file start: 0E, 13, 19, 24
    expect(toHex(ef)).toBe(
      'FF 20 25 DF 21 08 00 0E 00 13 00 19 00 24 DF 22 02 41 42 DF 23 03 58 59 5A DF 24 08 31 39 38 30 30 34 30 31 DF 25 01 32',
    );
  });

  it('encodes a UTF-8 name outside JIS X 0208 and the certificate sex code 3 as ISO 5218 9', () => {
    const ef = basicFourEf({ name: '𠮷', address: 'A', birthDate: '2001-12-31', sex: '3' });
    expect(toHex(ef)).toBe(
      'FF 20 25 DF 21 08 00 0E 00 15 00 19 00 24 DF 22 04 F0 A0 AE B7 DF 23 01 41 DF 24 08 32 30 30 31 31 32 33 31 DF 25 01 39',
    );
  });

  it('uses a two-byte BER length (81 xx) for an address of 128 bytes or more', () => {
    const ef = basicFourEf({ name: 'A', address: 'あ'.repeat(50), birthDate: '2001-12-31', sex: '1' });
    // address: 150 bytes → DF 23 81 96; body 11 + 4 + 154 + 11 + 4 = 184 = 0xB8 → FF 20 81 B8
    expect(toHex(ef.subarray(0, 4))).toBe('FF 20 81 B8');
    // DF 23 starts after the 4-byte header, DF 21 (11) and DF 22 01 41 (4): offset 19 = 0x13
    expect(toHex(ef.subarray(7, 11))).toBe('00 0F 00 13'); // DF 22 at 15, DF 23 at 19
    expect(toHex(ef.subarray(19, 23))).toBe('DF 23 81 96');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SW, buildCommandApdu, fromHex, parseCommandApdu, parseResponseApdu, toHex } from './apdu.js';

describe('APDU encoding (ISO 7816-4 cases 1–4, short and extended)', () => {
  it('parses the JPKI commands clients send (jpki-apdu.md §A.6)', () => {
    const select = parseCommandApdu(fromHex('00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01'));
    expect(select).toMatchObject({ ok: true, apdu: { cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, le: 0, hasLe: false, extended: false } });
    const readShort = parseCommandApdu(fromHex('00 B0 00 00 00'));
    expect(readShort).toMatchObject({ ok: true, apdu: { le: 256, hasLe: true, extended: false } });
    const readExtended = parseCommandApdu(fromHex('00 B0 00 04 00 06 1F'));
    expect(readExtended).toMatchObject({ ok: true, apdu: { p2: 4, le: 0x061f, hasLe: true, extended: true } });
    const emptyVerify = parseCommandApdu(fromHex('00 20 00 80'));
    expect(emptyVerify).toMatchObject({ ok: true, apdu: { ins: 0x20, data: new Uint8Array(0), hasLe: false } });
  });

  it('answers a malformed length with 67 00 and a reason instead of throwing', () => {
    expect(parseCommandApdu(fromHex('00 A4'))).toEqual({ ok: false, sw: SW.WRONG_LENGTH, reason: 'command shorter than 4 bytes (2)' });
    expect(parseCommandApdu(fromHex('00 20 00 80 04 31 32'))).toEqual({ ok: false, sw: SW.WRONG_LENGTH, reason: 'Lc=4 does not match a body of 2 bytes' });
  });

  it('builds the bytes it parses (round trip) for any well-formed command', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ minLength: 0, maxLength: 400 }),
        fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
        (ins, p1, data, le) => {
          const bytes = buildCommandApdu(0x00, ins, p1, 0, { data, le });
          const parsed = parseCommandApdu(bytes);
          if (!parsed.ok) return false;
          const a = parsed.apdu;
          return toHex(a.data) === toHex(data) && a.ins === ins && a.p1 === p1 && (le === undefined ? !a.hasLe : a.le === le);
        },
      ),
    );
  });

  it('splits a response into data and status word', () => {
    expect(parseResponseApdu(fromHex('01 02 63 C2'))).toEqual({ data: Uint8Array.from([1, 2]), sw: 0x63c2 });
    expect(() => parseResponseApdu(fromHex('90'))).toThrow('response shorter than 2 bytes (1): no status word');
  });
});

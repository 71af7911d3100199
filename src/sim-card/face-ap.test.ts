/**
 * 券面AP (AID D3 92 10 00 31 00 01 01 04 02) and the PIN A / PIN B side of the 券面事項入力補助AP
 * at byte level. PIN A = the 12-digit My Number; PIN B = birth date + expiry year + security code
 * (jpki-apdu.md §A.4/§A.5); which file needs which PIN is the card's documented choice.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/apdu.js';
import { createMyNumberCard, type CreateMyNumberCardOptions } from './create-card.js';
import { pinB } from './face-ap.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import type { MyNumberCard } from './jpki-card.js';

const SELECT_JPKI_AP = '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01';
const SELECT_TEXT_AP = '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08';
const SELECT_FACE_AP = '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02';
const HOLDER = { name: '髙橋 花子', birthDate: '1990-02-03', sex: '2' as const, address: '東京都' };
// PIN A: 983205673214 in ASCII
const VERIFY_PIN_A = '00 20 00 80 0C 39 38 33 32 30 35 36 37 33 32 31 34';
// PIN B (default form): 900203 (YYMMDD) + 2035 (expiry year: 10th birthday after 2025-04-01) + 5678
const VERIFY_PIN_B = '00 20 00 80 0E 39 30 30 32 30 33 32 30 33 35 35 36 37 38';
const WRONG_PIN_B = '00 20 00 80 0E 39 30 30 32 30 33 32 30 33 35 30 30 30 30';

let jlis: SimulatedJlis;
beforeAll(async () => {
  jlis = await createSimulatedJlis();
});

function card(extra: Partial<CreateMyNumberCardOptions> = {}): Promise<MyNumberCard> {
  return createMyNumberCard({
    jlis,
    authPin: '1234',
    authCertificate: { notBefore: '2025-04-01', notAfter: '2030-02-03' },
    keyLabel: 'test-card',
    myNumber: '983205673214',
    holder: HOLDER,
    securityCode: '5678',
    ...extra,
  });
}

const send = (c: MyNumberCard, hex: string): string => toHex(c.process(fromHex(hex)));

describe('PIN B value', () => {
  it('is YYMMDD + expiry year + code by default (14 digits), YYYYMMDD + year + code as the option', () => {
    expect(pinB('1990-02-03', '2035-02-03', '5678')).toBe('90020320355678');
    expect(pinB('1990-02-03', '2035-02-03', '5678', 'yyyymmdd')).toBe('1990020320355678');
  });
});

describe('券面AP', () => {
  it('is absent without a My Number and on an Android phone (SELECT 6A 82)', async () => {
    expect(send(await createMyNumberCard({ jlis, authPin: '1234', authCertificate: { notBefore: '2025-04-01', notAfter: '2030-02-03' }, keyLabel: 'test-card' }), SELECT_FACE_AP)).toBe('6A 82');
    const c = await card();
    expect(send(c, SELECT_FACE_AP)).toBe('90 00');
  });

  it('answers 69 82 to every read of the card face and My Number image before PIN A or PIN B', async () => {
    const c = await card();
    send(c, SELECT_FACE_AP);
    expect(send(c, '00 A4 02 0C 02 00 02')).toBe('90 00');
    expect(send(c, '00 B0 00 00 04')).toBe('69 82');
    expect(send(c, '00 A4 02 0C 02 00 05')).toBe('90 00');
    expect(send(c, '00 B0 00 00 04')).toBe('69 82');
    // SFI form: 00 B0 82 00 00 (SFI 2 = EF 0002)
    expect(send(c, '00 B0 82 00 00')).toBe('69 82');
  });

  it('opens the card face with PIN B: birth, sex, public key, PNG images, expiry', async () => {
    const c = await card();
    send(c, SELECT_FACE_AP);
    expect(send(c, '00 A4 02 0C 02 00 12')).toBe('90 00');
    expect(send(c, '00 20 00 80')).toBe('63 C3');
    expect(send(c, VERIFY_PIN_B)).toBe('90 00');
    expect(send(c, '00 A4 02 0C 02 00 02')).toBe('90 00');
    const head = c.process(fromHex('00 B0 00 00 00 00 00')); // extended Le: the whole file
    expect(toHex(head.subarray(head.length - 2))).toBe('90 00');
    const ef = head.subarray(0, head.length - 2);
    // FF 20 82 LL LL, then DF 21 12 (9 offsets), the first (DF 22) at 5 + 21 = 26 = 00 1A
    expect(toHex(ef.subarray(0, 3))).toBe('FF 20 82');
    expect((ef[3]! << 8) | ef[4]!).toBe(ef.length - 5);
    expect(toHex(ef.subarray(5, 10))).toBe('DF 21 12 00 1A');
    // DF 22 birth "19900203", DF 23 sex "2", DF 24 the SPKI of an RSA-2048 key (294 bytes)
    expect(toHex(ef.subarray(26, 46))).toBe('DF 22 08 31 39 39 30 30 32 30 33 DF 23 01 32 DF 24 82 01 26');
    expect(toHex(ef.subarray(46, 50))).toBe('30 82 01 22');
    // DF 25 (name image) right after the key (26 + 11 + 4 + 5 + 294 = 340)
    expect(offsetOf(ef, 'DF25')).toBe(340);
    // each image is a PNG: the value after its tag + length starts 89 50 4E 47
    for (const tag of ['DF25', 'DF26', 'DF27', 'DF2A']) {
      const at = offsetOf(ef, tag);
      const value = at + (ef[at + 2] === 0x82 ? 5 : ef[at + 2] === 0x81 ? 4 : 3);
      expect(toHex(ef.subarray(value, value + 4)), tag).toBe('89 50 4E 47');
    }
    const expiry = offsetOf(ef, 'DF29');
    // expiry: the 10th birthday after the issue 2025-04-01 of a holder born 1990-02-03 → 20350203
    expect(toHex(ef.subarray(expiry, expiry + 11))).toBe('DF 29 08 32 30 33 35 30 32 30 33');
    // PIN B does not open the My Number image
    send(c, '00 A4 02 0C 02 00 05');
    expect(send(c, '00 B0 00 00 04')).toBe('69 82');
  });

  it('opens the card face and the My Number image with PIN A; the image is FF 40 { DF 41 PNG … }', async () => {
    const c = await card();
    send(c, SELECT_FACE_AP);
    send(c, '00 A4 02 0C 02 00 13');
    expect(send(c, VERIFY_PIN_A)).toBe('90 00');
    send(c, '00 A4 02 0C 02 00 05');
    // 745 = (5 + 460-byte PNG) + (3 + 16-byte key id) + (5 + 256-byte signature)
    expect(send(c, '00 B0 00 00 0E')).toBe('FF 40 82 02 E9 DF 41 82 01 CC 89 50 4E 47 90 00');
    send(c, '00 A4 02 0C 02 00 02');
    expect(send(c, '00 B0 00 00 02')).toBe('FF 20 90 00');
  });

  it('counts PIN A and PIN B misses apart, locks at 0 (69 83, empty VERIFY 63 C0) until the administrative reset', async () => {
    const c = await card();
    send(c, SELECT_FACE_AP);
    send(c, '00 A4 02 0C 02 00 12');
    expect(send(c, WRONG_PIN_B)).toBe('63 C2');
    expect(send(c, WRONG_PIN_B)).toBe('63 C1');
    expect(send(c, WRONG_PIN_B)).toBe('63 C0');
    expect(send(c, VERIFY_PIN_B)).toBe('69 83');
    expect(send(c, '00 20 00 80')).toBe('63 C0');
    expect(c.pinTriesLeft('face-pin-b')).toBe(0);
    expect(c.pinTriesLeft('face-pin-a')).toBe(3);
    send(c, '00 A4 02 0C 02 00 13');
    expect(send(c, '00 20 00 80')).toBe('63 C3');
    c.administrativeReset('face-pin-b');
    send(c, '00 A4 02 0C 02 00 12');
    expect(send(c, VERIFY_PIN_B)).toBe('90 00');
  });

  it('a persona can start with PIN A blocked', async () => {
    const c = await card({ facePinATriesLeft: 0 });
    send(c, SELECT_FACE_AP);
    send(c, '00 A4 02 0C 02 00 13');
    expect(send(c, VERIFY_PIN_A)).toBe('69 83');
  });

  it('refuses CHANGE REFERENCE DATA on PIN A (69 85): it is the My Number itself', async () => {
    const c = await card();
    send(c, SELECT_FACE_AP);
    send(c, '00 A4 02 0C 02 00 13');
    send(c, VERIFY_PIN_A);
    expect(send(c, '00 24 01 80 0C 31 31 31 31 31 31 31 31 31 31 31 31')).toBe('69 85');
  });

  it('SELECT of another AP logs PIN B out', async () => {
    const c = await card();
    send(c, SELECT_FACE_AP);
    send(c, '00 A4 02 0C 02 00 12');
    send(c, VERIFY_PIN_B);
    send(c, SELECT_JPKI_AP);
    send(c, SELECT_FACE_AP);
    send(c, '00 A4 02 0C 02 00 02');
    expect(send(c, '00 B0 00 00 02')).toBe('69 82');
  });

  it('takes the 16-digit PIN B with pinBFormat yyyymmdd and an explicit card expiry', async () => {
    const c = await card({ pinBFormat: 'yyyymmdd', cardExpiresOn: '2031-12-31' });
    send(c, SELECT_FACE_AP);
    send(c, '00 A4 02 0C 02 00 12');
    // 19900203 2031 5678
    expect(send(c, '00 20 00 80 10 31 39 39 30 30 32 30 33 32 30 33 31 35 36 37 38')).toBe('90 00');
  });

  it('keeps PIN A / PIN B working on a PIN-less card', async () => {
    const c = await card({ pinless: true });
    send(c, SELECT_FACE_AP);
    send(c, '00 A4 02 0C 02 00 13');
    expect(send(c, VERIFY_PIN_A)).toBe('90 00');
  });

  it('the face data is the same for the same persona', async () => {
    const read = async (): Promise<string> => {
      const c = await card();
      send(c, SELECT_FACE_AP);
      send(c, '00 A4 02 0C 02 00 12');
      send(c, VERIFY_PIN_B);
      send(c, '00 A4 02 0C 02 00 02');
      return send(c, '00 B0 00 00 00 00 00');
    };
    expect(await read()).toBe(await read());
  });
});

describe('券面事項入力補助AP: PIN A (0014), PIN B (0015), EFs 0003–0005', () => {
  it('PIN A opens My Number, basic four and digests; PIN B opens basic four and digests but not My Number', async () => {
    const c = await card();
    send(c, SELECT_TEXT_AP);
    expect(send(c, '00 A4 02 0C 02 00 15')).toBe('90 00');
    expect(send(c, '00 20 00 80')).toBe('63 C3');
    expect(send(c, VERIFY_PIN_B)).toBe('90 00');
    send(c, '00 A4 02 0C 02 00 01');
    expect(send(c, '00 B0 00 00 00')).toBe('69 82');
    send(c, '00 A4 02 0C 02 00 02');
    expect(send(c, '00 B0 00 00 03')).toBe('FF 20 36 90 00');
    send(c, SELECT_TEXT_AP);
    send(c, '00 A4 02 0C 02 00 14');
    expect(send(c, VERIFY_PIN_A)).toBe('90 00');
    send(c, '00 A4 02 0C 02 00 01');
    expect(send(c, '00 B0 00 00 00')).toBe('FF 10 0C 39 38 33 32 30 35 36 37 33 32 31 34 FF FF 90 00');
    send(c, '00 A4 02 0C 02 00 03');
    const digests = c.process(fromHex('00 B0 00 00 00 00 00'));
    // FF 30 82 01 4B { DF 31 20 <SHA-256 of EF 0001>, DF 32 20 <…>, DF 33 82 01 00 <signature> }
    // 336 bytes, the size the client sources give: 5 + (3 + 32) + (3 + 32) + (5 + 256)
    expect(digests.length).toBe(336 + 2);
    expect(toHex(digests.subarray(0, 8))).toBe('FF 30 82 01 4B DF 31 20');
    const ef0001 = fromHex('FF 10 0C 39 38 33 32 30 35 36 37 33 32 31 34 FF FF');
    expect(toHex(digests.subarray(8, 40))).toBe(toHex(createHash('sha256').update(ef0001).digest()));
    expect(toHex(digests.subarray(40, 43))).toBe('DF 32 20');
    expect(toHex(digests.subarray(75, 79))).toBe('DF 33 82 01');
  });

  it('reads EF 0004 (7F 21 certificate) and 0005 (AP basic info) without a PIN', async () => {
    const c = await card();
    send(c, SELECT_TEXT_AP);
    send(c, '00 A4 02 0C 02 00 05');
    const info = send(c, '00 B0 00 00 00');
    // FF 40 1A: 26 = (3 + 4) + (3 + 16)
    expect(info.slice(0, 38)).toBe('FF 40 1A DF 41 04 00 00 00 01 DF 42 10');
    expect(info.split(' ')).toHaveLength(29 + 2);
    expect(info.endsWith('90 00')).toBe(true);
    send(c, '00 A4 02 0C 02 00 04');
    // 573 = 5F 4E (5 + 42 (18) + 7F 49 (5 + 260 + 5) + 5F 20 (19)) + 5F 37 (5 + 256)
    expect(send(c, '00 B0 00 00 08')).toBe('7F 21 82 02 3D 5F 4E 82 90 00');
  });

  it('the text PIN A counter is its own (a miss in the text AP leaves the 券面AP PIN A at 3)', async () => {
    const c = await card();
    send(c, SELECT_TEXT_AP);
    send(c, '00 A4 02 0C 02 00 14');
    expect(send(c, '00 20 00 80 0C 30 30 30 30 30 30 30 30 30 30 30 30')).toBe('63 C2');
    expect(c.pinTriesLeft('text-pin-a')).toBe(2);
    expect(c.pinTriesLeft('face-pin-a')).toBe(3);
  });
});

function offsetOf(ef: Uint8Array, tag: string): number {
  // the DF 21 table holds the offset of each field in tag order DF 22 … DF 2A
  const index = ['DF22', 'DF23', 'DF24', 'DF25', 'DF26', 'DF27', 'DF28', 'DF29', 'DF2A'].indexOf(tag);
  return (ef[8 + 2 * index]! << 8) | ef[9 + 2 * index]!;
}

describe('robustness of the text AP and 券面AP', () => {
  it('answers 10,000 random APDUs after a random AP setup with a status word; only 90 00 carries data; never 6F 00', async () => {
    const c = await card();
    const setups = [
      [SELECT_FACE_AP],
      [SELECT_FACE_AP, '00 A4 02 0C 02 00 13', VERIFY_PIN_A],
      [SELECT_FACE_AP, '00 A4 02 0C 02 00 12', VERIFY_PIN_B, '00 A4 02 0C 02 00 02'],
      [SELECT_TEXT_AP, '00 A4 02 0C 02 00 15'],
      [SELECT_TEXT_AP, '00 A4 02 0C 02 00 14', VERIFY_PIN_A, '00 A4 02 0C 02 00 01'],
    ];
    let withData = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: setups.length - 1 }),
        fc.constantFrom(0x00, 0x80),
        fc.constantFrom(0xa4, 0xb0, 0x20, 0x24, 0x2a, 0xca),
        fc.oneof(fc.constantFrom(0x00, 0x80, 0x82), fc.integer({ min: 0, max: 255 })),
        fc.oneof(fc.constantFrom(0x00, 0x0c, 0x80), fc.integer({ min: 0, max: 255 })),
        fc.oneof(fc.constantFrom(Uint8Array.of(0x00), Uint8Array.of(0x08), Uint8Array.of(0x02, 0x00, 0x02)), fc.uint8Array({ maxLength: 20 })),
        (setup, cla, ins, p1, p2, tail) => {
          c.reset();
          for (const pin of ['face-pin-a', 'face-pin-b', 'text-pin-a', 'text-pin-b', 'text'] as const) c.administrativeReset(pin);
          for (const hex of setups[setup]!) c.process(fromHex(hex));
          const r = c.process(Uint8Array.from([cla, ins, p1, p2, ...tail]));
          expect(r.length).toBeGreaterThanOrEqual(2);
          const status = toHex(r.subarray(r.length - 2));
          expect(status).not.toBe('6F 00');
          if (r.length > 2) {
            expect(status).toBe('90 00');
            withData += 1;
          }
        },
      ),
      { numRuns: 10_000 },
    );
    expect(withData).toBeGreaterThan(50);
  });
});

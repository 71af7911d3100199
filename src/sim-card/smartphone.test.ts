/**
 * Smartphone carriers (rules.md: Android types the smartphone certificate's 4-digit PIN on the
 * reader; iPhone unlocks with Face ID / Touch ID on the phone, no PIN on the reader).
 */
import { verify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CardTransport } from '../protocol/card-transport.js';
import { fromHex, toHex } from '../protocol/apdu.js';
import { createMyNumberCard, type CreateMyNumberCardOptions } from './create-card.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import { getRsaKeyPair } from './key-cache.js';
import type { MyNumberCard } from './jpki-card.js';

const SELECT_JPKI_AP = '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01';
const SELECT_TEXT_AP = '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08';
const SELECT_FACE_AP = '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02';
// SHA-256 DigestInfo of "abc"
const DIGEST_INFO = '30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 BA 78 16 BF 8F 01 CF EA 41 41 40 DE 5D AE 22 23 B0 03 61 A3 96 17 7A 9C B4 10 FF 61 F2 00 15 AD';
const SIGN = `80 2A 00 80 33 ${DIGEST_INFO} 00`;

let jlis: SimulatedJlis;
beforeAll(async () => {
  jlis = await createSimulatedJlis();
});

function phone(extra: Partial<CreateMyNumberCardOptions>): Promise<MyNumberCard> {
  return createMyNumberCard({ jlis, authPin: '1234', issuedOn: '2025-04-01', keyLabel: 'test-card', ...extra });
}
const send = (c: MyNumberCard, hex: string): string => toHex(c.process(fromHex(hex)));

describe('iPhone carrier', () => {
  it('refuses SIGN with the auth key (69 82) until the biometric unlock, then signs without VERIFY', async () => {
    const c = await phone({ token: 'iphone' });
    send(c, SELECT_JPKI_AP);
    expect(send(c, '00 A4 02 0C 02 00 17')).toBe('90 00');
    expect(send(c, SIGN)).toBe('69 82');
    const transport: CardTransport = c;
    expect(await transport.biometricUnlock?.()).toBe(true);
    const answer = c.process(fromHex(SIGN));
    expect(answer.length).toBe(256 + 2);
    expect(toHex(answer.subarray(256))).toBe('90 00');
    // PKCS#1 v1.5 over "abc" with SHA-256, checked with the public half of the test key
    const { publicKey } = await getRsaKeyPair('test-card');
    expect(verify('sha256', Buffer.from('abc'), publicKey, answer.subarray(0, 256))).toBe(true);
  });

  it('keeps the unlock across SELECT of the AP, loses it when the phone leaves the field (reset)', async () => {
    const c = await phone({ token: 'iphone' });
    await c.biometricUnlock();
    send(c, SELECT_JPKI_AP);
    send(c, SELECT_JPKI_AP);
    send(c, '00 A4 02 0C 02 00 17');
    expect(send(c, SIGN).endsWith('90 00')).toBe(true);
    c.reset();
    send(c, SELECT_JPKI_AP);
    send(c, '00 A4 02 0C 02 00 17');
    expect(send(c, SIGN)).toBe('69 82');
  });

  it('answers 69 84 to every VERIFY of the auth PIN (the PIN path is unavailable), also the empty query', async () => {
    const c = await phone({ token: 'iphone' });
    send(c, SELECT_JPKI_AP);
    send(c, '00 A4 02 0C 02 00 18');
    expect(send(c, '00 20 00 80')).toBe('69 84');
    expect(send(c, '00 20 00 80 04 31 32 33 34')).toBe('69 84');
    expect(send(c, '00 24 01 80 04 31 32 33 34')).toBe('69 84');
  });

  it('the unlock does not open the signature key: 001A still needs the password', async () => {
    const c = await phone({ token: 'iphone' });
    await c.biometricUnlock();
    send(c, SELECT_JPKI_AP);
    send(c, '00 A4 02 0C 02 00 1A');
    expect(send(c, SIGN)).toBe('69 82');
    send(c, '00 A4 02 0C 02 00 1B');
    expect(send(c, '00 20 00 80 08 53 49 47 4E 31 32 33 34')).toBe('90 00'); // SIGN1234
    send(c, '00 A4 02 0C 02 00 1A');
    expect(send(c, SIGN).endsWith('90 00')).toBe(true);
  });

  it('a failed Face ID returns false and leaves the key closed', async () => {
    const c = await phone({ token: 'iphone', biometric: 'fails' });
    expect(await c.biometricUnlock()).toBe(false);
    send(c, SELECT_JPKI_AP);
    send(c, '00 A4 02 0C 02 00 17');
    expect(send(c, SIGN)).toBe('69 82');
  });

  it('has no text AP / 券面AP and says JPKIAPGPSETOKEN in EF 0006', async () => {
    const c = await phone({ token: 'iphone' });
    expect(send(c, SELECT_TEXT_AP)).toBe('6A 82');
    expect(send(c, SELECT_FACE_AP)).toBe('6A 82');
    send(c, SELECT_JPKI_AP);
    send(c, '00 A4 02 0C 02 00 06');
    expect(send(c, '00 B0 00 00 0F')).toBe('4A 50 4B 49 41 50 47 50 53 45 54 4F 4B 45 4E 90 00');
    await expect(phone({ token: 'iphone', myNumber: '983205673214' })).rejects.toThrow(/smartphone \(token "iphone"\) carries no My Number/);
  });
});

describe('biometricUnlock on other carriers', () => {
  it('is false on a card, an Android phone and a destroyed chip, and changes nothing', async () => {
    for (const c of [await phone({}), await phone({ token: 'android' }), await phone({ token: 'iphone', state: 'destroyed' })]) {
      expect(await c.biometricUnlock()).toBe(false);
    }
    const card = await phone({});
    await card.biometricUnlock();
    send(card, SELECT_JPKI_AP);
    send(card, '00 A4 02 0C 02 00 17');
    expect(send(card, SIGN)).toBe('69 82');
  });
});

describe('Android carrier', () => {
  it('uses its 4-digit PIN with 3 tries and locks (69 83), has no 券面AP, and signs after VERIFY', async () => {
    const c = await phone({ token: 'android', authPin: '2468' });
    expect(send(c, SELECT_FACE_AP)).toBe('6A 82');
    send(c, SELECT_JPKI_AP);
    send(c, '00 A4 02 0C 02 00 18');
    expect(send(c, '00 20 00 80')).toBe('63 C3');
    expect(send(c, '00 20 00 80 04 32 34 36 38')).toBe('90 00');
    send(c, '00 A4 02 0C 02 00 17');
    expect(send(c, SIGN).endsWith('90 00')).toBe(true);
    send(c, '00 A4 02 0C 02 00 18');
    for (const sw of ['63 C2', '63 C1', '63 C0', '69 83']) expect(send(c, '00 20 00 80 04 30 30 30 30')).toBe(sw);
  });
});

/**
 * Card states (destroyed chip, PIN-less card, Android token) and the 券面事項入力補助AP at byte
 * level. Expected answers are literal bytes from jpki-apdu.md §A.3/§A.4 or the card's documented
 * choices (jpki-card.ts, card-state.ts, text-ap.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/apdu.js';
import { CardUnresponsiveError } from './card-state.js';
import { createMyNumberCard, type CreateMyNumberCardOptions } from './create-card.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import type { MyNumberCard } from './jpki-card.js';

const SELECT_JPKI_AP = '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01';
const SELECT_TEXT_AP = '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08';
const validity = { notBefore: '2025-04-01', notAfter: '2030-03-31' };
const HOLDER = { name: '髙橋 花子', birthDate: '1990-02-03', sex: '2' as const, address: '東京都' };

let jlis: SimulatedJlis;
beforeAll(async () => {
  jlis = await createSimulatedJlis();
});

function card(extra: Partial<CreateMyNumberCardOptions>): Promise<MyNumberCard> {
  return createMyNumberCard({ jlis, authPin: '1234', authCertificate: validity, keyLabel: 'test-card', ...extra });
}

const send = (c: MyNumberCard, hex: string): string => toHex(c.process(fromHex(hex)));

describe('destroyed chip', () => {
  it('transmit rejects with CardUnresponsiveError and process answers zero bytes', async () => {
    const c = await card({ state: 'destroyed' });
    expect(c.state).toBe('destroyed');
    await expect(c.transmit(fromHex(SELECT_JPKI_AP))).rejects.toBeInstanceOf(CardUnresponsiveError);
    await expect(c.transmit(fromHex(SELECT_JPKI_AP))).rejects.toThrow(/did not answer 00 A4 04 0C: its chip is destroyed/);
    expect(c.process(fromHex(SELECT_JPKI_AP))).toHaveLength(0);
  });

  it('destroy() turns a working card mute for good, also across a reset', async () => {
    const c = await card({});
    expect(toHex(await c.transmit(fromHex(SELECT_JPKI_AP)))).toBe('90 00');
    c.destroy();
    c.reset();
    await expect(c.transmit(fromHex(SELECT_JPKI_AP))).rejects.toBeInstanceOf(CardUnresponsiveError);
  });
});

describe('PIN-less card (顔認証マイナンバーカード)', () => {
  it('reads the auth certificate freely but answers 69 84 to the tries query and to VERIFY, and SIGN 69 82', async () => {
    const c = await createMyNumberCard({ jlis, pinless: true, authCertificate: validity, keyLabel: 'test-card' });
    expect(c.pinless).toBe(true);
    expect(send(c, SELECT_JPKI_AP)).toBe('90 00');
    expect(send(c, '00 A4 02 0C 02 00 0A')).toBe('90 00');
    expect(send(c, '00 B0 00 00 02')).toBe('30 82 90 00');
    expect(send(c, '00 A4 02 0C 02 00 18')).toBe('90 00');
    expect(send(c, '00 20 00 80')).toBe('69 84');
    expect(send(c, '00 20 00 80 04 31 32 33 34')).toBe('69 84');
    expect(send(c, '00 24 01 80 04 31 32 33 34')).toBe('69 84');
    expect(send(c, '00 A4 02 0C 02 00 17')).toBe('90 00');
    expect(send(c, '80 2A 00 80 02 30 00 00')).toBe('69 82');
    expect(c.authPinTriesLeft).toBe(3); // the counter is never touched
  });

  it('has no signature side: SELECT 0001 / 001A / 001B answer 6A 82', async () => {
    const c = await createMyNumberCard({ jlis, pinless: true, authCertificate: validity, keyLabel: 'test-card' });
    expect(c.signCertificateDer).toBeUndefined();
    send(c, SELECT_JPKI_AP);
    for (const fid of ['00 01', '00 1A', '00 1B']) expect(send(c, `00 A4 02 0C 02 ${fid}`)).toBe('6A 82');
  });

  it('keeps the text AP files closed: VERIFY 69 84, READ 69 82', async () => {
    const c = await createMyNumberCard({ jlis, pinless: true, authCertificate: validity, keyLabel: 'test-card', myNumber: '983205673214' });
    expect(send(c, SELECT_TEXT_AP)).toBe('90 00');
    expect(send(c, '00 A4 02 0C 02 00 11')).toBe('90 00');
    expect(send(c, '00 20 00 80 04 31 32 33 34')).toBe('69 84');
    expect(send(c, '00 A4 02 0C 02 00 01')).toBe('90 00');
    expect(send(c, '00 B0 00 00 00')).toBe('69 82');
  });

  it('cannot be administratively reset (there is no PIN to reset)', async () => {
    const c = await createMyNumberCard({ jlis, pinless: true, authCertificate: validity, keyLabel: 'test-card' });
    expect(() => c.administrativeReset('auth')).toThrow(/PIN-less card/);
  });
});

describe('token', () => {
  it('an Android phone says JPKIAPGPSETOKEN in EF 0006; a card says JPKIAPICCTOKEN2', async () => {
    const phone = await card({ token: 'android' });
    send(phone, SELECT_JPKI_AP);
    send(phone, '00 A4 02 0C 02 00 06');
    expect(send(phone, '00 B0 00 00 20')).toBe('4A 50 4B 49 41 50 47 50 53 45 54 4F 4B 45 4E' + ' 20'.repeat(17) + ' 90 00');
    const plastic = await card({});
    send(plastic, SELECT_JPKI_AP);
    send(plastic, '00 A4 02 0C 02 00 06');
    expect(send(plastic, '00 B0 00 00 0F')).toBe('4A 50 4B 49 41 50 49 43 43 54 4F 4B 45 4E 32 90 00');
  });

  it('an Android phone has no My Number', async () => {
    await expect(card({ token: 'android', myNumber: '983205673214' })).rejects.toThrow(/smartphone \(token "android"\) carries no My Number/);
  });
});

describe('券面事項入力補助AP', () => {
  const opts = { myNumber: '983205673214', textPin: '5678', holder: HOLDER };

  it('is absent without myNumber (SELECT 6A 82)', async () => {
    expect(send(await card({}), SELECT_TEXT_AP)).toBe('6A 82');
  });

  it('reads My Number (17 bytes) and the basic four only after its own PIN', async () => {
    const c = await card(opts);
    expect(send(c, SELECT_TEXT_AP)).toBe('90 00');
    expect(send(c, '00 A4 02 0C 02 00 01')).toBe('90 00');
    expect(send(c, '00 B0 00 00 00')).toBe('69 82');
    expect(send(c, '00 A4 02 0C 02 00 11')).toBe('90 00');
    expect(send(c, '00 20 00 80')).toBe('63 C3');
    expect(send(c, '00 20 00 80 04 31 32 33 34')).toBe('63 C2'); // the auth PIN is not this PIN
    expect(c.authPinTriesLeft).toBe(3); // its own counter
    expect(c.textPinTriesLeft).toBe(2);
    expect(send(c, '00 20 00 80 04 35 36 37 38')).toBe('90 00');
    expect(c.textPinTriesLeft).toBe(3);
    expect(send(c, '00 A4 02 0C 02 00 01')).toBe('90 00');
    expect(send(c, '00 B0 00 00 00')).toBe('FF 10 0C 39 38 33 32 30 35 36 37 33 32 31 34 FF FF 90 00');
    expect(send(c, '00 A4 02 0C 02 00 02')).toBe('90 00');
    const basic = c.process(fromHex('00 B0 00 00 00'));
    expect(toHex(basic.subarray(basic.length - 2))).toBe('90 00');
    expect(toHex(basic.subarray(0, 5))).toBe('FF 20 36 DF 21');
    // FF 20 36: 54 = 11 + (3 + 13) + (3 + 9) + 11 + 4. 髙橋 花子 in UTF-8: E9 AB 99 E6 A9 8B 20 E8 8A B1 E5 AD 90 (13 bytes)
    expect(toHex(basic.subarray(14, 30))).toBe('DF 22 0D E9 AB 99 E6 A9 8B 20 E8 8A B1 E5 AD 90');
    // birth 1990-02-03 as ASCII YYYYMMDD, sex 2 as ASCII
    expect(toHex(basic.subarray(basic.length - 17, basic.length - 2))).toBe('DF 24 08 31 39 39 30 30 32 30 33 DF 25 01 32');
  });

  it('SELECT of the JPKI AP logs the text PIN out; the text AP has none of the JPKI files', async () => {
    const c = await card(opts);
    send(c, SELECT_TEXT_AP);
    send(c, '00 A4 02 0C 02 00 11');
    expect(send(c, '00 20 00 80 04 35 36 37 38')).toBe('90 00');
    expect(send(c, '00 A4 02 0C 02 00 0A')).toBe('6A 82');
    send(c, SELECT_JPKI_AP);
    send(c, SELECT_TEXT_AP);
    send(c, '00 A4 02 0C 02 00 01');
    expect(send(c, '00 B0 00 00 00')).toBe('69 82');
  });

  it('locks after 3 misses (69 83) and stays locked until the administrative reset', async () => {
    const c = await card({ ...opts, textPinTriesLeft: 1 });
    send(c, SELECT_TEXT_AP);
    send(c, '00 A4 02 0C 02 00 11');
    expect(send(c, '00 20 00 80 04 30 30 30 30')).toBe('63 C0');
    expect(send(c, '00 20 00 80 04 35 36 37 38')).toBe('69 83');
    c.administrativeReset('text');
    expect(send(c, '00 20 00 80 04 35 36 37 38')).toBe('90 00');
  });

  it('defaults the text PIN to the auth PIN', async () => {
    const c = await card({ myNumber: '983205673214' });
    send(c, SELECT_TEXT_AP);
    send(c, '00 A4 02 0C 02 00 11');
    expect(send(c, '00 20 00 80 04 31 32 33 34')).toBe('90 00');
  });

  it('refuses a My Number with a wrong check digit or shape, without echoing it', async () => {
    for (const bad of ['983205673210', '98320567321', '98320567321X']) {
      await expect(card({ myNumber: bad })).rejects.toThrow(/^(?!.*9832056732).*myNumber must be 12 digits whose last is the check digit/);
    }
    await expect(card({ myNumber: '983205673214', textPin: '12345' })).rejects.toThrow(/textPin must be exactly 4 digits/);
  });
});

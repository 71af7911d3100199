import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/apdu.js';
import type { CardTransport } from '../protocol/card-transport.js';
import { CardCommandError, CardDataError, queryPinStatus, queryPinTries, readAuthCertificate, verifyPinAndSign } from './card-session.js';

/** A card that answers from a table of command hex → response hex and records what it was sent. */
function scriptedCard(script: Array<[command: string, response: string]>): CardTransport & { sent: string[] } {
  const sent: string[] = [];
  let i = 0;
  return {
    atr: fromHex('3B 88 80 01 00 00 05 E0 B3 81 A1 00 7F'),
    sent,
    transmit(command: Uint8Array): Promise<Uint8Array> {
      const hex = toHex(command);
      sent.push(hex);
      const entry = script[i++];
      if (entry === undefined || entry[0] !== hex) return Promise.resolve(fromHex('6D 00'));
      return Promise.resolve(fromHex(entry[1]));
    },
  };
}

const SELECT_JPKI = '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01';
const SELECT_000A = '00 A4 02 0C 02 00 0A';
const SELECT_0018 = '00 A4 02 0C 02 00 18';
const SELECT_0017 = '00 A4 02 0C 02 00 17';

/** 300 body bytes after a 30 82 01 2C header: 304 bytes in all. */
const BODY = Array.from({ length: 300 }, (_, i) => i & 0xff);
const bodyHex = (from: number, to: number) => toHex(Uint8Array.from(BODY.slice(from, to)));

describe('readAuthCertificate', () => {
  it('selects the JPKI AP and EF 000A, reads the header, then the rest in ≤256-byte pieces', async () => {
    const card = scriptedCard([
      [SELECT_JPKI, '90 00'],
      [SELECT_000A, '90 00'],
      ['00 B0 00 00 04', '30 82 01 2C 90 00'],
      // offset 4, 256 bytes (Le 00)
      ['00 B0 00 04 00', `${bodyHex(0, 256)} 90 00`],
      // offset 260 = 01 04, the remaining 44 = 2C bytes
      ['00 B0 01 04 2C', `${bodyHex(256, 300)} 90 00`],
    ]);
    const cert = await readAuthCertificate(card);
    expect(card.sent).toEqual([SELECT_JPKI, SELECT_000A, '00 B0 00 00 04', '00 B0 00 04 00', '00 B0 01 04 2C']);
    expect(cert.length).toBe(304);
    expect(toHex(cert.slice(0, 6))).toBe('30 82 01 2C 00 01');
    expect(toHex(cert.slice(-2))).toBe('2A 2B');
  });

  it('follows a card that returns fewer bytes than asked', async () => {
    const card = scriptedCard([
      [SELECT_JPKI, '90 00'],
      [SELECT_000A, '90 00'],
      ['00 B0 00 00 04', '30 82 00 04 90 00'],
      ['00 B0 00 04 04', 'AA BB 90 00'],
      ['00 B0 00 06 02', 'CC DD 90 00'],
    ]);
    expect(toHex(await readAuthCertificate(card))).toBe('30 82 00 04 AA BB CC DD');
  });

  it('names the command and the status word when the JPKI AP is missing', async () => {
    const card = scriptedCard([[SELECT_JPKI, '6A 82']]);
    const err = await readAuthCertificate(card).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CardCommandError);
    expect((err as CardCommandError).command).toBe('SELECT JPKI AP');
    expect((err as CardCommandError).sw).toBe(0x6a82);
    expect((err as Error).message).toMatch(/^card answered 6A82 to SELECT JPKI AP/);
  });

  it('names READ BINARY when a chunk fails', async () => {
    const card = scriptedCard([
      [SELECT_JPKI, '90 00'],
      [SELECT_000A, '90 00'],
      ['00 B0 00 00 04', '30 82 01 2C 90 00'],
      ['00 B0 00 04 00', '69 82'],
    ]);
    await expect(readAuthCertificate(card)).rejects.toThrow('card answered 6982 to READ BINARY at offset 4');
  });

  it('refuses a file that does not start with 30 82', async () => {
    const card = scriptedCard([
      [SELECT_JPKI, '90 00'],
      [SELECT_000A, '90 00'],
      ['00 B0 00 00 04', '30 81 20 02 90 00'],
    ]);
    const err = await readAuthCertificate(card).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CardDataError);
    expect((err as Error).message).toContain('30 81 20 02');
  });
});

describe('queryPinTries', () => {
  it('selects EF 0018 and sends the empty VERIFY; 63 C3 → 3', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80', '63 C3'],
    ]);
    expect(await queryPinTries(card)).toBe(3);
    expect(card.sent).toEqual([SELECT_0018, '00 20 00 80']);
  });

  it('63 C0 → 0', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80', '63 C0'],
    ]);
    expect(await queryPinTries(card)).toBe(0);
  });

  it('an unexpected 90 00 to the empty VERIFY is an error naming the command', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80', '90 00'],
    ]);
    await expect(queryPinTries(card)).rejects.toThrow('card answered 9000 to VERIFY (tries-left query)');
  });
});

describe('queryPinStatus', () => {
  it('69 84 to the empty VERIFY 00 20 00 80 → a PIN-less card (顔認証マイナンバーカード)', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80', '69 84'],
    ]);
    expect(await queryPinStatus(card)).toEqual({ kind: 'pinless' });
    expect(card.sent).toEqual([SELECT_0018, '00 20 00 80']);
  });

  it('63 C2 → 2 tries left; 69 83 → a blocked PIN, 0 tries', async () => {
    const tries = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80', '63 C2'],
    ]);
    expect(await queryPinStatus(tries)).toEqual({ kind: 'pin', triesLeft: 2 });
    const blocked = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80', '69 83'],
    ]);
    expect(await queryPinStatus(blocked)).toEqual({ kind: 'pin', triesLeft: 0 });
  });

  it('any other status word is an error naming the command and the words it expected', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80', '6A 82'],
    ]);
    await expect(queryPinStatus(card)).rejects.toThrow('card answered 6A82 to VERIFY (tries-left query) (expected 63 Cx, 69 83 or 69 84)');
  });

  it('queryPinTries still refuses a PIN-less card, with 69 84 in the error', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80', '69 84'],
    ]);
    const err = await queryPinTries(card).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CardCommandError);
    expect((err as CardCommandError).sw).toBe(0x6984);
  });
});

describe('verifyPinAndSign', () => {
  // SHA-256("abc") = ba7816bf…f20015ad (FIPS 180-2 test vector)
  const SIGN_ABC =
    '80 2A 00 80 33 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 ' +
    'BA 78 16 BF 8F 01 CF EA 41 41 40 DE 5D AE 22 23 B0 03 61 A3 96 17 7A 9C B4 10 FF 61 F2 00 15 AD 00';
  const abc = new TextEncoder().encode('abc');

  it('VERIFY 1234 then signs the SHA-256 DigestInfo of SHA-256(data)', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80 04 31 32 33 34', '90 00'],
      [SELECT_0017, '90 00'],
      [SIGN_ABC, '01 02 03 04 90 00'],
    ]);
    const r = await verifyPinAndSign(card, '1234', abc);
    expect(card.sent).toEqual([SELECT_0018, '00 20 00 80 04 31 32 33 34', SELECT_0017, SIGN_ABC]);
    expect(r).toEqual({ kind: 'signed', signature: Uint8Array.from([1, 2, 3, 4]) });
  });

  it('63 C2 → wrong with 2 tries left, nothing signed', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80 04 39 39 39 39', '63 C2'],
    ]);
    expect(await verifyPinAndSign(card, '9999', abc)).toEqual({ kind: 'wrong', triesLeft: 2 });
    expect(card.sent).toHaveLength(2);
  });

  it.each([['69 83'], ['69 84']])('%s → locked', async (sw) => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80 04 31 32 33 34', sw],
    ]);
    expect(await verifyPinAndSign(card, '1234', abc)).toEqual({ kind: 'locked' });
  });

  it('a signing failure names the command and SW', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80 04 31 32 33 34', '90 00'],
      [SELECT_0017, '90 00'],
      [SIGN_ABC, '69 82'],
    ]);
    await expect(verifyPinAndSign(card, '1234', abc)).rejects.toThrow('card answered 6982 to COMPUTE DIGITAL SIGNATURE');
  });

  it('an unexpected VERIFY status is an error that does not show the PIN', async () => {
    const card = scriptedCard([
      [SELECT_0018, '90 00'],
      ['00 20 00 80 04 31 32 33 34', '6F 00'],
    ]);
    const err = (await verifyPinAndSign(card, '1234', abc).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^card answered 6F00 to VERIFY PIN/);
    expect(err.message).not.toContain('1234');
    expect(err.message).not.toContain('31 32 33 34');
  });

  it('refuses a PIN that is not 4 digits before talking to the card', async () => {
    const card = scriptedCard([]);
    await expect(verifyPinAndSign(card, '12345', abc)).rejects.toThrow('the PIN must be 4 digits (got 5 characters)');
    expect(card.sent).toEqual([]);
  });
});

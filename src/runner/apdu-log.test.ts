import { describe, expect, it } from 'vitest';
import { fromHex } from '../protocol/apdu.js';
import { describeCommand, describeResponse, tapTransport, type ApduExchange } from './apdu-log.js';

describe('describeCommand', () => {
  it('names SELECT of the JPKI AP by its AID (D3 92 F0 00 26 01 00 00 00 01)', () => {
    expect(describeCommand(fromHex('00A4040C0AD392F000260100000001'))).toEqual({ name: 'SELECT JPKI AP', hex: '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01' });
  });

  it('names SELECT EF by its file id', () => {
    expect(describeCommand(fromHex('00A4020C020018'))).toEqual({ name: 'SELECT EF 0018', hex: '00 A4 02 0C 02 00 18' });
  });

  it('masks the PIN of VERIFY, keeping only its length', () => {
    const d = describeCommand(fromHex('002000800431323334'));
    expect(d).toEqual({ name: 'VERIFY', hex: '00 20 00 80 04 ** ** ** **' });
    expect(d.hex).not.toContain('31 32');
  });

  it('VERIFY without data asks for the tries left', () => {
    expect(describeCommand(fromHex('00200080'))).toEqual({ name: 'VERIFY (tries left?)', hex: '00 20 00 80' });
  });

  it('READ BINARY shows its offset; the signature command its name; long data is cut with its size', () => {
    expect(describeCommand(fromHex('00B0010000')).name).toBe('READ BINARY offset 0100');
    const data = '30'.repeat(51);
    const d = describeCommand(fromHex(`802A008033${data}00`));
    expect(d.name).toBe('COMPUTE DIGITAL SIGNATURE');
    expect(d.hex).toBe('80 2A 00 80 33 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 30 … (51 bytes) 00');
  });
});

describe('describeResponse', () => {
  it('reads the status word and says what it means', () => {
    expect(describeResponse(fromHex('9000'))).toEqual({ sw: '90 00', meaning: 'OK' });
    expect(describeResponse(fromHex('63C2'))).toEqual({ sw: '63 C2', meaning: 'wrong PIN, 2 tries left' });
    expect(describeResponse(fromHex('6983'))).toEqual({ sw: '69 83', meaning: 'PIN blocked' });
    expect(describeResponse(fromHex('01029000'))).toEqual({ sw: '90 00', meaning: 'OK', data: '01 02' });
  });
});

describe('tapTransport', () => {
  it('reports each exchange and a failure, and passes bytes through unchanged', async () => {
    const seen: ApduExchange[] = [];
    let fail = false;
    const card = {
      atr: Uint8Array.from([0x3b]),
      transmit: async () => {
        if (fail) throw new Error('chip does not answer');
        return fromHex('63C1');
      },
    };
    const tapped = tapTransport(card, (e) => seen.push(e));
    expect(tapped.atr).toEqual(Uint8Array.from([0x3b]));
    expect(await tapped.transmit(fromHex('002000800439393939'))).toEqual(fromHex('63C1'));
    fail = true;
    await expect(tapped.transmit(fromHex('00200080'))).rejects.toThrow('chip does not answer');
    expect(seen).toEqual([
      { command: { name: 'VERIFY', hex: '00 20 00 80 04 ** ** ** **' }, response: { sw: '63 C1', meaning: 'wrong PIN, 1 tries left' } },
      { command: { name: 'VERIFY (tries left?)', hex: '00 20 00 80' }, error: 'chip does not answer' },
    ]);
  });

  it('passes an iPhone\'s biometric unlock through, bound to the phone, and leaves it absent on a card', async () => {
    const phone = {
      atr: Uint8Array.from([0x3b]),
      unlocked: false,
      transmit: async () => fromHex('9000'),
      async biometricUnlock(this: { unlocked: boolean }) {
        this.unlocked = true;
        return true;
      },
    };
    const tapped = tapTransport(phone, () => undefined);
    expect(await tapped.biometricUnlock?.()).toBe(true);
    expect(phone.unlocked).toBe(true);
    const plain = tapTransport({ atr: Uint8Array.from([0x3b]), transmit: async () => fromHex('9000') }, () => undefined);
    expect(plain.biometricUnlock).toBeUndefined();
  });
});

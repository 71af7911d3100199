/**
 * The JPKI AP at byte level. Commands and expected answers are literal bytes written from the
 * public traces and client sources (OpenSC card-jpki.c, jpki/myna, the tex2e real-card trace);
 * where the sources are silent the expected value is the card's documented choice (jpki-card.ts).
 */
import { X509Certificate, verify } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/apdu.js';
import { createMyNumberCard } from './create-card.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import type { MyNumberCard } from './jpki-card.js';

const SELECT_JPKI_AP = '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01';
const SELECT_AUTH_CERT = '00 A4 02 0C 02 00 0A';
const SELECT_AUTH_CA_CERT = '00 A4 02 0C 02 00 0B';
const SELECT_TOKEN_INFO = '00 A4 02 0C 02 00 06';
const SELECT_AUTH_KEY = '00 A4 02 0C 02 00 17';
const SELECT_AUTH_PIN = '00 A4 02 0C 02 00 18';
const VERIFY_RIGHT = '00 20 00 80 04 31 32 33 34'; // "1234"
const VERIFY_WRONG = '00 20 00 80 04 39 39 39 39'; // "9999"
const VERIFY_EMPTY = '00 20 00 80';
// SHA-256("abc") (FIPS 180-2 test vector) wrapped in the SHA-256 DigestInfo prefix.
const SIGN_SHA256_ABC =
  '80 2A 00 80 33 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 ' +
  'BA 78 16 BF 8F 01 CF EA 41 41 40 DE 5D AE 22 23 B0 03 61 A3 96 17 7A 9C B4 10 FF 61 F2 00 15 AD 00';

let jlis: SimulatedJlis;
let card: MyNumberCard;

beforeAll(async () => {
  jlis = await createSimulatedJlis();
});

beforeEach(async () => {
  card = await createMyNumberCard({
    jlis,
    authPin: '1234',
    authCertificate: { notBefore: '2025-04-01', notAfter: '2030-03-31', serialNumber: '0a0b0c' },
    keyLabel: 'test-card',
  });
});

/** Sends hex, answers hex (data + SW). */
function send(hex: string): string {
  return toHex(card.process(fromHex(hex)));
}

/** Sends hex, answers the raw response. */
function sendRaw(hex: string): Uint8Array {
  return card.process(fromHex(hex));
}

function sw(response: Uint8Array): string {
  return toHex(response.subarray(response.length - 2));
}

function data(response: Uint8Array): Uint8Array {
  return response.subarray(0, response.length - 2);
}

function hex2(n: number): string {
  return toHex(Uint8Array.from([(n >> 8) & 0xff, n & 0xff]));
}

describe('ATR', () => {
  it('defaults to the contact My Number card ATR (T=1)', () => {
    expect(toHex(card.atr)).toBe('3B DA 13 FF 81 31 FB 46 80 12 39 2F 31 C1 73 C6 01 C0 3B');
  });
});

describe('SELECT', () => {
  it('selects the JPKI AP by AID with P2=0C and with P2=00 + Le', () => {
    expect(send(SELECT_JPKI_AP)).toBe('90 00');
    expect(send('00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01 00')).toBe('90 00');
  });

  it('refuses other AIDs with 6A 82 (OpenSC probes, the APs this card does not model)', () => {
    expect(send('00 A4 04 00 06 A0 00 00 00 01 01')).toBe('6A 82'); // muscle probe
    expect(send('00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08')).toBe('6A 82'); // 券面事項入力補助AP
    expect(send('00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 02')).toBe('6A 82'); // last byte differs
    expect(send('00 A4 04 0C 09 D3 92 F0 00 26 01 00 00 00')).toBe('6A 82'); // truncated AID
    expect(send('00 A4 00 0C 02 3F 00')).toBe('6A 82'); // MF: card without MF
  });

  it('selects EFs of the JPKI AP only once the AP is selected', () => {
    expect(send(SELECT_AUTH_CERT)).toBe('6A 82');
    expect(send(SELECT_JPKI_AP)).toBe('90 00');
    for (const fid of ['00 06', '00 0A', '00 0B', '00 17', '00 18']) expect(send(`00 A4 02 0C 02 ${fid}`)).toBe('90 00');
    expect(send('00 A4 02 00 02 00 0A')).toBe('90 00');
    expect(send('00 A4 02 0C 02 00 1C')).toBe('6A 82'); // no such EF on the card
    expect(send('00 A4 02 0C 02 12 34')).toBe('6A 82');
  });

  it('answers a wrong P2 with 6A 86 and an EF id that is not 2 bytes with 67 00', () => {
    expect(send('00 A4 04 04 0A D3 92 F0 00 26 01 00 00 00 01')).toBe('6A 86');
    expect(send('00 A4 08 0C 02 00 0A')).toBe('6A 86');
    expect(send(SELECT_JPKI_AP)).toBe('90 00');
    expect(send('00 A4 02 0C 01 0A')).toBe('67 00');
  });

  it('leaves the current selection as it was after a failed SELECT', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_TOKEN_INFO);
    expect(send('00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08')).toBe('6A 82');
    expect(send('00 A4 02 0C 02 12 34')).toBe('6A 82');
    expect(send('00 B0 00 00 0F')).toBe('4A 50 4B 49 41 50 49 43 43 54 4F 4B 45 4E 32 90 00');
  });
});

describe('READ BINARY', () => {
  beforeEach(() => {
    expect(send(SELECT_JPKI_AP)).toBe('90 00');
  });

  it('reads the token info EF 0006: "JPKIAPICCTOKEN2" padded with spaces to 32 bytes', () => {
    send(SELECT_TOKEN_INFO);
    const expected = '4A 50 4B 49 41 50 49 43 43 54 4F 4B 45 4E 32' + ' 20'.repeat(17) + ' 90 00';
    expect(send('00 B0 00 00 20')).toBe(expected);
    // Le 00 (256) on a 32-byte EF: the 32 bytes and 90 00 (Le past the end returns the rest).
    expect(send('00 B0 00 00 00')).toBe(expected);
  });

  it('reassembles the auth certificate from 256-byte chunks (OpenSC / myna)', () => {
    send(SELECT_AUTH_CERT);
    const chunks: Uint8Array[] = [];
    for (let offset = 0; ; offset += 256) {
      const r = sendRaw(`00 B0 ${hex2(offset)} 00`);
      expect(sw(r)).toBe('90 00');
      chunks.push(data(r));
      if (data(r).length < 256) break;
    }
    const der = Buffer.concat(chunks);
    expect(der.subarray(0, 2).toString('hex')).toBe('3082');
    expect(der.equals(Buffer.from(card.authCertificateDer))).toBe(true);
    expect(() => new X509Certificate(der)).not.toThrow();
  });

  it('reads the whole certificate with one extended Le of 65536', () => {
    send(SELECT_AUTH_CERT);
    const r = sendRaw('00 B0 00 00 00 00 00');
    expect(sw(r)).toBe('90 00');
    expect(Buffer.from(data(r)).equals(Buffer.from(card.authCertificateDer))).toBe(true);
  });

  it('follows the tex2e trace: read 4 bytes (30 82 HH LL), then the rest with one extended Le', () => {
    send(SELECT_AUTH_CERT);
    const head = sendRaw('00 B0 00 00 04');
    expect(toHex(head)).toMatch(/^30 82 [0-9A-F]{2} [0-9A-F]{2} 90 00$/);
    const bodyLength = (head[2]! << 8) | head[3]!;
    const rest = sendRaw(`00 B0 00 04 00 ${hex2(bodyLength)}`);
    expect(sw(rest)).toBe('90 00');
    expect(data(rest).length).toBe(bodyLength);
    const der = Buffer.concat([data(head), data(rest)]);
    expect(der.equals(Buffer.from(card.authCertificateDer))).toBe(true);
  });

  it('answers the exact last chunk OpenSC asks for (00 B0 <offset> <remainder>)', () => {
    send(SELECT_AUTH_CERT);
    const head = sendRaw('00 B0 00 00 04');
    const size = ((head[2]! << 8) | head[3]!) + 4;
    const lastOffset = Math.floor(size / 256) * 256;
    const remainder = size - lastOffset;
    const r = sendRaw(`00 B0 ${hex2(lastOffset)} ${toHex(Uint8Array.of(remainder))}`);
    expect(sw(r)).toBe('90 00');
    expect(data(r).length).toBe(remainder);
  });

  it('reads the auth CA certificate EF 000B, equal to the simulated J-LIS root', () => {
    send(SELECT_AUTH_CA_CERT);
    const r = sendRaw('00 B0 00 00 00 00 00');
    expect(sw(r)).toBe('90 00');
    expect(Buffer.from(data(r)).equals(Buffer.from(jlis.authCaCertificateDer))).toBe(true);
  });

  it('reads by short EF identifier (P1 = 80|SFI) without SELECT EF (jsapdu form)', () => {
    const cert = sendRaw('00 B0 8A 00 00 00 00');
    expect(sw(cert)).toBe('90 00');
    expect(Buffer.from(data(cert)).equals(Buffer.from(card.authCertificateDer))).toBe(true);
    expect(send('00 B0 86 00 04')).toBe('4A 50 4B 49 90 00');
    // The SFI read made 0006 the current EF.
    expect(send('00 B0 00 04 04')).toBe('41 50 49 43 90 00');
    expect(send('00 B0 8C 00 04')).toBe('6A 82'); // no EF with SFI 0C
    expect(send('00 B0 97 00 04')).toBe('69 86'); // SFI 17 = the auth key
    expect(send('00 B0 A6 00 04')).toBe('6A 86'); // bits 6–7 of P1 must be 0
  });

  it('answers an offset at or past the end with 6B 00', () => {
    send(SELECT_TOKEN_INFO);
    expect(send('00 B0 00 1F 05')).toBe('20 90 00'); // last byte
    expect(send('00 B0 00 20 01')).toBe('6B 00');
    expect(send('00 B0 7F FF 01')).toBe('6B 00');
  });

  it('refuses to read key and PIN EFs, or with no EF selected, with 69 86', () => {
    expect(send('00 B0 00 00 04')).toBe('69 86'); // AP selected, no EF yet
    send(SELECT_AUTH_KEY);
    expect(send('00 B0 00 00 00')).toBe('69 86');
    send(SELECT_AUTH_PIN);
    expect(send('00 B0 00 00 00')).toBe('69 86');
  });

  it('answers READ BINARY without Le or with data with 67 00', () => {
    send(SELECT_AUTH_CERT);
    expect(send('00 B0 00 00')).toBe('67 00');
    expect(send('00 B0 00 00 01 00')).toBe('67 00');
  });

  it('forgets the selected EF when the AP is selected again', () => {
    send(SELECT_AUTH_CERT);
    expect(send(SELECT_JPKI_AP)).toBe('90 00');
    expect(send('00 B0 00 00 04')).toBe('69 86');
  });
});

describe('VERIFY of the auth PIN (EF 0018)', () => {
  beforeEach(() => {
    expect(send(SELECT_JPKI_AP)).toBe('90 00');
    expect(send(SELECT_AUTH_PIN)).toBe('90 00');
  });

  it('answers the empty retry-count query with 63 C3 on a fresh card', () => {
    expect(send(VERIFY_EMPTY)).toBe('63 C3');
    expect(send('00 20 00 80 00')).toBe('63 C3'); // the T=0 encoding of the same query
    expect(card.authPinTriesLeft).toBe(3);
  });

  it('counts wrong PINs down (63 C2, 63 C1), and a right PIN resets the counter', () => {
    expect(send(VERIFY_WRONG)).toBe('63 C2');
    expect(send(VERIFY_WRONG)).toBe('63 C1');
    expect(send(VERIFY_EMPTY)).toBe('63 C1');
    expect(send(VERIFY_RIGHT)).toBe('90 00');
    // The real card never answers 90 00 to the empty form, even right after a good VERIFY.
    expect(send(VERIFY_EMPTY)).toBe('63 C3');
    expect(card.authPinTriesLeft).toBe(3);
  });

  it('blocks on the third wrong PIN (63 C0); then even the right PIN gets 69 83', () => {
    expect(send(VERIFY_WRONG)).toBe('63 C2');
    expect(send(VERIFY_WRONG)).toBe('63 C1');
    expect(send(VERIFY_WRONG)).toBe('63 C0');
    expect(send(VERIFY_RIGHT)).toBe('69 83');
    expect(send(VERIFY_WRONG)).toBe('69 83');
    expect(send(VERIFY_EMPTY)).toBe('63 C0');
    expect(card.authPinTriesLeft).toBe(0);
    expect(card.authPinBlocked).toBe(true);
    // Selecting the AP again, or a power cycle, does not unblock it.
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    expect(send(VERIFY_RIGHT)).toBe('69 83');
    card.reset();
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    expect(send(VERIFY_EMPTY)).toBe('63 C0');
  });

  it('keeps the counter across AP selection and reset (it lives on the card)', () => {
    expect(send(VERIFY_WRONG)).toBe('63 C2');
    card.reset();
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    expect(send(VERIFY_EMPTY)).toBe('63 C2');
  });

  it('counts a PIN of the wrong length as a wrong PIN', () => {
    expect(send('00 20 00 80 03 31 32 33')).toBe('63 C2');
    expect(send('00 20 00 80 05 31 32 33 34 35')).toBe('63 C1');
  });

  it('answers 69 86 when the selected EF is not a PIN, or nothing is selected', () => {
    send(SELECT_AUTH_CERT);
    expect(send(VERIFY_RIGHT)).toBe('69 86');
    expect(send(VERIFY_EMPTY)).toBe('69 86');
    card.reset();
    expect(send(VERIFY_RIGHT)).toBe('69 86');
    expect(card.authPinTriesLeft).toBe(3);
  });

  it('answers P1/P2 other than 00 80 with 6A 86 without touching the counter', () => {
    expect(send('00 20 00 81 04 39 39 39 39')).toBe('6A 86');
    expect(send('00 20 01 80 04 39 39 39 39')).toBe('6A 86');
    expect(send(VERIFY_EMPTY)).toBe('63 C3');
  });
});

describe('SIGN (80 2A 00 80) with the auth key (EF 0017)', () => {
  function login(): void {
    expect(send(SELECT_JPKI_AP)).toBe('90 00');
    expect(send(SELECT_AUTH_PIN)).toBe('90 00');
    expect(send(VERIFY_RIGHT)).toBe('90 00');
    expect(send(SELECT_AUTH_KEY)).toBe('90 00');
  }

  it('signs a SHA-256 DigestInfo: 256 bytes + 90 00, verifiable with the key of the certificate read over APDUs', () => {
    // The certificate as a reader gets it, over APDUs.
    expect(send(SELECT_JPKI_AP)).toBe('90 00');
    expect(send(SELECT_AUTH_CERT)).toBe('90 00');
    const certResponse = sendRaw('00 B0 00 00 00 00 00');
    const cert = new X509Certificate(data(certResponse));
    login();
    const r = sendRaw(SIGN_SHA256_ABC);
    expect(r.length).toBe(258);
    expect(sw(r)).toBe('90 00');
    const signature = data(r);
    expect(verify('sha256', Buffer.from('abc'), cert.publicKey, signature)).toBe(true);
    expect(verify('sha256', Buffer.from('abd'), cert.publicKey, signature)).toBe(false);
  });

  it('keeps the verified state while other EFs of the AP are selected', () => {
    login();
    send(SELECT_AUTH_CERT);
    send('00 B0 00 00 04');
    send(SELECT_AUTH_KEY);
    expect(sw(sendRaw(SIGN_SHA256_ABC))).toBe('90 00');
    expect(sw(sendRaw(SIGN_SHA256_ABC))).toBe('90 00'); // and across signatures
  });

  it('refuses without a verified PIN: 69 82', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_KEY);
    expect(send(SIGN_SHA256_ABC)).toBe('69 82');
  });

  it('refuses after the AP is selected again (logout) or after a reset', () => {
    login();
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_KEY);
    expect(send(SIGN_SHA256_ABC)).toBe('69 82');
    login();
    card.reset();
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_KEY);
    expect(send(SIGN_SHA256_ABC)).toBe('69 82');
  });

  it('refuses after a wrong PIN following a good one', () => {
    login();
    send(SELECT_AUTH_PIN);
    expect(send(VERIFY_WRONG)).toBe('63 C2');
    send(SELECT_AUTH_KEY);
    expect(send(SIGN_SHA256_ABC)).toBe('69 82');
  });

  it('refuses when the PIN is blocked', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    send(VERIFY_WRONG);
    send(VERIFY_WRONG);
    expect(send(VERIFY_WRONG)).toBe('63 C0');
    expect(send(VERIFY_RIGHT)).toBe('69 83');
    send(SELECT_AUTH_KEY);
    expect(send(SIGN_SHA256_ABC)).toBe('69 82');
  });

  it('answers P1/P2 other than 00 80 with 6A 86 (no PSS, no ISO 9E 9A in the proprietary class)', () => {
    login();
    expect(send('80 2A 05 00 03 01 02 03 00')).toBe('6A 86');
    expect(send('80 2A 9E 9A 03 01 02 03 00')).toBe('6A 86');
    expect(send('80 2A 00 00 03 01 02 03 00')).toBe('6A 86');
  });

  it('answers the ISO form 00 2A 9E 9A with 6D 00 (the card uses 80 2A)', () => {
    login();
    expect(send('00 2A 9E 9A 03 01 02 03 00')).toBe('6D 00');
  });

  it('signs 1 to 245 bytes and answers 67 00 to 246 bytes or none', () => {
    login();
    const r1 = sendRaw('80 2A 00 80 01 AA 00');
    expect(r1.length).toBe(258);
    expect(sw(r1)).toBe('90 00');
    const r245 = sendRaw(`80 2A 00 80 F5 ${'11 '.repeat(245)}00`);
    expect(r245.length).toBe(258);
    expect(sw(r245)).toBe('90 00');
    expect(send(`80 2A 00 80 F6 ${'11 '.repeat(246)}00`)).toBe('67 00');
    expect(send('80 2A 00 80 00')).toBe('67 00');
  });

  it('answers 69 86 when the selected EF is not a key', () => {
    login();
    send(SELECT_AUTH_CERT);
    expect(send(SIGN_SHA256_ABC)).toBe('69 86');
    send(SELECT_AUTH_PIN);
    expect(send(SIGN_SHA256_ABC)).toBe('69 86');
  });
});

describe('other commands and malformed APDUs', () => {
  it('answers unknown INS with 6D 00 (OpenSC probes GET DATA 00 CA / 00 CB)', () => {
    expect(send('00 CA 01 00 00')).toBe('6D 00');
    expect(send('00 CB 3F FF 04 5C 02 7F 71 00')).toBe('6D 00');
    expect(send('00 84 00 00 08')).toBe('6D 00');
    expect(send('80 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01')).toBe('6D 00');
  });

  it('answers an unknown class with 6E 00', () => {
    expect(send('A0 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01')).toBe('6E 00');
    expect(send('FF CA 00 00 00')).toBe('6E 00'); // PC/SC pseudo-APDU
    expect(send('0C B0 00 00 04')).toBe('6E 00'); // secure messaging
  });

  it('answers malformed lengths with 67 00', () => {
    expect(send('00 A4 04')).toBe('67 00');
    expect(send('')).toBe('67 00');
    expect(send('00 A4 04 0C 0A D3 92')).toBe('67 00'); // Lc 10, 2 bytes of data
    expect(send('00 B0 00 00 00 01')).toBe('67 00'); // extended header truncated
  });

  it('transmit resolves with the same bytes process answers', async () => {
    expect(toHex(await card.transmit(fromHex(SELECT_JPKI_AP)))).toBe('90 00');
    expect(toHex(await card.transmit(fromHex('00 CA 01 00 00')))).toBe('6D 00');
  });
});

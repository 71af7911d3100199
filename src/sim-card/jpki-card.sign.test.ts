/**
 * The signature side of the JPKI AP (EF 0001, 0002, 001A, 001B), CHANGE REFERENCE DATA for both
 * PINs, and the simulated J-LIS signature certificate profile. Expected bytes are written from
 * jpki-apdu.md §A.3, §A.6, §A.6b, §A.7, §A.9 and RFC 5280 / PKCS#1, never taken from the card.
 */
import { X509Certificate, createHash, verify, constants as cryptoConstants } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isoDate } from '../domain/index.js';
import { fromHex, toHex } from '../protocol/apdu.js';
import { createMyNumberCard } from './create-card.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import type { MyNumberCard } from './jpki-card.js';
import { eraDigit, jpkiBirthDate } from './jpki-holder.js';

const SELECT_JPKI_AP = '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01';
const SELECT_SIGN_CERT = '00 A4 02 0C 02 00 01';
const SELECT_SIGN_CA_CERT = '00 A4 02 0C 02 00 02';
const SELECT_SIGN_KEY = '00 A4 02 0C 02 00 1A';
const SELECT_SIGN_PIN = '00 A4 02 0C 02 00 1B';
const SELECT_AUTH_KEY = '00 A4 02 0C 02 00 17';
const SELECT_AUTH_PIN = '00 A4 02 0C 02 00 18';
const VERIFY_AUTH_1234 = '00 20 00 80 04 31 32 33 34';
const VERIFY_SIGN_ABC123 = '00 20 00 80 06 41 42 43 31 32 33'; // "ABC123"
const VERIFY_SIGN_WRONG = '00 20 00 80 06 41 42 43 31 32 34'; // "ABC124"
const VERIFY_EMPTY = '00 20 00 80';

// DigestInfo prefixes (RFC 8017 §9.2 note 1) + the FIPS 180 digests of "abc".
const DIGEST_INFO = {
  sha1: '30 21 30 09 06 05 2B 0E 03 02 1A 05 00 04 14 A9 99 3E 36 47 06 81 6A BA 3E 25 71 78 50 C2 6C 9C D0 D8 9D',
  sha256:
    '30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20 BA 78 16 BF 8F 01 CF EA 41 41 40 DE 5D AE 22 23 B0 03 61 A3 96 17 7A 9C B4 10 FF 61 F2 00 15 AD',
  sha384:
    '30 41 30 0D 06 09 60 86 48 01 65 03 04 02 02 05 00 04 30 CB 00 75 3F 45 A3 5E 8B B5 A0 3D 69 9A C6 50 07 27 2C 32 AB 0E DE D1 63 1A 8B 60 5A 43 FF 5B ED 80 86 07 2B A1 E7 CC 23 58 BA EC A1 34 C8 25 A7',
  sha512:
    '30 51 30 0D 06 09 60 86 48 01 65 03 04 02 03 05 00 04 40 DD AF 35 A1 93 61 7A BA CC 41 73 49 AE 20 41 31 12 E6 FA 4E 89 A9 7E A2 0A 9E EE E6 4B 55 D3 9A 21 92 99 2A 27 4F C1 A8 36 BA 3C 23 A3 FE EB BD 45 4D 44 23 64 3C E8 0E 2A 9A C9 4F A5 4C A4 9F',
} as const;

// keyUsage critical digitalSignature + nonRepudiation (BIT STRING 06 C0), RFC 5280 §4.2.1.3.
const KEY_USAGE_CRITICAL_SIG_NONREP = fromHex('30 0E 06 03 55 1D 0F 01 01 FF 04 04 03 02 06 C0');
// otherName 1.2.392.200149.8.5.5.4 = UTF8String "319800401" (昭和, 1980-04-01).
const DOB_OTHERNAME = fromHex('A0 19 06 0A 2A 83 08 8C 9B 55 08 05 05 04 A0 0B 0C 09 33 31 39 38 30 30 34 30 31');
// otherName 1.2.392.200149.8.5.5.3 = UTF8String "2".
const SEX_FEMALE_OTHERNAME = fromHex('A0 11 06 0A 2A 83 08 8C 9B 55 08 05 05 03 A0 03 0C 01 32');
// "髙橋 𠮷子" in UTF-8: 髙 E9 AB 99, 橋 E6 A9 8B, space, 𠮷 F0 A0 AE B7 (outside the BMP), 子 E5 AD 90.
const NAME_UTF8 = fromHex('E9 AB 99 E6 A9 8B 20 F0 A0 AE B7 E5 AD 90');

let jlis: SimulatedJlis;
let card: MyNumberCard;

beforeAll(async () => {
  jlis = await createSimulatedJlis();
});

beforeEach(async () => {
  card = await createMyNumberCard({
    jlis,
    authPin: '1234',
    signPin: 'ABC123',
    authCertificate: { notBefore: '2025-04-01', notAfter: '2030-03-31', serialNumber: '0a0b0c' },
    keyLabel: 'test-card',
  });
});

const send = (hex: string): string => toHex(card.process(fromHex(hex)));
const sw = (r: Uint8Array): string => toHex(r.subarray(r.length - 2));
const contains = (haystack: Uint8Array, needle: Uint8Array): boolean => Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;

function readWhole(selectHex: string): Uint8Array {
  expect(send(selectHex)).toBe('90 00');
  const head = card.process(fromHex('00 B0 00 00 04'));
  expect(sw(head)).toBe('90 00');
  const size = ((head[2]! << 8) | head[3]!) + 4;
  const out: number[] = [];
  for (let offset = 0; offset < size; offset += 256) {
    const le = Math.min(256, size - offset);
    const r = card.process(Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, le === 256 ? 0 : le));
    expect(sw(r)).toBe('90 00');
    out.push(...r.subarray(0, r.length - 2));
  }
  return Uint8Array.from(out);
}

function signWith(keyHex: string, digestInfoHex: string): Uint8Array {
  expect(send(keyHex)).toBe('90 00');
  const body = fromHex(digestInfoHex);
  const r = card.process(Uint8Array.of(0x80, 0x2a, 0x00, 0x80, body.length, ...body, 0x00));
  expect(sw(r)).toBe('90 00');
  expect(r.length).toBe(258);
  return r.subarray(0, 256);
}

describe('sign certificate EF 0001', () => {
  it('selects but refuses READ BINARY with 69 82 before the sign PIN (also after the auth PIN, also by SFI)', () => {
    send(SELECT_JPKI_AP);
    expect(send(SELECT_SIGN_CERT)).toBe('90 00');
    expect(send('00 B0 00 00 04')).toBe('69 82');
    send(SELECT_AUTH_PIN);
    expect(send(VERIFY_AUTH_1234)).toBe('90 00');
    send(SELECT_SIGN_CERT);
    expect(send('00 B0 00 00 04')).toBe('69 82');
    expect(send('00 B0 81 00 00 00 00')).toBe('69 82');
  });

  it('reads after VERIFY of the sign PIN: a certificate issued by the sign CA, with the key 001A signs for', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
    expect(send(VERIFY_SIGN_ABC123)).toBe('90 00');
    const der = readWhole(SELECT_SIGN_CERT);
    const cert = new X509Certificate(der);
    expect(cert.verify(jlis.signCaPublicKey)).toBe(true);
    expect(cert.issuer).toBe('C=JP\nO=JPKI\nOU=JPKI for digital signature\nOU=TEST ONLY - myna-rig simulated J-LIS (not a real CA)');
    const sig = signWith(SELECT_SIGN_KEY, DIGEST_INFO.sha256);
    expect(verify('sha256', Buffer.from('abc'), { key: cert.publicKey, padding: cryptoConstants.RSA_PKCS1_PADDING }, sig)).toBe(true);
  });

  it('becomes unreadable again after the AP is selected again (logout) or a reset', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
    send(VERIFY_SIGN_ABC123);
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_CERT);
    expect(send('00 B0 00 00 04')).toBe('69 82');
    send(SELECT_SIGN_PIN);
    send(VERIFY_SIGN_ABC123);
    card.reset();
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_CERT);
    expect(send('00 B0 00 00 04')).toBe('69 82');
  });
});

describe('sign CA certificate EF 0002', () => {
  it('is readable without a PIN and equals the simulated J-LIS sign root (TEST ONLY, self-signed)', () => {
    send(SELECT_JPKI_AP);
    const der = readWhole(SELECT_SIGN_CA_CERT);
    expect(toHex(der)).toBe(toHex(jlis.signCaCertificateDer));
    const ca = new X509Certificate(der);
    expect(ca.subject).toBe('C=JP\nO=JPKI\nOU=JPKI for digital signature\nOU=TEST ONLY - myna-rig simulated J-LIS (not a real CA)');
    expect(ca.verify(ca.publicKey)).toBe(true);
  });
});

describe('sign PIN EF 001B (6–16 A–Z 0–9, 5 tries)', () => {
  beforeEach(() => {
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
  });

  it('answers the empty query with 63 C5 on a fresh card, and still 63 C5 after a good VERIFY', () => {
    expect(send(VERIFY_EMPTY)).toBe('63 C5');
    expect(send(VERIFY_SIGN_ABC123)).toBe('90 00');
    expect(send(VERIFY_EMPTY)).toBe('63 C5');
  });

  it('counts down 63 C4 … 63 C0 and then answers 69 83 even to the right PIN; the empty query says 63 C0', () => {
    expect(send(VERIFY_SIGN_WRONG)).toBe('63 C4');
    expect(send(VERIFY_SIGN_WRONG)).toBe('63 C3');
    expect(send(VERIFY_SIGN_WRONG)).toBe('63 C2');
    expect(send(VERIFY_SIGN_WRONG)).toBe('63 C1');
    expect(send(VERIFY_SIGN_WRONG)).toBe('63 C0');
    expect(send(VERIFY_SIGN_ABC123)).toBe('69 83');
    expect(send(VERIFY_EMPTY)).toBe('63 C0');
    expect(card.signPinTriesLeft).toBe(0);
    expect(card.signPinBlocked).toBe(true);
    expect(card.authPinTriesLeft).toBe(3); // the PINs have separate counters
  });

  it('answers a blocked PIN with 69 84 when the card is configured so', async () => {
    card = await createMyNumberCard({
      jlis,
      authPin: '1234',
      signPin: 'ABC123',
      signPinTriesLeft: 0,
      blockedSw: 0x6984,
      authCertificate: { notBefore: '2025-04-01', notAfter: '2030-03-31' },
      keyLabel: 'test-card',
    });
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
    expect(send(VERIFY_SIGN_ABC123)).toBe('69 84');
    expect(send(VERIFY_EMPTY)).toBe('63 C0');
  });

  it('lifts a lock only through the administrative reset', () => {
    for (let i = 0; i < 5; i++) send(VERIFY_SIGN_WRONG);
    card.reset();
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
    expect(send(VERIFY_SIGN_ABC123)).toBe('69 83');
    card.administrativeReset('sign', 'NEWPASS9');
    expect(send(VERIFY_EMPTY)).toBe('63 C5');
    expect(send('00 20 00 80 08 4E 45 57 50 41 53 53 39')).toBe('90 00');
  });
});

describe('SIGN with the sign key EF 001A', () => {
  it('refuses without the sign PIN (69 82), also when only the auth PIN is verified', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_KEY);
    expect(send(`80 2A 00 80 33 ${DIGEST_INFO.sha256} 00`)).toBe('69 82');
    send(SELECT_AUTH_PIN);
    send(VERIFY_AUTH_1234);
    send(SELECT_SIGN_KEY);
    expect(send(`80 2A 00 80 33 ${DIGEST_INFO.sha256} 00`)).toBe('69 82');
  });

  it('does not let the sign PIN unlock the auth key 0017', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
    send(VERIFY_SIGN_ABC123);
    send(SELECT_AUTH_KEY);
    expect(send(`80 2A 00 80 33 ${DIGEST_INFO.sha256} 00`)).toBe('69 82');
  });

  it.each(['sha1', 'sha256', 'sha384', 'sha512'] as const)('signs a %s DigestInfo as given (PKCS#1 v1.5)', (alg) => {
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
    send(VERIFY_SIGN_ABC123);
    const signature = signWith(SELECT_SIGN_KEY, DIGEST_INFO[alg]);
    const cert = new X509Certificate(card.signCertificateDer!);
    expect(verify(alg, Buffer.from('abc'), cert.publicKey, signature)).toBe(true);
  });

  it('signs 245 bytes of anything and refuses 246 with 67 00', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
    send(VERIFY_SIGN_ABC123);
    send(SELECT_SIGN_KEY);
    const ok = card.process(Uint8Array.of(0x80, 0x2a, 0x00, 0x80, 245, ...new Uint8Array(245).fill(0x5a), 0x00));
    expect(ok.length).toBe(258);
    const tooLong = card.process(Uint8Array.of(0x80, 0x2a, 0x00, 0x80, 246, ...new Uint8Array(246).fill(0x5a), 0x00));
    expect(sw(tooLong)).toBe('67 00');
  });
});

describe('CHANGE REFERENCE DATA 00 24 01 80', () => {
  it('changes the auth PIN only after VERIFY of the old one; the old PIN then counts as wrong', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    expect(send('00 24 01 80 04 35 36 37 38')).toBe('69 82');
    expect(send(VERIFY_AUTH_1234)).toBe('90 00');
    expect(send('00 24 01 80 04 35 36 37 38')).toBe('90 00'); // "5678"
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    expect(send(VERIFY_AUTH_1234)).toBe('63 C2');
    expect(send('00 20 00 80 04 35 36 37 38')).toBe('90 00');
  });

  it('refuses an auth PIN that is not 4 digits with 6A 80 and keeps the old one', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    send(VERIFY_AUTH_1234);
    expect(send('00 24 01 80 05 31 32 33 34 35')).toBe('6A 80'); // "12345"
    expect(send('00 24 01 80 04 31 32 41 34')).toBe('6A 80'); // "12A4"
    expect(send('00 24 01 80 03 31 32 33')).toBe('6A 80'); // "123"
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    expect(send(VERIFY_AUTH_1234)).toBe('90 00');
  });

  it('checks the sign PIN shape: 6–16 upper-case letters or digits', () => {
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
    send(VERIFY_SIGN_ABC123);
    expect(send('00 24 01 80 06 61 62 63 31 32 33')).toBe('6A 80'); // "abc123" lower case
    expect(send('00 24 01 80 05 41 42 43 31 32')).toBe('6A 80'); // 5 characters
    expect(send(`00 24 01 80 11 ${'41 '.repeat(17)}`.trim())).toBe('6A 80'); // 17 characters
    expect(send('00 24 01 80 06 41 42 43 2D 31 32')).toBe('6A 80'); // "ABC-12"
    expect(send(`00 24 01 80 10 ${'5A '.repeat(16)}`.trim())).toBe('90 00'); // 16 × "Z"
    send(SELECT_JPKI_AP);
    send(SELECT_SIGN_PIN);
    expect(send(VERIFY_SIGN_ABC123)).toBe('63 C4');
    expect(send(`00 20 00 80 10 ${'5A '.repeat(16)}`.trim())).toBe('90 00');
  });

  it('answers wrong P1/P2 6A 86, no data 67 00, no PIN EF 69 86, a blocked PIN 69 83', async () => {
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    send(VERIFY_AUTH_1234);
    expect(send('00 24 00 80 04 35 36 37 38')).toBe('6A 86');
    expect(send('00 24 01 81 04 35 36 37 38')).toBe('6A 86');
    expect(send('00 24 01 80')).toBe('67 00');
    send(SELECT_AUTH_KEY);
    expect(send('00 24 01 80 04 35 36 37 38')).toBe('69 86');
    card = await createMyNumberCard({
      jlis,
      authPin: '1234',
      authPinTriesLeft: 0,
      authCertificate: { notBefore: '2025-04-01', notAfter: '2030-03-31' },
      keyLabel: 'test-card',
    });
    send(SELECT_JPKI_AP);
    send(SELECT_AUTH_PIN);
    expect(send('00 24 01 80 04 35 36 37 38')).toBe('69 83');
  });
});

describe('simulated J-LIS signature certificate profile', () => {
  it('has critical keyUsage digitalSignature + nonRepudiation and the default holder DOB 3 19800401', () => {
    const der = card.signCertificateDer!;
    expect(contains(der, KEY_USAGE_CRITICAL_SIG_NONREP)).toBe(true);
    expect(contains(der, DOB_OTHERNAME)).toBe(true);
  });

  it('carries a holder with characters outside JIS X 0208 in UTF-8, and the sex code', async () => {
    const holder = { name: '髙橋 𠮷子', birthDate: '2019-05-01', sex: '2' as const, address: '東京都' };
    const c = await createMyNumberCard({
      jlis,
      authPin: '1234',
      holder,
      authCertificate: { notBefore: '2025-04-01', notAfter: '2030-03-31' },
      signCertificate: { notBefore: '2025-04-02', notAfter: '2029-03-31' },
      keyLabel: 'test-card',
    });
    const der = c.signCertificateDer!;
    expect(contains(der, NAME_UTF8)).toBe(true);
    expect(contains(der, SEX_FEMALE_OTHERNAME)).toBe(true);
    // 令和元年五月一日: era digit 5.
    expect(contains(der, new TextEncoder().encode('520190501'))).toBe(true);
    const cert = new X509Certificate(der);
    expect(cert.validFrom).toBe('Apr  1 15:00:00 2025 GMT');
    expect(cert.validTo).toBe('Mar 31 14:59:59 2029 GMT');
  });

  it('has a digest different from the auth certificate (two keys, two certificates)', () => {
    const a = createHash('sha256').update(card.authCertificateDer).digest('hex');
    const s = createHash('sha256').update(card.signCertificateDer!).digest('hex');
    expect(a).not.toBe(s);
    expect(new X509Certificate(card.authCertificateDer).publicKey.export({ format: 'jwk' }).n).not.toBe(
      new X509Certificate(card.signCertificateDer!).publicKey.export({ format: 'jwk' }).n,
    );
  });
});

describe('era digit of the date of birth', () => {
  it.each([
    ['1868-01-24', 0],
    ['1868-01-25', 1],
    ['1912-07-29', 1],
    ['1912-07-30', 2],
    ['1926-12-24', 2],
    ['1926-12-25', 3],
    ['1989-01-07', 3],
    ['1989-01-08', 4],
    ['2019-04-30', 4],
    ['2019-05-01', 5],
  ])('%s → %i', (date, digit) => {
    expect(eraDigit(isoDate(date))).toBe(digit);
  });

  it('prefixes the Gregorian YYYYMMDD', () => {
    expect(jpkiBirthDate(isoDate('1989-01-07'))).toBe('319890107');
    expect(jpkiBirthDate(isoDate('1920-02-29'))).toBe('219200229');
  });
});

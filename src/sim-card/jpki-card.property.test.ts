/**
 * Properties of the card's APDU processor: it answers anything with a status word and never
 * throws, and no sequence of commands gets a signature out of it without the auth PIN.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCommandApdu, fromHex, toHex } from '../protocol/apdu.js';
import { createSimulatedJlis } from './jlis-ca.js';
import { MyNumberCard, type MyNumberCardOptions } from './jpki-card.js';
import { getRsaKeyPair } from './key-cache.js';

let materials: MyNumberCardOptions;
/** Materials of a card that also has the sign side (EF 0001, 0002, 001A, 001B; sign PIN "ABC123"). */
let fullMaterials: MyNumberCardOptions;

beforeAll(async () => {
  const jlis = await createSimulatedJlis();
  const keys = await getRsaKeyPair('test-card');
  materials = {
    authCertificateDer: await jlis.issueAuthCertificate({
      publicKey: keys.publicKey,
      notBefore: '2025-04-01',
      notAfter: '2030-03-31',
      serialNumber: '01',
    }),
    authCaCertificateDer: jlis.authCaCertificateDer,
    authPrivateKey: keys.privateKey,
    authPin: '1234',
  };
  const signKeys = await getRsaKeyPair('test-card-sign');
  fullMaterials = {
    ...materials,
    signCertificateDer: await jlis.issueSignCertificate({
      publicKey: signKeys.publicKey,
      notBefore: '2025-04-01',
      notAfter: '2030-03-31',
      serialNumber: '02',
      holder: { name: '試験 花子', birthDate: '1990-01-01', sex: '2', address: '東京都' },
    }),
    signCaCertificateDer: jlis.signCaCertificateDer,
    signPrivateKey: signKeys.privateKey,
    signPin: 'ABC123',
  };
});

function freshCard(authPinTriesLeft = 3): MyNumberCard {
  return new MyNumberCard({ ...materials, authPinTriesLeft });
}

// SW1 values this card may answer with (ISO 7816-4 status classes it uses).
const KNOWN_SW1 = new Set([0x90, 0x63, 0x67, 0x69, 0x6a, 0x6b, 0x6d, 0x6e, 0x6f]);

function expectStatusWord(response: Uint8Array): void {
  expect(response.length).toBeGreaterThanOrEqual(2);
  const sw1 = response[response.length - 2]!;
  expect(KNOWN_SW1.has(sw1)).toBe(true);
  // Only 90 00 carries data.
  if (response.length > 2) expect(toHex(response.subarray(response.length - 2))).toBe('90 00');
}

const SELECT_JPKI_AP = fromHex('00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01');

describe('robustness', () => {
  it('answers 10,000 random byte strings (0–300 bytes) with a status word, never throwing', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ minLength: 0, maxLength: 300 }), (selectFirst, bytes) => {
        const card = freshCard();
        if (selectFirst) card.process(SELECT_JPKI_AP);
        expectStatusWord(card.process(bytes));
      }),
      { numRuns: 10_000 },
    );
  });

  it('answers 10,000 random well-formed APDUs with a status word, never throwing', () => {
    const cla = fc.oneof(fc.constantFrom(0x00, 0x80), fc.integer({ min: 0, max: 255 }));
    const ins = fc.oneof(fc.constantFrom(0xa4, 0xb0, 0x20, 0x2a), fc.integer({ min: 0, max: 255 }));
    const p1 = fc.oneof(fc.constantFrom(0x00, 0x02, 0x04, 0x8a), fc.integer({ min: 0, max: 255 }));
    const p2 = fc.oneof(fc.constantFrom(0x00, 0x0c, 0x80), fc.integer({ min: 0, max: 255 }));
    const body = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 260 }),
      fc.constantFrom(
        fromHex('D3 92 F0 00 26 01 00 00 00 01'),
        fromHex('00 0A'),
        fromHex('00 17'),
        fromHex('00 18'),
        fromHex('31 32 33 34'),
      ),
    );
    const le = fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined });
    // A prefix that puts the card in an interesting state: AP selected, some EF, maybe verified.
    const setup = fc.constantFrom(
      [],
      ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01'],
      ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01', '00 A4 02 0C 02 00 0A'],
      ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01', '00 A4 02 0C 02 00 18'],
      ['00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01', '00 A4 02 0C 02 00 18', '00 20 00 80 04 31 32 33 34', '00 A4 02 0C 02 00 17'],
    );
    fc.assert(
      fc.property(setup, cla, ins, p1, p2, body, le, fc.boolean(), (prefix, c, i, a, b, data, expected, extended) => {
        const card = freshCard();
        for (const hex of prefix) card.process(fromHex(hex));
        const command = buildCommandApdu(c, i, a, b, { data, ...(expected !== undefined ? { le: expected } : {}), extended });
        expectStatusWord(card.process(command));
      }),
      { numRuns: 10_000 },
    );
  });
});

// ---- Model-based check of PIN and signature security --------------------------------------

type Command =
  | { kind: 'selectJpki' }
  | { kind: 'selectOtherAid' }
  | { kind: 'selectEf'; fid: number }
  | { kind: 'verifyRight' }
  | { kind: 'verifyWrong' }
  | { kind: 'verifyEmpty' }
  | { kind: 'sign' }
  | { kind: 'read' }
  | { kind: 'reset' };

const APDU: Record<Exclude<Command['kind'], 'selectEf' | 'reset'>, string> = {
  selectJpki: '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01',
  selectOtherAid: '00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08',
  verifyRight: '00 20 00 80 04 31 32 33 34',
  verifyWrong: '00 20 00 80 04 30 30 30 30',
  verifyEmpty: '00 20 00 80',
  sign: '80 2A 00 80 33 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20' + ' 5A'.repeat(32) + ' 00',
  read: '00 B0 00 00 04',
};

const SELECT_JPKI: Command = { kind: 'selectJpki' };
const SELECT_PIN: Command = { kind: 'selectEf', fid: 0x0018 };
const SELECT_KEY: Command = { kind: 'selectEf', fid: 0x0017 };
const VERIFY_RIGHT: Command = { kind: 'verifyRight' };
const VERIFY_WRONG: Command = { kind: 'verifyWrong' };
const SIGN: Command = { kind: 'sign' };

// Sequences are built from phrases: single commands, and the short runs a client sends (log in,
// select the key and sign). With single commands alone a signature needs five lucky draws in a
// row and almost never happens; phrases make signing, logging out by SELECT AP, blocking and
// signing again all common, so the properties below are exercised rather than vacuous.
const phrase: fc.Arbitrary<Command[]> = fc.oneof(
  fc.constant<Command[]>([SELECT_JPKI]),
  fc.constant<Command[]>([{ kind: 'selectOtherAid' }]),
  fc.constantFrom(0x0006, 0x000a, 0x0017, 0x0018, 0x0001).map((fid): Command[] => [{ kind: 'selectEf', fid }]),
  fc.constant<Command[]>([VERIFY_RIGHT]),
  fc.constant<Command[]>([VERIFY_WRONG]),
  fc.constant<Command[]>([{ kind: 'verifyEmpty' }]),
  fc.constant<Command[]>([SIGN]),
  fc.constant<Command[]>([{ kind: 'read' }]),
  fc.constant<Command[]>([{ kind: 'reset' }]),
  fc.constant<Command[]>([SELECT_PIN, VERIFY_RIGHT]),
  fc.constant<Command[]>([SELECT_PIN, VERIFY_WRONG]),
  fc.constant<Command[]>([SELECT_KEY, SIGN]),
  fc.constant<Command[]>([SELECT_JPKI, SELECT_KEY, SIGN]),
  fc.constant<Command[]>([SELECT_JPKI, SELECT_PIN, VERIFY_RIGHT, SELECT_KEY, SIGN]),
);

const commands: fc.Arbitrary<Command[]> = fc.array(phrase, { maxLength: 15, size: 'max' }).map((ps) => ps.flat());

function apduOf(c: Command): Uint8Array | undefined {
  if (c.kind === 'reset') return undefined;
  if (c.kind === 'selectEf') return buildCommandApdu(0x00, 0xa4, 0x02, 0x0c, { data: Uint8Array.of(c.fid >> 8, c.fid & 0xff) });
  return fromHex(APDU[c.kind]);
}

const KNOWN_EFS = new Set([0x0006, 0x000a, 0x000b, 0x0017, 0x0018]);

/** What the card should answer, written from jpki-apdu.md §A.6 and the card's documented choices. */
interface Model {
  ap: boolean;
  ef: number | undefined;
  verified: boolean;
  tries: number;
}

function expectedSw(m: Model, c: Command): string {
  switch (c.kind) {
    case 'selectJpki':
      m.ap = true;
      m.ef = undefined;
      m.verified = false;
      return '90 00';
    case 'selectOtherAid':
      return '6A 82';
    case 'selectEf':
      if (!m.ap || !KNOWN_EFS.has(c.fid)) return '6A 82';
      m.ef = c.fid;
      return '90 00';
    case 'verifyEmpty':
    case 'verifyRight':
    case 'verifyWrong':
      if (!m.ap || m.ef !== 0x0018) return '69 86';
      if (c.kind === 'verifyEmpty') return `63 C${m.tries}`;
      if (m.tries === 0) return '69 83';
      if (c.kind === 'verifyRight') {
        m.tries = 3;
        m.verified = true;
        return '90 00';
      }
      m.tries -= 1;
      m.verified = false;
      return `63 C${m.tries}`;
    case 'sign':
      if (!m.ap || m.ef !== 0x0017) return '69 86';
      return m.verified && m.tries > 0 ? '90 00' : '69 82';
    case 'read':
      if (!m.ap || m.ef === undefined || m.ef === 0x0017 || m.ef === 0x0018) return '69 86';
      return '90 00';
    case 'reset':
      m.ap = false;
      m.ef = undefined;
      m.verified = false;
      return '';
  }
}

describe('PIN and signature security', () => {
  it('matches the model answer for every command of random sequences', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), commands, (tries, sequence) => {
        const card = freshCard(tries);
        const model: Model = { ap: false, ef: undefined, verified: false, tries };
        for (const c of sequence) {
          const expected = expectedSw(model, c);
          const apdu = apduOf(c);
          if (apdu === undefined) {
            card.reset();
            continue;
          }
          const response = card.process(apdu);
          expect(toHex(response.subarray(response.length - 2))).toBe(expected);
          if (c.kind === 'sign' && expected === '90 00') expect(response.length).toBe(258);
          expect(card.authPinTriesLeft).toBe(model.tries);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never signs unless a VERIFY succeeded since the last AP selection and the PIN is not blocked', () => {
    // Judged from the observed answers only, independent of the model above.
    let signatures = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), commands, (tries, sequence) => {
        const card = freshCard(tries);
        let verifiedSinceApSelection = false;
        for (const c of sequence) {
          const apdu = apduOf(c);
          if (apdu === undefined) {
            card.reset();
            verifiedSinceApSelection = false;
            continue;
          }
          const blockedBefore = card.authPinTriesLeft === 0;
          const response = card.process(apdu);
          const ok = response.length >= 2 && response[response.length - 2] === 0x90 && response[response.length - 1] === 0x00;
          if (c.kind === 'selectJpki' && ok) verifiedSinceApSelection = false;
          if (c.kind === 'verifyRight' && ok) verifiedSinceApSelection = true;
          if (c.kind === 'sign' && response.length === 258 && ok) {
            expect(verifiedSinceApSelection).toBe(true);
            expect(blockedBefore).toBe(false);
            signatures += 1;
          }
        }
      }),
      { numRuns: 500 },
    );
    // The property must not hold vacuously: many sequences do reach a signature.
    expect(signatures).toBeGreaterThan(100);
  });
});

// ---- The sign side: no signature with 001A and no read of 0001 without the sign PIN ----------

type SignCommand = { apdu: string; kind: 'selectJpki' | 'verifySignRight' | 'signWith1A' | 'read0001' | 'other' } | { kind: 'reset' };

const SIGN_SIDE: Record<string, string> = {
  selectJpki: '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01',
  selectSignPin: '00 A4 02 0C 02 00 1B',
  selectAuthPin: '00 A4 02 0C 02 00 18',
  selectSignKey: '00 A4 02 0C 02 00 1A',
  selectSignCert: '00 A4 02 0C 02 00 01',
  verifySignRight: '00 20 00 80 06 41 42 43 31 32 33',
  verifySignWrong: '00 20 00 80 06 41 42 43 31 32 34',
  verifyAuthRight: '00 20 00 80 04 31 32 33 34',
  changeSign: '00 24 01 80 06 41 42 43 31 32 33',
  sign: APDU.sign,
  read: '00 B0 00 00 04',
  readSfi: '00 B0 81 00 00',
};

const signStep: fc.Arbitrary<SignCommand[]> = fc.oneof(
  ...Object.entries(SIGN_SIDE).map(([name, apdu]) =>
    fc.constant<SignCommand[]>([
      {
        apdu,
        kind:
          name === 'selectJpki' ? 'selectJpki' : name === 'verifySignRight' ? 'verifySignRight' : name === 'sign' ? 'signWith1A' : name.startsWith('read') ? 'read0001' : 'other',
      },
    ]),
  ),
  fc.constant<SignCommand[]>([{ kind: 'reset' }]),
  fc.constant<SignCommand[]>([
    { apdu: SIGN_SIDE.selectJpki!, kind: 'selectJpki' },
    { apdu: SIGN_SIDE.selectSignPin!, kind: 'other' },
    { apdu: SIGN_SIDE.verifySignRight!, kind: 'verifySignRight' },
  ]),
  fc.constant<SignCommand[]>([
    { apdu: SIGN_SIDE.selectSignKey!, kind: 'other' },
    { apdu: SIGN_SIDE.sign!, kind: 'signWith1A' },
  ]),
  fc.constant<SignCommand[]>([
    { apdu: SIGN_SIDE.selectSignCert!, kind: 'other' },
    { apdu: SIGN_SIDE.read!, kind: 'read0001' },
  ]),
);

describe('sign-side security', () => {
  it('never signs with 001A nor reveals EF 0001 unless the sign PIN was verified since the last AP selection and is not blocked', () => {
    let signatures = 0;
    let reads = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.array(signStep, { maxLength: 20, size: 'max' }), (tries, steps) => {
        const card = new MyNumberCard({ ...fullMaterials, signPinTriesLeft: tries });
        let verified = false;
        let lastSelected = '';
        for (const c of steps.flat()) {
          if (c.kind === 'reset') {
            card.reset();
            verified = false;
            lastSelected = '';
            continue;
          }
          const blockedBefore = card.signPinBlocked;
          const response = card.process(fromHex(c.apdu));
          const ok = toHex(response.subarray(response.length - 2)) === '90 00';
          if (c.kind === 'selectJpki' && ok) verified = false;
          if (c.kind === 'verifySignRight' && ok && lastSelected === '00 1B') verified = true;
          if (c.apdu.startsWith('00 A4 02') && ok) lastSelected = c.apdu.slice(-5);
          if (c.kind === 'signWith1A' && ok && lastSelected === '00 1A') {
            expect(verified && !blockedBefore).toBe(true);
            signatures += 1;
          }
          if (c.kind === 'read0001' && ok && (lastSelected === '00 01' || c.apdu === SIGN_SIDE.readSfi)) {
            expect(verified && !blockedBefore).toBe(true);
            reads += 1;
          }
          // Reading by SFI makes EF 0001 the current EF (ISO 7816-4), as SELECT would.
          if (c.apdu === SIGN_SIDE.readSfi && ok) lastSelected = '00 01';
          if (c.apdu === SIGN_SIDE.verifySignRight && !ok && lastSelected === '00 1B') verified = false;
          if (c.apdu === SIGN_SIDE.verifySignWrong && lastSelected === '00 1B') verified = false;
        }
      }),
      { numRuns: 1000 },
    );
    expect(signatures).toBeGreaterThan(50);
    expect(reads).toBeGreaterThan(50);
  });

  it('answers 10,000 random APDUs on a full card with a status word, never throwing', () => {
    const card = new MyNumberCard(fullMaterials);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.constantFrom(0x00, 0x80), (bytes, cla) => {
        if (bytes.length > 0) bytes[0] = cla;
        expectStatusWord(card.process(bytes));
      }),
      { numRuns: 10_000 },
    );
  });
});

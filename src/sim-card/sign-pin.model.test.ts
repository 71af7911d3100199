/**
 * Model-based test (fast-check commands) of the signature PIN (署名用パスワード, EF 001B): 5 tries,
 * lock at 0 (VERIFY 69 83, the empty query 63 C0), CHANGE REFERENCE DATA after VERIFY, the
 * administrative reset (市区町村 窓口), logout on SELECT of the AP and on power cycle — and, on
 * every step, that the signature key 001A signs and EF 0001 (sign certificate) opens only while
 * the PIN is verified and not blocked. Expected status words are written from jpki-apdu.md §A.6
 * and the card's documented choices (jpki-card.ts), not taken from the card.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../protocol/apdu.js';
import { createSimulatedJlis } from './jlis-ca.js';
import { MyNumberCard, type MyNumberCardOptions } from './jpki-card.js';
import { getRsaKeyPair } from './key-cache.js';

let materials: MyNumberCardOptions;

beforeAll(async () => {
  const jlis = await createSimulatedJlis();
  const [auth, sign] = await Promise.all([getRsaKeyPair('test-card'), getRsaKeyPair('test-card-sign')]);
  materials = {
    authCertificateDer: await jlis.issueAuthCertificate({ publicKey: auth.publicKey, notBefore: '2025-04-01', notAfter: '2030-03-31', serialNumber: '01' }),
    authCaCertificateDer: jlis.authCaCertificateDer,
    authPrivateKey: auth.privateKey,
    authPin: '1234',
    signCertificateDer: await jlis.issueSignCertificate({
      publicKey: sign.publicKey,
      notBefore: '2025-04-01',
      notAfter: '2030-03-31',
      serialNumber: '02',
      holder: { name: '試験 花子', birthDate: '1990-01-01', sex: '2', address: '東京都' },
    }),
    signCaCertificateDer: jlis.signCaCertificateDer,
    signPrivateKey: sign.privateKey,
    signPin: 'SIGN1234',
  };
});

type Ef = 0x0001 | 0x0002 | 0x001a | 0x001b;

interface Model {
  ap: boolean;
  ef: Ef | undefined;
  pin: string;
  tries: number;
  verified: boolean;
}

interface Tally {
  signatures: number;
  certReads: number;
  locks: number;
  changes: number;
}

const ascii = (s: string): string => [...s].map((c) => c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')).join(' ');
const lc = (s: string): string => s.length.toString(16).toUpperCase().padStart(2, '0');
const SIGN_APDU = '80 2A 00 80 33 30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20' + ' 5A'.repeat(32) + ' 00';

function sw(response: Uint8Array): string {
  return toHex(response.subarray(response.length - 2));
}

abstract class ApduCommand implements fc.Command<Model, MyNumberCard> {
  constructor(readonly tally: Tally) {}
  check(): boolean {
    return true;
  }
  abstract apdu(m: Model): string;
  /** Updates the model and returns the status word the card must answer. */
  abstract expect(m: Model): string;
  run(m: Model, card: MyNumberCard): void {
    const expected = this.expect(m);
    const response = card.process(fromHex(this.apdu(m)));
    expect(sw(response), `${this.toString()} → SW`).toBe(expected);
    expect(card.signPinTriesLeft, `${this.toString()} → tries`).toBe(m.tries);
    this.after(response, m);
  }
  after(_response: Uint8Array, _m: Model): void {}
  abstract toString(): string;
}

class SelectAp extends ApduCommand {
  apdu(): string {
    return '00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01';
  }
  expect(m: Model): string {
    Object.assign(m, { ap: true, ef: undefined, verified: false });
    return '90 00';
  }
  toString(): string {
    return 'SELECT JPKI AP';
  }
}

class SelectEf extends ApduCommand {
  constructor(tally: Tally, readonly fid: Ef) {
    super(tally);
  }
  apdu(): string {
    return `00 A4 02 0C 02 00 ${this.fid.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  expect(m: Model): string {
    if (!m.ap) return '6A 82';
    m.ef = this.fid;
    return '90 00';
  }
  toString(): string {
    return `SELECT EF ${this.fid.toString(16).padStart(4, '0')}`;
  }
}

/** `candidate`: a password, undefined for the empty query, or CURRENT for the one the model holds now. */
const CURRENT = Symbol('current password');

class Verify extends ApduCommand {
  constructor(tally: Tally, readonly candidate: string | undefined | typeof CURRENT) {
    super(tally);
  }
  apdu(m: Model): string {
    const pin = this.candidate === CURRENT ? m.pin : this.candidate;
    return pin === undefined ? '00 20 00 80' : `00 20 00 80 ${lc(pin)} ${ascii(pin)}`;
  }
  expect(m: Model): string {
    if (!m.ap || m.ef !== 0x001b) return '69 86';
    if (this.candidate === undefined) return `63 C${m.tries}`;
    if (m.tries === 0) return '69 83';
    if (this.candidate === CURRENT || this.candidate === m.pin) {
      Object.assign(m, { tries: 5, verified: true });
      return '90 00';
    }
    m.tries -= 1;
    m.verified = false;
    if (m.tries === 0) this.tally.locks += 1;
    return `63 C${m.tries}`;
  }
  toString(): string {
    return this.candidate === undefined ? 'VERIFY (empty)' : this.candidate === CURRENT ? 'VERIFY (current)' : `VERIFY ${this.candidate}`;
  }
}

class Change extends ApduCommand {
  constructor(tally: Tally, readonly newPin: string) {
    super(tally);
  }
  apdu(): string {
    return `00 24 01 80 ${lc(this.newPin)} ${ascii(this.newPin)}`;
  }
  expect(m: Model): string {
    if (!m.ap || m.ef !== 0x001b) return '69 86';
    if (m.tries === 0) return '69 83';
    if (!m.verified) return '69 82';
    if (!/^[A-Z0-9]{6,16}$/.test(this.newPin)) return '6A 80';
    m.pin = this.newPin;
    this.tally.changes += 1;
    return '90 00';
  }
  toString(): string {
    return `CHANGE REFERENCE DATA ${this.newPin}`;
  }
}

class Sign extends ApduCommand {
  apdu(): string {
    return SIGN_APDU;
  }
  expect(m: Model): string {
    if (!m.ap || m.ef !== 0x001a) return '69 86';
    return m.verified && m.tries > 0 ? '90 00' : '69 82';
  }
  override after(response: Uint8Array, m: Model): void {
    if (sw(response) !== '90 00') return;
    // The safety property, stated on its own: a signature only while verified and not blocked.
    expect(m.verified && m.tries > 0).toBe(true);
    expect(response.length).toBe(258);
    this.tally.signatures += 1;
  }
  toString(): string {
    return 'SIGN';
  }
}

class Read extends ApduCommand {
  apdu(): string {
    return '00 B0 00 00 04';
  }
  expect(m: Model): string {
    if (!m.ap || m.ef === undefined || m.ef === 0x001a || m.ef === 0x001b) return '69 86';
    if (m.ef === 0x0001 && !(m.verified && m.tries > 0)) return '69 82';
    return '90 00';
  }
  override after(response: Uint8Array, m: Model): void {
    if (m.ef !== 0x0001 || sw(response) !== '90 00') return;
    expect(m.verified && m.tries > 0).toBe(true);
    expect(toHex(response.subarray(0, 2))).toBe('30 82'); // the certificate's DER header
    this.tally.certReads += 1;
  }
  toString(): string {
    return 'READ BINARY 4';
  }
}

/** Not an APDU: the municipality resets the counter (and may set a new password). */
class AdministrativeReset implements fc.Command<Model, MyNumberCard> {
  constructor(readonly newPin: string | undefined) {}
  check(): boolean {
    return true;
  }
  run(m: Model, card: MyNumberCard): void {
    card.administrativeReset('sign', this.newPin);
    Object.assign(m, { tries: 5, verified: false, pin: this.newPin ?? m.pin });
    expect(card.signPinTriesLeft).toBe(5);
  }
  toString(): string {
    return `administrativeReset(${this.newPin ?? ''})`;
  }
}

class PowerCycle implements fc.Command<Model, MyNumberCard> {
  check(): boolean {
    return true;
  }
  run(m: Model, card: MyNumberCard): void {
    card.reset();
    Object.assign(m, { ap: false, ef: undefined, verified: false });
  }
  toString(): string {
    return 'power cycle';
  }
}

/** Several commands as one step: the short runs a client sends (log in, select and sign, …). */
class Phrase implements fc.Command<Model, MyNumberCard> {
  constructor(readonly steps: ReadonlyArray<fc.Command<Model, MyNumberCard>>) {}
  check(): boolean {
    return true;
  }
  run(m: Model, card: MyNumberCard): void {
    for (const step of this.steps) step.run(m, card);
  }
  toString(): string {
    return `[${this.steps.map(String).join(', ')}]`;
  }
}

const PINS = ['SIGN1234', 'ABC123', 'ZZ99ZZ99', 'X1X1X1'] as const;

function commandArbitraries(tally: Tally): Array<fc.Arbitrary<fc.Command<Model, MyNumberCard>>> {
  return [
    fc.constant(new SelectAp(tally)),
    fc.constantFrom<Ef>(0x0001, 0x0002, 0x001a, 0x001b).map((fid) => new SelectEf(tally, fid)),
    fc.option(fc.constantFrom(...PINS), { nil: undefined, freq: 4 }).map((pin) => new Verify(tally, pin)),
    // twice: wrong passwords in a row are what locks the PIN
    fc.constantFrom(...PINS).map((pin) => new Verify(tally, pin)),
    fc.constantFrom(...PINS, 'abc123', 'SHORT').map((pin) => new Change(tally, pin)),
    fc.constant(new Sign(tally)),
    fc.constant(new Read(tally)),
    fc.option(fc.constantFrom(...PINS), { nil: undefined }).map((pin) => new AdministrativeReset(pin)),
    fc.constant(new PowerCycle()),
    // Phrases make logging in, signing, reading 0001, locking and changing common, so the checks
    // above are exercised rather than vacuous.
    fc.constant(new Phrase([new SelectAp(tally), new SelectEf(tally, 0x001b), new Verify(tally, CURRENT)])),
    fc.constant(new Phrase([new SelectEf(tally, 0x001a), new Sign(tally)])),
    fc.constant(new Phrase([new SelectEf(tally, 0x0001), new Read(tally)])),
    fc.constant(new Phrase([new SelectAp(tally), new SelectEf(tally, 0x001b), new Verify(tally, CURRENT), new SelectEf(tally, 0x001a), new Sign(tally)])),
    fc.constant(new Phrase([new SelectAp(tally), new SelectEf(tally, 0x001b), new Verify(tally, CURRENT), new SelectEf(tally, 0x0001), new Read(tally)])),
    fc.constantFrom(...PINS).map((pin) => new Phrase([new SelectEf(tally, 0x001b), new Verify(tally, pin), new Verify(tally, pin)])),
    fc.constantFrom(...PINS).map((pin) => new Phrase([new SelectEf(tally, 0x001b), new Verify(tally, CURRENT), new Change(tally, pin)])),
  ];
}

describe('signature PIN state machine (fast-check commands)', () => {
  it('the card follows the model on random command sequences; signatures and EF 0001 only while verified and not blocked', () => {
    const tally: Tally = { signatures: 0, certReads: 0, locks: 0, changes: 0 };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.commands(commandArbitraries(tally), { maxCommands: 60, size: 'max' }), (tries, cmds) => {
        const setup = (): { model: Model; real: MyNumberCard } => ({
          model: { ap: false, ef: undefined, pin: 'SIGN1234', tries, verified: false },
          real: new MyNumberCard({ ...materials, signPinTriesLeft: tries }),
        });
        fc.modelRun(setup, cmds);
      }),
      { numRuns: 400 },
    );
    // Not vacuous: the interesting transitions all happen.
    // (a typical run: ~1,000 signatures, ~1,000 reads, ~20 locks, ~500 changes)
    expect(tally.signatures).toBeGreaterThan(300);
    expect(tally.certReads).toBeGreaterThan(300);
    expect(tally.locks).toBeGreaterThan(5);
    expect(tally.changes).toBeGreaterThan(100);
  });
});

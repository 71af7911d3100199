import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as pkijs from 'pkijs';
import { VirtualClock, isoDate } from '../../domain/index.js';
import { CardCheckResponse, ChallengeResponse } from '../../protocol/central-api.js';
import { certificateBytes, clearCertificateCache, isStrictBase64, parsedCertificate, strictBase64Bytes } from './certificate-cache.js';
import { judgeCertificate, verifyCertificate } from './certificate-check.js';
import { startCentral, type CentralServer } from './server.js';
import { EligibilityStore } from './store.js';
import { createTestPki, type TestPki } from './test-pki.js';

// Expiry 2025-05-10 (JST): with month_end grace the last day of grace is 2025-08-31 (rules.md §2.2).
const NOT_BEFORE = '2020-05-11T00:00:00+09:00';
const NOT_AFTER = '2025-05-10T23:59:59+09:00';

let pki: TestPki;
let cert: Uint8Array;

beforeAll(async () => {
  pki = await createTestPki();
  cert = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER, serialNumber: '0c01' });
});

beforeEach(() => clearCertificateCache());

function on(date: string, anchors: Uint8Array[] = [pki.ca.der]) {
  return { trustAnchors: anchors, date: isoDate(date), graceEnd: 'month_end' as const, at: new Date(`${date}T12:00:00+09:00`) };
}

describe('parsedCertificate: one parse per certificate bytes', () => {
  it('answers the same parse for a copy of the same bytes', () => {
    const first = parsedCertificate(cert, 'test');
    expect(parsedCertificate(new Uint8Array(cert), 'test')).toBe(first);
    expect(first.notAfter.toISOString()).toBe('2025-05-10T14:59:59.000Z');
    expect(first.publicKey?.asymmetricKeyType).toBe('rsa');
  });

  it('parses again after the cache is cleared', () => {
    const first = parsedCertificate(cert, 'test');
    clearCertificateCache();
    expect(parsedCertificate(cert, 'test')).not.toBe(first);
  });

  it('answers the same array again without re-parsing, but not once its bytes were changed in place', async () => {
    const other = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: '2027-05-10T23:59:59+09:00', serialNumber: '0c04' });
    const bytes = new Uint8Array(cert);
    const first = parsedCertificate(bytes, 'test');
    expect(parsedCertificate(bytes, 'test')).toBe(first);
    bytes.set(other);
    const after = parsedCertificate(bytes, 'test');
    expect(after).not.toBe(first);
    expect(after.notAfter.toISOString()).toBe('2027-05-10T14:59:59.000Z');
  });

  it('refuses bytes that are not a certificate every time, naming the caller', () => {
    const garbage = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    expect(() => parsedCertificate(garbage, 'first-caller')).toThrow(/^first-caller: the bytes are not a DER X.509 certificate/);
    expect(() => parsedCertificate(garbage, 'second-caller')).toThrow(/^second-caller: the bytes are not a DER X.509 certificate/);
  });
});

describe('verifyCertificate: concurrent first checks of one card share one chain validation', () => {
  it('32 checks at once run pkijs once and all get the verdict; the next check uses the cache', async () => {
    const verify = vi.spyOn(pkijs.CertificateChainValidationEngine.prototype, 'verify');
    try {
      const results = await Promise.all(Array.from({ length: 32 }, () => verifyCertificate(cert, on('2024-06-01'))));
      expect(verify).toHaveBeenCalledTimes(1);
      expect(new Set(results.map((r) => r.status))).toEqual(new Set(['valid']));
      expect(parsedCertificate(cert, 'test').pendingVerdicts.size).toBe(0);
      await verifyCertificate(cert, on('2024-06-02'));
      expect(verify).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
    }
  });

  it('shares a refusal too: 8 concurrent checks of a foreign card are all untrusted after one run', async () => {
    const foreign = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER, serialNumber: '0c05', issuer: pki.otherCa });
    const verify = vi.spyOn(pkijs.CertificateChainValidationEngine.prototype, 'verify');
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => verifyCertificate(foreign, on('2024-06-01'))));
      expect(verify).toHaveBeenCalledTimes(1);
      expect(results.map((r) => r.reason)).toEqual(Array.from({ length: 8 }, () => 'certificate-untrusted'));
    } finally {
      verify.mockRestore();
    }
  });

  it('does not share across anchor sets; after expiry the chain is judged at notAfter, inside the window, so no new run', async () => {
    const verify = vi.spyOn(pkijs.CertificateChainValidationEngine.prototype, 'verify');
    try {
      await Promise.all([verifyCertificate(cert, on('2024-06-01')), verifyCertificate(cert, on('2024-06-01', [pki.otherCa.der]))]);
      expect(verify).toHaveBeenCalledTimes(2);
      verify.mockClear();
      await Promise.all([verifyCertificate(cert, on('2025-06-01')), verifyCertificate(cert, on('2025-06-02'))]);
      expect(verify).toHaveBeenCalledTimes(0);
    } finally {
      verify.mockRestore();
    }
  });
});

describe('verifyCertificate with a cached chain verdict: dates are still judged per check', () => {
  it('caches the chain verdict, yet refuses the same bytes once beyond grace and before notBefore', async () => {
    expect(await verifyCertificate(cert, on('2024-06-01'))).toEqual({ status: 'valid', expiresOn: '2025-05-10', graceEndsOn: '2025-08-31' });
    expect(parsedCertificate(cert, 'test').chainVerdicts.size).toBe(1);
    expect(await verifyCertificate(cert, on('2025-06-01'))).toMatchObject({ status: 'expired-in-grace', graceEndsOn: '2025-08-31' });
    expect(await verifyCertificate(cert, on('2025-09-01'))).toMatchObject({ status: 'expired-beyond-grace', reason: 'certificate-expired' });
    expect(await verifyCertificate(cert, on('2020-05-01'))).toMatchObject({ status: 'not-yet-valid', reason: 'certificate-not-yet-valid' });
  });

  it('keeps verdicts apart per trust-anchor set', async () => {
    const foreign = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER, serialNumber: '0c02', issuer: pki.otherCa });
    expect((await verifyCertificate(foreign, on('2024-06-01'))).status).toBe('untrusted');
    expect((await verifyCertificate(foreign, on('2024-06-01', [pki.otherCa.der]))).status).toBe('valid');
    expect((await verifyCertificate(foreign, on('2024-06-02'))).status).toBe('untrusted');
  });
});

describe('judgeCertificate: synchronous once the chain verdict is cached', () => {
  it('answers with a promise on the first check and with the plain result afterwards, dates judged each time', async () => {
    const first = judgeCertificate(cert, on('2024-06-01'));
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ status: 'valid', expiresOn: '2025-05-10', graceEndsOn: '2025-08-31' });
    const again = judgeCertificate(cert, on('2024-06-02'));
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toEqual({ status: 'valid', expiresOn: '2025-05-10', graceEndsOn: '2025-08-31' });
    const beyondGrace = judgeCertificate(cert, on('2025-09-01'));
    expect(beyondGrace).not.toBeInstanceOf(Promise);
    expect(beyondGrace).toMatchObject({ status: 'expired-beyond-grace', reason: 'certificate-expired', graceEndsOn: '2025-08-31' });
  });

  it('a foreign certificate: refused untrusted from the cache too', async () => {
    const foreign = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER, serialNumber: '0c09', issuer: pki.otherCa });
    expect((await judgeCertificate(foreign, on('2024-06-01'))).status).toBe('untrusted');
    const cached = judgeCertificate(foreign, on('2024-06-01'));
    expect(cached).not.toBeInstanceOf(Promise);
    expect(cached).toMatchObject({ status: 'untrusted', reason: 'certificate-untrusted' });
  });
});

describe('isStrictBase64 / certificateBytes: the standard alphabet, at most two trailing "="', () => {
  it.each([
    ['', true],
    ['QUJD', true],
    ['QUI=', true],
    ['QQ==', true],
    ['QUJ', true],
    ['a+/9', true],
    ['Q', false],
    ['QQ===', false],
    ['Q=Q=', false],
    ['QUJ-', false],
    ['QUJ_', false],
    ['QU J', false],
    ['QUJ\n', false],
    ['QUJé', false],
    ['=QUJ', false],
  ])('%j → %s', (text, ok) => {
    expect(isStrictBase64(text)).toBe(ok);
    expect(certificateBytes(text) !== undefined).toBe(ok);
    expect(strictBase64Bytes(text) !== undefined).toBe(ok);
  });

  it('strictBase64Bytes decodes the non-canonical forms it accepts as the regex judged them', () => {
    // "QR==" has stray low bits (canonical "QQ=="); "QUI" lacks its padding: both still "AB…".
    expect(Array.from(strictBase64Bytes('QR==')!)).toEqual([0x41]);
    expect(Array.from(strictBase64Bytes('QUI')!)).toEqual([0x41, 0x42]);
  });

  it('certificateBytes tells apart texts of one length with the same ending (its cache key)', () => {
    const tail = 'B'.repeat(60);
    const a = `QUJD${tail}`;
    const b = `REVG${tail}`;
    expect(Array.from(certificateBytes(a)!.slice(0, 3))).toEqual([0x41, 0x42, 0x43]);
    expect(Array.from(certificateBytes(b)!.slice(0, 3))).toEqual([0x44, 0x45, 0x46]);
    expect(Array.from(certificateBytes(a)!.slice(0, 3))).toEqual([0x41, 0x42, 0x43]);
    expect(certificateBytes(a)).toBe(certificateBytes(a));
  });

  it('decodes what it accepts: "QUJD" is the bytes of "ABC"', () => {
    expect(Array.from(certificateBytes('QUJD')!)).toEqual([0x41, 0x42, 0x43]);
  });
});

describe('central over HTTP: a certificate accepted once (now cached) is refused later', () => {
  const clock = new VirtualClock('2025-04-01T09:30:00+09:00');
  const store = new EligibilityStore();
  let central: CentralServer;
  let other: Uint8Array;

  beforeAll(async () => {
    other = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: '2027-05-10T23:59:59+09:00', serialNumber: '0c03' });
    store.addPerson({ id: 'hanako', name: '架空　花子', birthDate: isoDate('1945-03-03'), sex: 2 }, [
      { insurerNumber: '39131015', insurerName: '架空県後期高齢者医療広域連合', insurerKind: 'koki', number: '00012345', relation: 'insured', cardClassification: '01', acquiredOn: isoDate('2020-03-03'), incomeClass: 'general' },
    ]);
    store.linkCertificate('hanako', cert);
    store.linkCertificate('hanako', other);
    central = await startCentral({ clock, store, trustAnchors: [pki.ca.der] });
  });

  afterAll(async () => {
    await central?.close();
  });

  async function pinCheck(certificate: Uint8Array): Promise<CardCheckResponse> {
    const post = async (path: string, body: unknown): Promise<unknown> => {
      const res = await fetch(`${central.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return res.json();
    };
    const c = ChallengeResponse.parse(await post('/v1/challenges', {}));
    const signature = await pki.signWithCard(new Uint8Array(Buffer.from(c.nonce, 'base64')));
    return CardCheckResponse.parse(
      await post('/v1/card-checks', {
        medicalInstitutionCode: '1310000000',
        method: 'pin',
        certificate: Buffer.from(certificate).toString('base64'),
        challengeId: c.challengeId,
        signature: Buffer.from(signature).toString('base64'),
      }),
    );
  }

  it('accepts on 2024-06-01, refuses certificate-expired on 2025-09-01', async () => {
    clock.set('2024-06-01T09:30:00+09:00');
    expect(await pinCheck(cert)).toMatchObject({ accepted: true, certificateStatus: 'valid' });
    expect(await pinCheck(cert)).toMatchObject({ accepted: true, certificateStatus: 'valid' });
    clock.set('2025-09-01T10:00:00+09:00');
    expect(await pinCheck(cert)).toMatchObject({ accepted: false, certificateStatus: 'expired-beyond-grace', rejection: { reason: 'certificate-expired' } });
  });

  it('accepts, then refuses certificate-revoked once J-LIS revokes it, and accepts again when reactivated', async () => {
    clock.set('2025-04-01T09:30:00+09:00');
    expect(await pinCheck(other)).toMatchObject({ accepted: true, certificateStatus: 'valid' });
    clock.set('2025-04-02T09:30:00+09:00');
    store.setCertificateState(other, 'revoked');
    expect(await pinCheck(other)).toMatchObject({ accepted: false, certificateStatus: 'revoked', rejection: { reason: 'certificate-revoked' } });
    store.setCertificateState(other, 'suspended');
    expect(await pinCheck(other)).toMatchObject({ accepted: false, certificateStatus: 'suspended', rejection: { reason: 'certificate-suspended' } });
    store.setCertificateState(other, 'active');
    expect(await pinCheck(other)).toMatchObject({ accepted: true, certificateStatus: 'valid' });
  });
});

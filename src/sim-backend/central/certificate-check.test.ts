import { beforeAll, describe, expect, it } from 'vitest';
import { isoDate } from '../../domain/index.js';
import { verifyCertificate } from './certificate-check.js';
import { createTestPki, type TestPki } from './test-pki.js';

// Certificate expiring on 2025-05-10 (JST), the first row of the grace table in rules.md §2.2.
const NOT_BEFORE = '2020-05-11T00:00:00+09:00';
const NOT_AFTER = '2025-05-10T23:59:59+09:00';

let pki: TestPki;
let cert: Uint8Array;

beforeAll(async () => {
  pki = await createTestPki();
  cert = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER, serialNumber: '0a01' });
});

/** A check at noon JST on the given date. */
function on(date: string, graceEnd: 'month_end' | 'literal' = 'month_end') {
  return { trustAnchors: [pki.ca.der], date: isoDate(date), graceEnd, at: new Date(`${date}T12:00:00+09:00`) };
}

describe('verifyCertificate: chain to the J-LIS CA', () => {
  it('accepts a certificate issued by the trusted CA, well before expiry', async () => {
    expect(await verifyCertificate(cert, on('2024-06-01'))).toEqual({
      status: 'valid',
      expiresOn: '2025-05-10',
      graceEndsOn: '2025-08-31',
    });
  });

  it('refuses a certificate issued by another CA as untrusted', async () => {
    const foreign = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER, serialNumber: '0a02', issuer: pki.otherCa });
    const result = await verifyCertificate(foreign, on('2024-06-01'));
    expect(result.status).toBe('untrusted');
    expect(result.reason).toBe('certificate-untrusted');
  });

  it('refuses a certificate that names the trusted CA as issuer but was signed by another key', async () => {
    const forged = await pki.issueCardCertificate({
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
      serialNumber: '0a03',
      issuer: { ...pki.ca, keys: pki.otherCa.keys },
    });
    const result = await verifyCertificate(forged, on('2024-06-01'));
    expect(result.status).toBe('untrusted');
    expect(result.reason).toBe('certificate-untrusted');
  });

  it('judges an expired certificate from another CA untrusted, not merely expired', async () => {
    const foreign = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: NOT_AFTER, serialNumber: '0a04', issuer: pki.otherCa });
    expect((await verifyCertificate(foreign, on('2025-06-01'))).status).toBe('untrusted');
  });

  it('refuses bytes that are not a certificate as untrusted', async () => {
    const result = await verifyCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), on('2024-06-01'));
    expect(result.status).toBe('untrusted');
    expect(result.reason).toBe('certificate-untrusted');
  });

  it('refuses a certificate before its notBefore as not yet valid', async () => {
    const result = await verifyCertificate(cert, {
      trustAnchors: [pki.ca.der],
      date: isoDate('2020-05-10'),
      graceEnd: 'month_end',
      at: new Date('2020-05-10T23:59:00+09:00'),
    });
    expect(result.status).toBe('not-yet-valid');
    expect(result.reason).toBe('certificate-not-yet-valid');
  });
});

describe('verifyCertificate: validity and the 3-month grace (rules.md §2.2, expiry 2025-05-10)', () => {
  it('reports expiring-soon on the expiry date itself, which still passes', async () => {
    const result = await verifyCertificate(cert, on('2025-05-10'));
    expect(result.status).toBe('expiring-soon');
    expect(result.reason).toBeUndefined();
  });

  it('month_end: 2025-05-11 is the first grace day and 2025-08-31 the last', async () => {
    expect((await verifyCertificate(cert, on('2025-05-11'))).status).toBe('expired-in-grace');
    const last = await verifyCertificate(cert, on('2025-08-31'));
    expect(last).toEqual({ status: 'expired-in-grace', expiresOn: '2025-05-10', graceEndsOn: '2025-08-31' });
  });

  it('month_end: refuses from 2025-09-01 with certificate-expired', async () => {
    const result = await verifyCertificate(cert, on('2025-09-01'));
    expect(result.status).toBe('expired-beyond-grace');
    expect(result.reason).toBe('certificate-expired');
    expect(result.expiresOn).toBe('2025-05-10');
  });

  it('literal: 2025-08-10 is still in grace, 2025-08-11 is refused', async () => {
    expect((await verifyCertificate(cert, on('2025-08-10', 'literal'))).status).toBe('expired-in-grace');
    expect((await verifyCertificate(cert, on('2025-08-11', 'literal'))).status).toBe('expired-beyond-grace');
  });

  it('reads notAfter as a JST date: 2025-05-10T23:59:59+09:00 is UTC 14:59:59 the same day, expiry 2025-05-10', async () => {
    const late = await pki.issueCardCertificate({ notBefore: NOT_BEFORE, notAfter: '2025-05-31T23:59:59+09:00', serialNumber: '0a05' });
    expect((await verifyCertificate(late, on('2025-06-01'))).expiresOn).toBe('2025-05-31');
  });
});

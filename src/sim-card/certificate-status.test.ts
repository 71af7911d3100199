/**
 * J-LIS certificate status: revoke / suspend / return, the OCSP-style answer, and a real CRL that
 * openssl parses. Instants are literal epoch values (2025-06-01T00:00:00Z = 1748736000000).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSerial } from './certificate-status.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import { getRsaKeyPair } from './key-cache.js';
import { x509 } from './x509.js';

const JUNE_1 = Date.parse('2025-06-01T00:00:00Z');
const DAY = 86_400_000;

let jlis: SimulatedJlis;
let certA: Uint8Array;
let certB: Uint8Array;
let signCert: Uint8Array;
let dir: string;

beforeAll(async () => {
  jlis = await createSimulatedJlis();
  const keys = await getRsaKeyPair('test-card');
  const validity = { notBefore: '2025-04-01', notAfter: '2030-03-31' };
  certA = await jlis.issueAuthCertificate({ publicKey: keys.publicKey, ...validity, serialNumber: '0a0b0c' });
  certB = await jlis.issueAuthCertificate({ publicKey: keys.publicKey, ...validity, serialNumber: '7e57' });
  signCert = await jlis.issueSignCertificate({
    publicKey: keys.publicKey,
    ...validity,
    serialNumber: '0a0b0c',
    holder: { name: 'A', birthDate: '1980-04-01', sex: '1', address: 'B' },
  });
  dir = mkdtempSync(join(tmpdir(), 'myna-crl-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('normalizeSerial', () => {
  it('ignores case, separators and leading zeros', () => {
    expect(normalizeSerial('000a0B0c')).toBe('A0B0C');
    expect(normalizeSerial('0A:0B:0C')).toBe('A0B0C');
    expect(normalizeSerial('00')).toBe('0');
    expect(() => normalizeSerial('xyz')).toThrow(/must be hex digits/);
  });
});

describe('SimulatedJlis.status', () => {
  it('is good until revoked, then the reason, from the revocation instant on', () => {
    const j = jlis;
    expect(j.status(certA, JUNE_1)).toBe('good');
    j.revoke('0A0B0C', 'suspended', { at: JUNE_1 });
    expect(j.status(certA, JUNE_1 - 1)).toBe('good');
    expect(j.status(certA, JUNE_1)).toBe('suspended');
    expect(j.status(certB, JUNE_1)).toBe('good');
    // the sign CA's certificate with the same serial is another certificate
    expect(j.status(signCert, JUNE_1)).toBe('good');
    j.revoke('a0b0c', 'returned');
    expect(j.status(certA, 0)).toBe('returned');
    j.reinstate('0a0b0c');
    expect(j.status(certA, JUNE_1)).toBe('good');
  });

  it('answers unknown for a certificate neither CA issued, or bytes that are not one', async () => {
    const other = await createSimulatedJlis({ cacheLabel: 'test-other-ca', signCacheLabel: 'test-other-sign-ca' });
    const keys = await getRsaKeyPair('test-card');
    const foreign = await other.issueAuthCertificate({ publicKey: keys.publicKey, notBefore: '2025-04-01', notAfter: '2030-03-31', serialNumber: '0a0b0c' });
    expect(jlis.status(foreign, JUNE_1)).toBe('unknown');
    expect(jlis.status(Uint8Array.of(1, 2, 3), JUNE_1)).toBe('unknown');
  });

  it('refuses an unknown reason', () => {
    expect(() => jlis.revoke('01', 'lost' as 'revoked')).toThrow(/reason must be revoked, suspended or returned/);
  });
});

describe('SimulatedJlis.crlDer', () => {
  it('is an X.509 v2 CRL signed by the auth CA listing the revoked serials with their reasons', async () => {
    const j = await createSimulatedJlis();
    j.revoke('7e57', 'revoked', { at: JUNE_1 - DAY });
    j.revoke('0a0b0c', 'suspended', { at: JUNE_1 - 2 * DAY });
    j.revoke('99', 'returned', { at: JUNE_1 + DAY }); // not yet at JUNE_1
    const der = await j.crlDer(JUNE_1);
    const crl = new x509.X509Crl(der);
    expect(await crl.verify({ publicKey: new x509.X509Certificate(j.authCaCertificateDer) })).toBe(true);
    expect(crl.thisUpdate.toISOString()).toBe('2025-06-01T00:00:00.000Z');
    expect(crl.nextUpdate?.toISOString()).toBe('2025-06-02T00:00:00.000Z');

    const file = join(dir, 'auth.crl');
    writeFileSync(file, der);
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toMatch(/Version 2 \(0x1\)/);
    expect(text).toMatch(/Issuer: C ?= ?JP, O ?= ?JPKI, OU ?= ?JPKI for user authentication, OU ?= ?TEST ONLY/);
    expect(text).toMatch(/Serial Number: 0A0B0C\s+Revocation Date: May 30 00:00:00 2025 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Certificate Hold/);
    expect(text).toMatch(/Serial Number: 7E57\s+Revocation Date: May 31 00:00:00 2025 GMT/);
    expect(text).not.toMatch(/Serial Number: 99/);

    // openssl verifies the CRL signature against the CA certificate
    const caFile = join(dir, 'ca.der');
    writeFileSync(caFile, j.authCaCertificateDer);
    const caPem = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', caFile], { encoding: 'utf8' });
    writeFileSync(join(dir, 'ca.pem'), caPem);
    const verified = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', file, '-noout', '-CAfile', join(dir, 'ca.pem')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(verified).toBe('');
  });

  it('the sign CA publishes its own CRL; returned is cessationOfOperation', async () => {
    const j = await createSimulatedJlis();
    j.revoke('0a0b0c', 'returned', { ca: 'sign' });
    const auth = new x509.X509Crl(await j.crlDer(JUNE_1));
    expect(auth.entries).toHaveLength(0);
    const sign = new x509.X509Crl(await j.crlDer(JUNE_1, { ca: 'sign' }));
    expect(sign.issuer).toMatch(/OU=JPKI for digital signature/);
    expect(sign.entries.map((e) => [e.serialNumber.toUpperCase(), e.reason, e.revocationDate.toISOString()])).toEqual([
      ['0A0B0C', 5, '2025-06-01T00:00:00.000Z'],
    ]);
  });
});

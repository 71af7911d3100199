import { execFileSync } from 'node:child_process';
import { webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../protocol/apdu.js';
import { createSimulatedJlis, type SimulatedJlis } from './jlis-ca.js';
import { getRsaKeyPair } from './key-cache.js';
import { x509 } from './x509.js';

const CA_SUBJECT_LINES = 'C=JP\nO=JPKI\nOU=JPKI for user authentication\nOU=TEST ONLY - myna-rig simulated J-LIS (not a real CA)';

// DER of extensions, written from RFC 5280 (OIDs 2.5.29.15 keyUsage, 2.5.29.19 basicConstraints).
const KEY_USAGE_CRITICAL_DIGITAL_SIGNATURE = fromHex('30 0E 06 03 55 1D 0F 01 01 FF 04 04 03 02 07 80');
const KEY_USAGE_CRITICAL_CERT_SIGN_CRL_SIGN = fromHex('30 0E 06 03 55 1D 0F 01 01 FF 04 04 03 02 01 06');
const BASIC_CONSTRAINTS_CRITICAL_CA = fromHex('30 0F 06 03 55 1D 13 01 01 FF 04 05 30 03 01 01 FF');
// AlgorithmIdentifier sha256WithRSAEncryption (1.2.840.113549.1.1.11) with NULL parameters.
const SHA256_WITH_RSA = fromHex('30 0D 06 09 2A 86 48 86 F7 0D 01 01 0B 05 00');

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

let jlis: SimulatedJlis;
let ca: X509Certificate;

beforeAll(async () => {
  jlis = await createSimulatedJlis();
  ca = new X509Certificate(jlis.authCaCertificateDer);
});

describe('simulated J-LIS authentication CA certificate', () => {
  it('is a self-signed TEST ONLY root with the JPKI subject shape', () => {
    expect(ca.subject).toBe(CA_SUBJECT_LINES);
    expect(ca.issuer).toBe(CA_SUBJECT_LINES);
    expect(ca.ca).toBe(true);
    expect(ca.serialNumber).toBe('01');
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.checkIssued(ca)).toBe(true);
  });

  it('is valid 2015-01-01 00:00:00 JST to 2040-12-31 23:59:59 JST', () => {
    expect(ca.validFrom).toBe('Dec 31 15:00:00 2014 GMT');
    expect(ca.validTo).toBe('Dec 31 14:59:59 2040 GMT');
  });

  it('has an RSA-2048 key, sha256WithRSA, critical keyUsage and basicConstraints, and an SKI', () => {
    expect(ca.publicKey.asymmetricKeyType).toBe('rsa');
    expect(ca.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const der = jlis.authCaCertificateDer;
    expect(contains(der, SHA256_WITH_RSA)).toBe(true);
    expect(contains(der, KEY_USAGE_CRITICAL_CERT_SIGN_CRL_SIGN)).toBe(true);
    expect(contains(der, BASIC_CONSTRAINTS_CRITICAL_CA)).toBe(true);
    const parsed = new x509.X509Certificate(der);
    expect(parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(parsed.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'dn', value: 'C=JP, O=公的個人認証サービス' },
    ]);
  });

  it('is byte-for-byte the same on every creation (stable across runs for a cached key)', async () => {
    const again = await createSimulatedJlis();
    expect(Buffer.from(again.authCaCertificateDer).equals(Buffer.from(jlis.authCaCertificateDer))).toBe(true);
  });

  it('uses the key cached under its label', async () => {
    const keys = await getRsaKeyPair('jlis-auth-ca');
    expect(ca.publicKey.export({ type: 'spki', format: 'pem' })).toBe(keys.publicKeyPem);
    expect(jlis.authCaPublicKey.export({ type: 'spki', format: 'pem' })).toBe(keys.publicKeyPem);
  });
});

describe('issued user-authentication certificate', () => {
  let subjectKeys: Awaited<ReturnType<typeof getRsaKeyPair>>;
  let der: Uint8Array;
  let cert: X509Certificate;

  beforeAll(async () => {
    subjectKeys = await getRsaKeyPair('test-card');
    der = await jlis.issueAuthCertificate({
      publicKey: subjectKeys.publicKey,
      notBefore: '2025-04-01',
      notAfter: '2030-03-31',
      serialNumber: 'c0ffee01',
    });
    cert = new X509Certificate(der);
  });

  it('is issued by the CA and verifies with its key', () => {
    expect(cert.issuer).toBe(CA_SUBJECT_LINES);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
  });

  it('starts at 00:00:00 JST of notBefore and ends at 23:59:59 JST of notAfter', () => {
    expect(cert.validFrom).toBe('Mar 31 15:00:00 2025 GMT');
    expect(cert.validTo).toBe('Mar 31 14:59:59 2030 GMT');
  });

  it('carries the given serial and a subject without personal data', () => {
    expect(cert.serialNumber).toBe('C0FFEE01');
    expect(cert.subject).toBe('C=JP\nCN=C0FFEE01');
  });

  it('certifies the given public key', () => {
    expect(cert.publicKey.export({ type: 'spki', format: 'pem' })).toBe(subjectKeys.publicKeyPem);
  });

  it('has critical keyUsage digitalSignature, issuerAltName 公的個人認証サービス and the CA key id', () => {
    expect(contains(der, KEY_USAGE_CRITICAL_DIGITAL_SIGNATURE)).toBe(true);
    expect(contains(der, SHA256_WITH_RSA)).toBe(true);
    const parsed = new x509.X509Certificate(der);
    expect(parsed.getExtension(x509.IssuerAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: 'dn', value: 'C=JP, O=公的個人認証サービス' },
    ]);
    const caKeyId = new x509.X509Certificate(jlis.authCaCertificateDer).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    expect(parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caKeyId);
    expect(parsed.getExtension(x509.BasicConstraintsExtension)).toBeNull();
  });

  it('gets a random 16-byte positive serial when none is given', async () => {
    const opts = { publicKey: subjectKeys.publicKey, notBefore: '2025-04-01', notAfter: '2030-03-31' };
    const a = new X509Certificate(await jlis.issueAuthCertificate(opts));
    const b = new X509Certificate(await jlis.issueAuthCertificate(opts));
    expect(a.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(b.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
    expect(a.serialNumber).not.toBe(b.serialNumber);
  });

  it('accepts a one-day certificate (notBefore = notAfter)', async () => {
    const one = new X509Certificate(
      await jlis.issueAuthCertificate({ publicKey: subjectKeys.publicKey, notBefore: '2026-02-28', notAfter: '2026-02-28', serialNumber: '05' }),
    );
    expect(one.validFrom).toBe('Feb 27 15:00:00 2026 GMT');
    expect(one.validTo).toBe('Feb 28 14:59:59 2026 GMT');
  });

  it('refuses impossible dates, reversed validity and bad serials with a message naming the field', async () => {
    const base = { publicKey: subjectKeys.publicKey, notBefore: '2025-04-01', notAfter: '2030-03-31' };
    await expect(jlis.issueAuthCertificate({ ...base, notBefore: '2025-02-30' })).rejects.toThrow(/notBefore: not a calendar date: "2025-02-30"/);
    await expect(jlis.issueAuthCertificate({ ...base, notAfter: '31/03/2030' })).rejects.toThrow(/notAfter: not a calendar date/);
    await expect(jlis.issueAuthCertificate({ ...base, notAfter: '2025-03-31' })).rejects.toThrow(/notAfter 2025-03-31 is before notBefore 2025-04-01/);
    await expect(jlis.issueAuthCertificate({ ...base, serialNumber: 'xyz' })).rejects.toThrow(/serialNumber must be 1–40 hex digits/);
    await expect(jlis.issueAuthCertificate({ ...base, serialNumber: '00' })).rejects.toThrow(/serialNumber must be/);
  });
});

describe('CRL entry without a reason (RFC 5280 §5.1: crlEntryExtensions is SIZE (1..MAX))', () => {
  // 2025-06-01T00:00:00Z; the entry is dated a day earlier.
  const JUNE_1 = 1748736000000;
  const MAY_31 = 1748649600000;

  it('carries no crlEntryExtensions at all, and pkijs parses and verifies it', async () => {
    const j = await createSimulatedJlis();
    j.revoke('7e57', 'revoked', { at: MAY_31 });
    const der = await j.crlDer(JUNE_1);
    // The whole entry, from RFC 5280: SEQUENCE { INTEGER 0x7E57, UTCTime "250531000000Z" } — nothing after.
    const entry = fromHex('30 13 02 02 7E 57 17 0D 32 35 30 35 33 31 30 30 30 30 30 30 5A');
    expect(contains(der, entry)).toBe(true);
    // An empty SEQUENCE right after that entry's time would be the forbidden empty crlEntryExtensions.
    expect(contains(der, fromHex('17 0D 32 35 30 35 33 31 30 30 30 30 30 30 5A 30 00'))).toBe(false);

    const asn = asn1js.fromBER(der);
    expect(asn.offset).not.toBe(-1);
    const crl = new pkijs.CertificateRevocationList({ schema: asn.result });
    expect(crl.revokedCertificates).toHaveLength(1);
    expect(crl.revokedCertificates?.[0]?.crlEntryExtensions).toBeUndefined();
    expect(Buffer.from(crl.revokedCertificates![0]!.userCertificate.valueBlock.valueHexView).toString('hex')).toBe('7e57');
    const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'] });
    const issuer = pkijs.Certificate.fromBER(j.authCaCertificateDer);
    expect(await crl.verify({ issuerCertificate: issuer }, engine)).toBe(true);
    // and @peculiar/x509 still reads it, signature included
    const peculiar = new x509.X509Crl(der);
    expect(await peculiar.verify({ publicKey: new x509.X509Certificate(j.authCaCertificateDer) })).toBe(true);
    expect(peculiar.entries.map((e) => [e.serialNumber.toUpperCase(), e.reason])).toEqual([['7E57', undefined]]);
  });

  it('openssl crl -verify accepts it beside an entry with a reason', async () => {
    const j = await createSimulatedJlis();
    j.revoke('7e57', 'revoked', { at: MAY_31 });
    j.revoke('0a0b0c', 'suspended', { at: MAY_31 });
    const der = await j.crlDer(JUNE_1);
    const dir = mkdtempSync(join(tmpdir(), 'myna-jlis-crl-'));
    try {
      writeFileSync(join(dir, 'auth.crl'), der);
      writeFileSync(join(dir, 'ca.der'), j.authCaCertificateDer);
      const caPem = execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'ca.der')], { encoding: 'utf8' });
      writeFileSync(join(dir, 'ca.pem'), caPem);
      const out = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'auth.crl'), '-noout', '-verify', '-CAfile', join(dir, 'ca.pem')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toBe('');
      const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'auth.crl'), '-noout', '-text'], { encoding: 'utf8' });
      expect(text).toMatch(/Serial Number: 7E57\s+Revocation Date: May 31 00:00:00 2025 GMT\s+Serial Number: 0A0B0C/);
      expect(text).toMatch(/Serial Number: 0A0B0C\s+Revocation Date: May 31 00:00:00 2025 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Certificate Hold/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

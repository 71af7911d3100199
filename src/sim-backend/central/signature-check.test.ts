import { constants, createHash, generateKeyPairSync, privateEncrypt, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestationPayload } from '../../protocol/reader-link.js';
import { verifyCardSignature, verifyCardSignatureOn, verifyReaderAttestation } from './signature-check.js';
import { SignatureWorker } from './signature-worker.js';
import { createTestPki, type TestPki } from './test-pki.js';

let pki: TestPki;
let cert: Uint8Array;
let readerPrivate: KeyObject;
let readerSpki: Uint8Array;
let otherReaderSpki: Uint8Array;

const nonce = new Uint8Array(32).fill(0x5a);
const otherNonce = new Uint8Array(32).fill(0xa5);

beforeAll(async () => {
  pki = await createTestPki();
  cert = await pki.issueCardCertificate({
    notBefore: '2020-05-11T00:00:00+09:00',
    notAfter: '2025-05-10T23:59:59+09:00',
    serialNumber: '0b01',
  });
  const reader = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readerPrivate = reader.privateKey;
  readerSpki = new Uint8Array(reader.publicKey.export({ type: 'spki', format: 'der' }));
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  otherReaderSpki = new Uint8Array(other.publicKey.export({ type: 'spki', format: 'der' }));
});

// The same contract on the event loop and on the batching worker thread (what central's hot path uses).
const signatureWorker = new SignatureWorker();
afterAll(() => signatureWorker.close());
const cardSignatureCheckers: Array<[string, (certificate: Uint8Array, n: Uint8Array, signature: Uint8Array) => Promise<boolean>]> = [
  ['verifyCardSignature', async (c, n, s) => verifyCardSignature(c, n, s)],
  ['verifyCardSignatureOn(SignatureWorker)', (c, n, s) => verifyCardSignatureOn(signatureWorker, c, n, s)],
];

describe.each(cardSignatureCheckers)('%s (RSASSA-PKCS1-v1_5 SHA-256 over the nonce)', (_name, check) => {
  it('accepts the card key signature over the nonce', async () => {
    expect(await check(cert, nonce, await pki.signWithCard(nonce))).toBe(true);
  });

  it('accepts what the card computes: raw RSA over DigestInfo(SHA-256(nonce)) with PKCS#1 type-1 padding', async () => {
    // The card's COMPUTE DIGITAL SIGNATURE gets the DER DigestInfo and pads it itself.
    const digestInfoPrefix = Buffer.from('3031300d060960864801650304020105000420', 'hex');
    const digestInfo = Buffer.concat([digestInfoPrefix, createHash('sha256').update(nonce).digest()]);
    const { webcrypto, createPrivateKey } = await import('node:crypto');
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pki.cardKeys.privateKey));
    const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const raw = privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo);
    expect(await check(cert, nonce, new Uint8Array(raw))).toBe(true);
  });

  it('refuses a signature over another nonce', async () => {
    expect(await check(cert, nonce, await pki.signWithCard(otherNonce))).toBe(false);
  });

  it('refuses a signature with one bit flipped', async () => {
    const sig = await pki.signWithCard(nonce);
    sig[10] = sig[10]! ^ 0x01;
    expect(await check(cert, nonce, sig)).toBe(false);
  });

  it('refuses a signature by a key other than the certificate key', async () => {
    const otherKeys = await pki.generateRsaKeys();
    const otherCert = await pki.issueCardCertificate({
      notBefore: '2020-05-11T00:00:00+09:00',
      notAfter: '2025-05-10T23:59:59+09:00',
      serialNumber: '0b02',
      keys: otherKeys,
    });
    expect(await check(otherCert, nonce, await pki.signWithCard(nonce))).toBe(false);
  });

  it('answers false (does not throw) for garbage certificate or empty signature', async () => {
    expect(await check(new Uint8Array([1, 2, 3]), nonce, await pki.signWithCard(nonce))).toBe(false);
    expect(await check(cert, nonce, new Uint8Array())).toBe(false);
  });
});

describe('verifyReaderAttestation (ECDSA P-256 SHA-256, DER signature)', () => {
  const attest = (n: Uint8Array, certificate: Uint8Array, method: 'face' | 'visual'): Uint8Array => {
    const payload = attestationPayload(n, createHash('sha256').update(certificate).digest(), method);
    return new Uint8Array(sign('sha256', payload, { key: readerPrivate, dsaEncoding: 'der' }));
  };

  it('accepts the registered reader key over nonce ‖ SHA-256(cert) ‖ method', () => {
    expect(verifyReaderAttestation(readerSpki, nonce, cert, 'face', attest(nonce, cert, 'face'))).toBe(true);
  });

  it('checks the exact payload layout: 32 + 32 + len("face") bytes', () => {
    const payload = attestationPayload(nonce, createHash('sha256').update(cert).digest(), 'face');
    expect(payload.length).toBe(68);
    expect(Buffer.from(payload.subarray(64)).toString('ascii')).toBe('face');
  });

  it('refuses an attestation made for another method', () => {
    expect(verifyReaderAttestation(readerSpki, nonce, cert, 'face', attest(nonce, cert, 'visual'))).toBe(false);
  });

  it('refuses an attestation made for another nonce', () => {
    expect(verifyReaderAttestation(readerSpki, nonce, cert, 'face', attest(otherNonce, cert, 'face'))).toBe(false);
  });

  it('refuses an attestation made for another certificate', () => {
    expect(verifyReaderAttestation(readerSpki, nonce, cert, 'face', attest(nonce, new Uint8Array([1, 2, 3]), 'face'))).toBe(false);
  });

  it('refuses when checked against another reader key', () => {
    expect(verifyReaderAttestation(otherReaderSpki, nonce, cert, 'face', attest(nonce, cert, 'face'))).toBe(false);
  });

  it('refuses a raw r‖s (P1363) signature: the contract is DER', () => {
    const payload = attestationPayload(nonce, createHash('sha256').update(cert).digest(), 'face');
    const p1363 = new Uint8Array(sign('sha256', payload, { key: readerPrivate, dsaEncoding: 'ieee-p1363' }));
    expect(p1363.length).toBe(64);
    expect(verifyReaderAttestation(readerSpki, nonce, cert, 'face', p1363)).toBe(false);
  });

  it('refuses a key that is not SPKI DER', () => {
    expect(verifyReaderAttestation(new Uint8Array([0x30, 0x00]), nonce, cert, 'face', attest(nonce, cert, 'face'))).toBe(false);
  });
});

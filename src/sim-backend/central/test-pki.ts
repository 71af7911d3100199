/**
 * TEST SUPPORT ONLY (used by this folder's *.test.ts): a throw-away CA, a second unrelated CA and
 * one card key pair, made with @peculiar/x509 on node's webcrypto. Keys are fresh per test file;
 * nothing here is a J-LIS key or looks like one.
 */
// tsyringe (inside @peculiar/x509) refuses to load without the Reflect metadata polyfill.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

const RSA: RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };

type RsaHashedKeyGenParams = { name: string; modulusLength: number; publicExponent: Uint8Array; hash: string };
type KeyPair = webcrypto.CryptoKeyPair;

export interface TestCa {
  name: string;
  keys: KeyPair;
  der: Uint8Array;
}

export interface LeafOptions {
  /** ISO instants, e.g. "2020-05-11T00:00:00+09:00". */
  notBefore: string;
  notAfter: string;
  /** hex */
  serialNumber: string;
  issuer?: TestCa;
  /** Another key pair than the card's (to make a certificate whose key did not sign). */
  keys?: KeyPair;
}

export interface TestPki {
  ca: TestCa;
  otherCa: TestCa;
  cardKeys: KeyPair;
  issueCardCertificate(opts: LeafOptions): Promise<Uint8Array>;
  /** RSASSA-PKCS1-v1_5 SHA-256 over `data` with the card's key, as the card does over a nonce. */
  signWithCard(data: Uint8Array): Promise<Uint8Array>;
  generateRsaKeys(): Promise<KeyPair>;
}

const subtle = webcrypto.subtle;

async function generateRsaKeys(): Promise<KeyPair> {
  return (await subtle.generateKey(RSA as never, true, ['sign', 'verify'])) as KeyPair;
}

async function makeCa(name: string): Promise<TestCa> {
  const keys = await generateRsaKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name,
    notBefore: new Date('2014-01-01T00:00:00Z'),
    notAfter: new Date('2044-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as never,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { name, keys, der: new Uint8Array(cert.rawData) };
}

export async function createTestPki(): Promise<TestPki> {
  const [ca, otherCa, cardKeys] = await Promise.all([
    makeCa('CN=TEST-ONLY Simulated JPKI User Authentication CA, O=myna-rig, C=JP'),
    makeCa('CN=TEST-ONLY Some Other CA, O=elsewhere, C=JP'),
    generateRsaKeys(),
  ]);
  return {
    ca,
    otherCa,
    cardKeys,
    generateRsaKeys,
    async issueCardCertificate(opts) {
      const issuer = opts.issuer ?? ca;
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: opts.serialNumber,
        subject: 'CN=TEST-ONLY card holder',
        issuer: issuer.name,
        notBefore: new Date(opts.notBefore),
        notAfter: new Date(opts.notAfter),
        publicKey: (opts.keys ?? cardKeys).publicKey,
        signingKey: issuer.keys.privateKey,
        signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as never,
        extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
      });
      return new Uint8Array(cert.rawData);
    },
    async signWithCard(data) {
      return new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5' as never, cardKeys.privateKey, data));
    },
  };
}

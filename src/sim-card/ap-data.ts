/**
 * The signed-data files the 券面事項入力補助AP and the 券面AP share (jpki-apdu.md §A.4/§A.5 of
 * the project's research lists them; their inner layout is public only as tags and sizes):
 * - AP basic info `FF 40 { DF 41 <4-byte AP info>, DF 42 <16-byte key id> }` (text AP EF 0005),
 * - the AP's certificate `7F 21 { 5F 4E <body>, 5F 37 <signature> }` (text AP EF 0004),
 * - the digests file `FF 30 { DF 31 <digest of My Number>, DF 32 <digest of basic four>,
 *   DF 33 <signature> }` (text AP EF 0003).
 *
 * Our choices (UNCONFIRMED; the real values are J-LIS's): one TEST-ONLY RSA-2048 "J-LIS AP data"
 * key signs everything (PKCS#1 v1.5 with SHA-256); the key id is the first 16 bytes of SHA-256
 * over its SubjectPublicKeyInfo; AP info is `00 00 00 01`; the certificate body is
 * `42 <CAR = key id> 7F 49 { 81 <modulus>, 82 <exponent> } 5F 20 <CHR = key id>`, self-signed;
 * digests are SHA-256 over the whole EF 0001 / EF 0002 contents (EF 0003 then has the real
 * card's 336 bytes); the certificate has 578 bytes against a real card's 568, which no
 * client we know relies on.
 */
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { concatBytes, tlv } from './card-tlv.js';

export const AP_INFO = Uint8Array.from([0x00, 0x00, 0x00, 0x01]);

/** First 16 bytes of SHA-256 over the key's SubjectPublicKeyInfo DER. */
export function apKeyId(key: KeyObject): Uint8Array {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return new Uint8Array(createHash('sha256').update(spki).digest().subarray(0, 16));
}

/** SubjectPublicKeyInfo DER of the key (the 券面AP's DF 24). */
export function apPublicKeyDer(key: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
}

/** RSA PKCS#1 v1.5 / SHA-256 signature by the AP data key. */
export function apSignature(key: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, key));
}

/** `FF 40 { DF 41 <AP info>, DF 42 <key id> }`. */
export function apBasicInfoEf(key: KeyObject): Uint8Array {
  return tlv(0xff40, concatBytes([tlv(0xdf41, AP_INFO), tlv(0xdf42, apKeyId(key))]));
}

/** `7F 21 { 5F 4E <body>, 5F 37 <signature over the 5F 4E TLV> }`, self-signed by the AP key. */
export function apCertificateEf(key: KeyObject): Uint8Array {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  const modulus = Buffer.from(String(jwk.n), 'base64url');
  const exponent = Buffer.from(String(jwk.e), 'base64url');
  const id = apKeyId(key);
  const body = tlv(0x5f4e, concatBytes([tlv(0x42, id), tlv(0x7f49, concatBytes([tlv(0x81, modulus), tlv(0x82, exponent)])), tlv(0x5f20, id)]));
  return tlv(0x7f21, concatBytes([body, tlv(0x5f37, apSignature(key, body))]));
}

/** `FF 30 { DF 31 SHA-256(EF 0001), DF 32 SHA-256(EF 0002), DF 33 <signature over DF 31‖DF 32> }`. */
export function textDigestsEf(myNumberFile: Uint8Array, basicFourFile: Uint8Array, key: KeyObject): Uint8Array {
  const digests = concatBytes([tlv(0xdf31, sha256(myNumberFile)), tlv(0xdf32, sha256(basicFourFile))]);
  return tlv(0xff30, concatBytes([digests, tlv(0xdf33, apSignature(key, digests))]));
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { attestationPayload, type AuthMethod } from '../../protocol/reader-link.js';
import { parsedCertificate } from './certificate-cache.js';
import type { SignatureWorker } from './signature-worker.js';

/**
 * Checks that the card's private key signed the nonce: RSASSA-PKCS1-v1_5 with SHA-256 over the
 * nonce bytes (the card itself signs DigestInfo(SHA-256(nonce)), which is exactly that).
 * False for any signature, key or certificate that does not verify; never throws.
 */
export function verifyCardSignature(certificateDer: Uint8Array, nonce: Uint8Array, signature: Uint8Array): boolean {
  const key = publicKeyOfCertificate(certificateDer);
  if (!key || key.asymmetricKeyType !== 'rsa') return false;
  try {
    return verify('sha256', nonce, key, signature);
  } catch {
    return false;
  }
}

/**
 * Checks a reader's attestation for face or 目視 authentication: ECDSA P-256 / SHA-256, DER
 * signature, over attestationPayload(nonce, SHA-256(certificate DER), method), by the reader's
 * registered public key (SPKI DER). Binding the certificate and the method stops an attestation
 * for one card or one method being replayed for another. Never throws.
 */
export function verifyReaderAttestation(
  readerPublicKeySpki: Uint8Array,
  nonce: Uint8Array,
  certificateDer: Uint8Array,
  method: AuthMethod,
  signature: Uint8Array,
): boolean {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(readerPublicKeySpki), format: 'der', type: 'spki' });
  } catch {
    return false;
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return false;
  const certificateSha256 = createHash('sha256').update(certificateDer).digest();
  const payload = attestationPayload(nonce, certificateSha256, method);
  try {
    return verify('sha256', payload, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** verifyCardSignature through a SignatureWorker (batched on its worker thread). Never rejects. */
export function verifyCardSignatureOn(worker: SignatureWorker, certificateDer: Uint8Array, nonce: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = publicKeyOfCertificate(certificateDer);
  if (!key || key.asymmetricKeyType !== 'rsa') return Promise.resolve(false);
  return worker.verify(key, nonce, signature);
}

function publicKeyOfCertificate(der: Uint8Array): KeyObject | undefined {
  try {
    return parsedCertificate(der, 'verifyCardSignature').publicKey;
  } catch {
    return undefined;
  }
}

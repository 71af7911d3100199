import * as pkijs from 'pkijs';

/** Parses DER X.509 with pkijs; throws an Error saying so when the bytes are not a certificate. */
export function parseCertificate(der: Uint8Array, where: string): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(der);
  } catch (e) {
    throw new Error(`${where}: the bytes are not a DER X.509 certificate (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Issuer name + serial number, the pair that identifies a certificate (RFC 5280 §4.1.2.2), as
 * hex of their DER encodings: exact, with no DN string formatting to disagree about.
 */
export function issuerAndSerialKey(cert: pkijs.Certificate): string {
  const issuer = Buffer.from(cert.issuer.toSchema().toBER(false)).toString('hex');
  const serial = Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex');
  return `${issuer}#${serial}`;
}

/** The certificate's SubjectPublicKeyInfo as DER. */
export function subjectPublicKeyInfoDer(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
}

/** A serial number as hex, the way CRLs, OCSP and the store compare them: upper case, no leading zero bytes (sign padding). */
export function normalizeSerialHex(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

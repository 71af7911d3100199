/**
 * A simulated J-LIS: two certification authorities, one for user-authentication certificates
 * (利用者証明用) and one for signature certificates (署名用), each a self-signed root as in JPKI.
 *
 * Profile, after the public facts in the project's JPKI research (real CA dumps and openssl
 * output of real end-entity certificates):
 * - the CA is a self-signed RSA-2048 root signed with sha256WithRSAEncryption, keyUsage critical
 *   keyCertSign + cRLSign, basicConstraints critical CA:TRUE, a subjectKeyIdentifier and a
 *   subjectAltName DirName `C=JP, O=公的個人認証サービス`. Its subject copies the real one's shape
 *   but its last OU says TEST ONLY, so that no one can take it for the real CA.
 * - the end-entity certificate has keyUsage critical digitalSignature, issuerAltName DirName
 *   `C=JP, O=公的個人認証サービス` and an authorityKeyIdentifier, and carries no personal data
 *   (the real auth certificate carries none either). The real subject DN is not public; ours,
 *   `C=JP, CN=<serial hex>`, is our own choice.
 *
 * - the signature certificate (署名用) has keyUsage critical digitalSignature + nonRepudiation, the
 *   same issuerAltName, and the holder's basic four information as subjectAltName otherNames
 *   (jpki-holder.ts).
 *
 * Certificate status (失効 / 一時停止 / 返納): `revoke(serial, reason)` records it, `status(der, at)`
 * answers it the way an OCSP responder would, and `crlDer(at)` publishes it as a real X.509 v2 CRL
 * signed by the CA (see certificate-status.ts for the reason codes). The status lives in this
 * object: a J-LIS shared across scenarios shares its revocations too.
 *
 * The CA certificate is deterministic for a given key (fixed serial, fixed dates, deterministic
 * PKCS#1 v1.5 signature), and the key comes from the key cache, so it is the same on every run.
 */
import * as asn1js from 'asn1js';
import { createPublicKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import {
  CertificateStatusRegistry,
  CRL_REASON,
  CRL_VALIDITY_MS,
  normalizeSerial,
  type JlisCa,
  type JlisCertificateStatus,
  type RevocationReason,
} from './certificate-status.js';
import { isoDate, jstStartOfDay } from '../domain/index.js';
import { holderSubjectAltNameDer, type CardHolder } from './jpki-holder.js';
import { getRsaKeyPair } from './key-cache.js';
import { RSA_SHA256, webcrypto, x509, type CryptoKey, type CryptoKeyPair } from './x509.js';

export const JLIS_AUTH_CA_SUBJECT =
  'C=JP, O=JPKI, OU=JPKI for user authentication, OU=TEST ONLY - myna-rig simulated J-LIS (not a real CA)';

export const JLIS_SIGN_CA_SUBJECT =
  'C=JP, O=JPKI, OU=JPKI for digital signature, OU=TEST ONLY - myna-rig simulated J-LIS (not a real CA)';

/** The GeneralName real JPKI certificates carry in subjectAltName (CA) / issuerAltName (end entity). */
export const JPKI_SERVICE_DIRNAME = 'C=JP, O=公的個人認証サービス';

/** Validity of the simulated CA, in JST like every date of the rig. */
const CA_NOT_BEFORE = '2015-01-01T00:00:00+09:00';
const CA_NOT_AFTER = '2040-12-31T23:59:59+09:00';
const CA_SERIAL = '01';

const DAY_MS = 86_400_000;
const HEX = /^[0-9a-fA-F]+$/;

export interface IssueAuthCertificateOptions {
  publicKey: KeyObject;
  /** First valid day (JST); the certificate starts at 00:00:00 JST of it. */
  notBefore: string;
  /** Last valid day (JST); the certificate ends at 23:59:59 JST of it. */
  notAfter: string;
  /** Serial number in hex; default 16 random bytes from node:crypto (see randomSerial). */
  serialNumber?: string;
}

export interface IssueSignCertificateOptions extends IssueAuthCertificateOptions {
  /** Basic four information written into subjectAltName. */
  holder: CardHolder;
}

export interface SimulatedJlis {
  /** DER of the self-signed authentication CA certificate (what the card keeps in EF 000B). */
  readonly authCaCertificateDer: Uint8Array;
  /** Public key of the authentication CA, for verifying issued certificates. */
  readonly authCaPublicKey: KeyObject;
  /** Issues a user-authentication certificate for `publicKey`; resolves with its DER. */
  issueAuthCertificate(opts: IssueAuthCertificateOptions): Promise<Uint8Array>;
  /** DER of the self-signed signature CA certificate (what the card keeps in EF 0002). */
  readonly signCaCertificateDer: Uint8Array;
  readonly signCaPublicKey: KeyObject;
  /** Issues a signature certificate (署名用) carrying the holder's basic four information. */
  issueSignCertificate(opts: IssueSignCertificateOptions): Promise<Uint8Array>;
  /**
   * Records a certificate as revoked (失効), suspended (一時利用停止) or returned (返納) by its
   * serial (hex, any case, leading zeros ignored), effective from `opts.at` (epoch ms; default:
   * from before any check). `ca` picks the CA whose serial it is; default `auth`.
   * Revoking again replaces the earlier reason.
   */
  revoke(serialHex: string, reason: RevocationReason, opts?: { at?: number; ca?: JlisCa }): void;
  /** Lifts a suspension (or any revocation) — 一時利用停止の解除. */
  reinstate(serialHex: string, opts?: { ca?: JlisCa }): void;
  /**
   * Status of a certificate at instant `at` (epoch ms, from the caller's Clock), OCSP-style:
   * `unknown` when neither CA issued it, `good` when not revoked (or revoked only after `at`).
   * Validity dates are NOT judged here (that is the certificate check's job).
   */
  status(certificateDer: Uint8Array, at: number): JlisCertificateStatus;
  /**
   * DER of an X.509 v2 CRL signed by the CA (`ca`, default `auth`): thisUpdate = `at`, nextUpdate
   * = `at` + 24 h, every certificate revoked at or before `at`, with its reason code.
   */
  crlDer(at: number, opts?: { ca?: JlisCa }): Promise<Uint8Array>;
  /**
   * TEST ONLY: a delegated OCSP signer (RFC 6960 §4.2.2.2) issued by the CA (`ca`, default `auth`):
   * extendedKeyUsage id-kp-OCSPSigning, id-pkix-ocsp-nocheck, keyUsage digitalSignature, valid
   * 2015-01-01..2040-12-31 JST like the CA. The key pair comes from the key cache (label
   * `jlis-<ca>-ocsp-signer`); the private key is handed out as PKCS#8 DER so a responder can sign.
   */
  issueOcspSigner(opts?: { ca?: JlisCa }): Promise<OcspSigner>;
}

export interface OcspSigner {
  /** DER of the signer certificate. */
  certificateDer: Uint8Array;
  /** PKCS#8 DER of its RSA private key (test-only key material). */
  privateKeyPkcs8Der: Uint8Array;
}

/** Subject of the simulated OCSP signer of a CA; TEST ONLY like the CA itself. */
export const JLIS_OCSP_SIGNER_SUBJECT: Readonly<Record<JlisCa, string>> = {
  auth: 'C=JP, O=JPKI, OU=JPKI OCSP responder for user authentication, OU=TEST ONLY - myna-rig simulated J-LIS (not a real CA)',
  sign: 'C=JP, O=JPKI, OU=JPKI OCSP responder for digital signature, OU=TEST ONLY - myna-rig simulated J-LIS (not a real CA)',
};

export interface CreateSimulatedJlisOptions {
  /** Key-cache label of the auth CA key; default `jlis-auth-ca`. */
  cacheLabel?: string;
  /** Key-cache label of the sign CA key; default `jlis-sign-ca`. */
  signCacheLabel?: string;
}

export async function createSimulatedJlis(opts: CreateSimulatedJlisOptions = {}): Promise<SimulatedJlis> {
  const auth = await createRootCa(opts.cacheLabel ?? 'jlis-auth-ca', JLIS_AUTH_CA_SUBJECT);
  const sign = await createRootCa(opts.signCacheLabel ?? 'jlis-sign-ca', JLIS_SIGN_CA_SUBJECT);
  const registry = new CertificateStatusRegistry();
  const cas: Record<JlisCa, RootCa> = { auth, sign };
  const caX509: Record<JlisCa, X509Certificate> = { auth: new X509Certificate(auth.der), sign: new X509Certificate(sign.der) };
  return {
    revoke: (serialHex, reason, revokeOpts = {}) => registry.revoke(revokeOpts.ca ?? 'auth', serialHex, reason, revokeOpts.at),
    reinstate: (serialHex, reinstateOpts = {}) => registry.reinstate(reinstateOpts.ca ?? 'auth', serialHex),
    status(certificateDer, at) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(certificateDer);
      } catch {
        return 'unknown';
      }
      const ca = (['auth', 'sign'] as const).find((name) => cert.checkIssued(caX509[name]) && cert.verify(caX509[name].publicKey));
      if (ca === undefined) return 'unknown';
      return registry.statusAt(ca, normalizeSerial(cert.serialNumber), at);
    },
    async crlDer(at, crlOpts = {}) {
      const ca = crlOpts.ca ?? 'auth';
      return cas[ca].crl(registry.entriesAt(ca, at), at);
    },
    async issueOcspSigner(signerOpts = {}) {
      const ca = signerOpts.ca ?? 'auth';
      const keys = await getRsaKeyPair(`jlis-${ca}-ocsp-signer`);
      const certificateDer = await cas[ca].issueOcspSigner(keys.publicKey, JLIS_OCSP_SIGNER_SUBJECT[ca]);
      return { certificateDer, privateKeyPkcs8Der: new Uint8Array(keys.privateKey.export({ type: 'pkcs8', format: 'der' })) };
    },
    authCaCertificateDer: auth.der,
    authCaPublicKey: auth.publicKey,
    issueAuthCertificate: (issue) => auth.issue(issue, x509.KeyUsageFlags.digitalSignature, []),
    signCaCertificateDer: sign.der,
    signCaPublicKey: sign.publicKey,
    issueSignCertificate: (issue) =>
      sign.issue(issue, x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, [
        new x509.Extension('2.5.29.17', false, holderSubjectAltNameDer(issue.holder)),
      ]),
  };
}

interface RootCa {
  der: Uint8Array;
  publicKey: KeyObject;
  issue(issue: IssueAuthCertificateOptions, keyUsage: number, extra: x509.Extension[]): Promise<Uint8Array>;
  crl(entries: ReadonlyArray<{ serialHex: string; reason: RevocationReason; at: number | undefined }>, at: number): Promise<Uint8Array>;
  issueOcspSigner(publicKey: KeyObject, subject: string): Promise<Uint8Array>;
}

/** id-kp-OCSPSigning (RFC 6960 §4.2.2.2) and id-pkix-ocsp-nocheck (§4.2.2.2.1). */
const ID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const ID_PKIX_OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';
/** Fixed serial of a CA's OCSP signer (the CA issues cards random 16-byte serials, so no clash). */
const OCSP_SIGNER_SERIAL = '7f000001';

async function createRootCa(cacheLabel: string, subject: string): Promise<RootCa> {
  const keys = await getRsaKeyPair(cacheLabel);
  const caKeys: CryptoKeyPair = {
    privateKey: await importPrivateKey(keys.privateKey),
    publicKey: await importPublicKey(keys.publicKey),
  };
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: CA_SERIAL,
    name: subject,
    notBefore: new Date(CA_NOT_BEFORE),
    notAfter: new Date(CA_NOT_AFTER),
    keys: caKeys,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      new x509.SubjectAlternativeNameExtension([{ type: 'dn', value: JPKI_SERVICE_DIRNAME }]),
    ],
  });
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey);

  return {
    der: new Uint8Array(caCert.rawData),
    publicKey: keys.publicKey,
    async issue(issue, keyUsage, extra): Promise<Uint8Array> {
      const { notBefore, notAfter } = validityOf(issue.notBefore, issue.notAfter);
      const serial = serialOf(issue.serialNumber);
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial,
        // Issuer copied from the CA certificate itself so that its encoding matches byte for byte.
        issuer: caCert.subjectName,
        subject: `C=JP, CN=${serial.toUpperCase()}`,
        notBefore,
        notAfter,
        publicKey: await importPublicKey(issue.publicKey),
        signingKey: caKeys.privateKey,
        signingAlgorithm: RSA_SHA256,
        extensions: [
          new x509.KeyUsagesExtension(keyUsage, true),
          new x509.IssuerAlternativeNameExtension([{ type: 'dn', value: JPKI_SERVICE_DIRNAME }]),
          authorityKeyId,
          ...extra,
        ],
      });
      return new Uint8Array(cert.rawData);
    },
    async issueOcspSigner(publicKey, subject): Promise<Uint8Array> {
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: OCSP_SIGNER_SERIAL,
        issuer: caCert.subjectName,
        subject,
        notBefore: new Date(CA_NOT_BEFORE),
        notAfter: new Date(CA_NOT_AFTER),
        publicKey: await importPublicKey(publicKey),
        signingKey: caKeys.privateKey,
        signingAlgorithm: RSA_SHA256,
        extensions: [
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([ID_KP_OCSP_SIGNING], false),
          // extnValue NULL (05 00): clients need not check the signer's own status.
          new x509.Extension(ID_PKIX_OCSP_NOCHECK, false, new Uint8Array([0x05, 0x00])),
          authorityKeyId,
        ],
      });
      return new Uint8Array(cert.rawData);
    },
    async crl(entries, at): Promise<Uint8Array> {
      const thisUpdate = new Date(at);
      const crl = await x509.X509CrlGenerator.create({
        issuer: caCert.subjectName,
        thisUpdate,
        nextUpdate: new Date(at + CRL_VALIDITY_MS),
        signingKey: caKeys.privateKey,
        signingAlgorithm: RSA_SHA256,
        extensions: [authorityKeyId],
        entries: entries.map((e) => ({
          serialNumber: e.serialHex.length % 2 === 0 ? e.serialHex : `0${e.serialHex}`,
          // A revocation recorded without an instant is dated at the CRL's own thisUpdate.
          revocationDate: new Date(e.at ?? at),
          ...(CRL_REASON[e.reason] !== undefined ? { reason: CRL_REASON[e.reason] } : {}),
        })),
      });
      return withoutEmptyEntryExtensions(new Uint8Array(crl.rawData), caKeys.privateKey);
    },
  };
}

/**
 * @peculiar/x509 writes an empty crlEntryExtensions SEQUENCE for an entry without a reason (our
 * `revoked`, RFC 5280 reason unspecified). RFC 5280 §5.1 gives crlEntryExtensions SIZE (1..MAX),
 * so such a CRL is malformed and pkijs refuses it. Drop the empty sequences and sign the TBS again;
 * a CRL without such an entry is returned as it came (byte for byte).
 */
async function withoutEmptyEntryExtensions(der: Uint8Array, signingKey: CryptoKey): Promise<Uint8Array> {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new Error(`J-LIS: the generated CRL does not parse as BER (${parsed.result.error}); this is a bug in jlis-ca.ts`);
  const [tbs, signatureAlgorithm] = (parsed.result as asn1js.Sequence).valueBlock.value as [asn1js.Sequence, asn1js.Sequence];
  let dropped = false;
  // TBSCertList: version, signature, issuer, thisUpdate, nextUpdate, revokedCertificates, [0] crlExtensions.
  const revoked = tbs.valueBlock.value.find(
    (child): child is asn1js.Sequence => child instanceof asn1js.Sequence && child.valueBlock.value.length > 0 && child.valueBlock.value.every(isRevokedEntry),
  );
  for (const entry of (revoked?.valueBlock.value ?? []) as asn1js.Sequence[]) {
    const extensions = entry.valueBlock.value[2];
    if (extensions instanceof asn1js.Sequence && extensions.valueBlock.value.length === 0) {
      entry.valueBlock.value.splice(2, 1);
      dropped = true;
    }
  }
  if (!dropped) return der;
  const tbsDer = new Uint8Array(tbs.toBER());
  const signature = new Uint8Array(await webcrypto.subtle.sign(RSA_SHA256, signingKey, tbsDer));
  const list = new asn1js.Sequence({
    value: [asn1js.fromBER(tbsDer).result, signatureAlgorithm, new asn1js.BitString({ valueHex: signature })],
  });
  return new Uint8Array(list.toBER());
}

/** revokedCertificates entry: SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions? }. */
function isRevokedEntry(node: unknown): boolean {
  return node instanceof asn1js.Sequence && node.valueBlock.value[0] instanceof asn1js.Integer;
}

function validityOf(notBefore: string, notAfter: string): { notBefore: Date; notAfter: Date } {
  const from = parseDate(notBefore, 'notBefore');
  const to = parseDate(notAfter, 'notAfter');
  if (to < from) {
    throw new RangeError(
      `issueAuthCertificate: notAfter ${notAfter} is before notBefore ${notBefore}; give the last valid day on or after the first`,
    );
  }
  // The expiry date is itself a valid day: the certificate ends at 23:59:59 JST of it.
  return { notBefore: new Date(jstStartOfDay(from)), notAfter: new Date(jstStartOfDay(to) + DAY_MS - 1000) };
}

function parseDate(value: string, field: string): ReturnType<typeof isoDate> {
  try {
    return isoDate(value);
  } catch (error) {
    throw new RangeError(`issueAuthCertificate: ${field}: ${(error as Error).message}`, { cause: error });
  }
}

function serialOf(serialNumber: string | undefined): string {
  if (serialNumber === undefined) return randomSerial();
  if (!HEX.test(serialNumber) || serialNumber.length > 40 || /^0+$/.test(serialNumber)) {
    throw new RangeError(
      `issueAuthCertificate: serialNumber must be 1–40 hex digits and not zero (at most 20 bytes, RFC 5280 §4.1.2.2), received ${JSON.stringify(serialNumber)}`,
    );
  }
  return serialNumber.length % 2 === 0 ? serialNumber : `0${serialNumber}`;
}

/**
 * 16 bytes of real crypto randomness (not the seeded Rng: serials are key-like material and need
 * not be reproducible; pass `serialNumber` for a fixed one). The top byte is forced into 40–7F so
 * the DER integer is positive and always 16 bytes long.
 */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

function importPrivateKey(key: KeyObject): Promise<CryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, RSA_SHA256, false, ['sign']);
}

function importPublicKey(key: KeyObject): Promise<CryptoKey> {
  if (key.type === 'private') key = createPublicKey(key);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new TypeError(`issueAuthCertificate: publicKey must be an RSA key (JPKI keys are RSA-2048), received ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  const der = key.export({ type: 'spki', format: 'der' });
  return webcrypto.subtle.importKey('spki', der, RSA_SHA256, true, ['verify']);
}

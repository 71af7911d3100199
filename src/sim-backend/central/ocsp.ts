import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { normalizeSerialHex, type RevocationStatus } from './crl.js';

/**
 * An OCSP responder (RFC 6960) for the simulated J-LIS CA: reads an OCSPRequest (pkijs), answers
 * every CertID from the same J-LIS state the card check and the CRL use (crl.ts RevocationLists),
 * and signs a BasicOCSPResponse with a signer certificate — a TEST-ONLY delegated signer with
 * id-kp-OCSPSigning issued by the CA (sim-card issueOcspSigner), or the CA itself.
 *
 * - `good` when the issuer is one of the trust anchors and its CRL does not list the serial (or no
 *   CRL of it is loaded, as the card check assumes); `revoked` with the CRL entry's revocationDate
 *   and reasonCode (certificateHold for 一時利用停止, cessationOfOperation for 返納, none for 失効);
 *   a state set on central's store (lookup's `revokedAt`) is dated when it was set, or, when that
 *   is not known, by the CRL's thisUpdate or the answer time;
 *   `unknown` for an issuer that is no trust anchor or a CertID hash algorithm other than SHA-1 /
 *   SHA-256.
 * - A stale CRL under policy `refuse` (crl.ts) makes the whole answer `tryLater`: the responder
 *   cannot vouch for the status, and a client must not take an old `good` for a current one.
 * - The nonce extension (id-pkix-ocsp-nonce) of the request is echoed in responseExtensions.
 * - A request that does not decode, has no CertID or more than MAX_REQUESTS of them gets
 *   `malformedRequest`, with the reason in `problem` (the HTTP layer puts it in a header).
 */

const cryptoEngine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'] });

export const OCSP_RESPONSE_STATUS = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const;
export type OcspResponseStatus = keyof typeof OCSP_RESPONSE_STATUS;

const ID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const ID_PKIX_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const ID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const EXTENDED_KEY_USAGE = '2.5.29.37';
const HASH_OF_OID: Readonly<Record<string, 'sha1' | 'sha256'>> = { '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256' };
/** More CertIDs in one request is refused as malformed: a responder need not answer unbounded lists. */
export const MAX_REQUESTS = 16;

export interface OcspSigner {
  certificate: pkijs.Certificate;
  certificateDer: Uint8Array;
  privateKey: webcrypto.CryptoKey;
  /** Hex of the DER Name of the CA whose certificates it may answer for. */
  issuerKey: string;
  /** True when the signer is a delegated responder, false when it is the CA itself. */
  delegated: boolean;
}

/** One answered CertID, as the responder judged it (what tests and the traffic log look at). */
export interface OcspAnswer {
  serialHex: string;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reasonCode?: number;
}

export type OcspResult =
  | { status: 'successful'; der: Uint8Array; answers: OcspAnswer[]; nonce: boolean }
  | { status: Exclude<OcspResponseStatus, 'successful'>; der: Uint8Array; problem: string };

export interface OcspContext {
  /** DER of the CA certificates the responder answers for (central's trust anchors). */
  trustAnchors: readonly Uint8Array[];
  /** Signers by issuer key; the one for the first CertID's issuer signs. */
  signers: ReadonlyMap<string, OcspSigner>;
  /** epoch ms (virtual clock): producedAt, and freshness of the CRLs. */
  now: number;
  /** The J-LIS state by issuer Name DER (hex) + serial (hex). */
  lookup(issuerKey: string, serialHex: string, now: number): RevocationStatus;
}

const hexOf = (bytes: ArrayBuffer | Uint8Array): string => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');

/** An OCSPResponse without responseBytes: every status but successful (RFC 6960 §4.2.1). */
export function ocspStatusOnly(status: Exclude<OcspResponseStatus, 'successful'>): Uint8Array {
  const response = new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: OCSP_RESPONSE_STATUS[status] }) });
  return new Uint8Array(response.toSchema().toBER(false));
}

interface AnchorHashes {
  issuerKey: string;
  /** algorithm → [issuerNameHash hex, issuerKeyHash hex] */
  hashes: Record<'sha1' | 'sha256', [string, string]>;
}

function anchorHashes(anchorDer: Uint8Array): AnchorHashes {
  const asn1 = asn1js.fromBER(anchorDer);
  const cert = new pkijs.Certificate({ schema: asn1.result });
  const nameDer = new Uint8Array(cert.subject.toSchema().toBER(false));
  // issuerKeyHash is over the subjectPublicKey BIT STRING's value, without tag, length and unused-bits byte.
  const keyBits = cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
  const pair = (alg: 'sha1' | 'sha256'): [string, string] => [createHash(alg).update(nameDer).digest('hex'), createHash(alg).update(keyBits).digest('hex')];
  return { issuerKey: hexOf(nameDer), hashes: { sha1: pair('sha1'), sha256: pair('sha256') } };
}

const anchorCache = new WeakMap<Uint8Array, AnchorHashes>();
function hashesOf(anchorDer: Uint8Array): AnchorHashes {
  let cached = anchorCache.get(anchorDer);
  if (!cached) anchorCache.set(anchorDer, (cached = anchorHashes(anchorDer)));
  return cached;
}

/** Seconds only: RFC 5280 §4.1.2.5.2 GeneralizedTime carries no fractional seconds. */
const wholeSeconds = (d: Date | number): Date => new Date(Math.floor(new Date(d).getTime() / 1000) * 1000);

function certStatusNode(answer: OcspAnswer): asn1js.BaseBlock {
  if (answer.status === 'good') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
  if (answer.status === 'unknown') return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }, tagged [1] IMPLICIT.
  const value: asn1js.BaseBlock[] = [new asn1js.GeneralizedTime({ valueDate: wholeSeconds(answer.revokedAt!) })];
  if (answer.reasonCode !== undefined) value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: answer.reasonCode })] }));
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value });
}

function parseRequest(der: Uint8Array): { ok: true; request: pkijs.OCSPRequest } | { ok: false; problem: string } {
  if (der.length === 0) return { ok: false, problem: 'the body is empty; send a DER OCSPRequest (RFC 6960 §4.1), content-type application/ocsp-request' };
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) return { ok: false, problem: `the body is not BER (${asn1.result.error}); send a DER OCSPRequest` };
  if (asn1.offset !== der.length) return { ok: false, problem: `${der.length - asn1.offset} byte(s) after the OCSPRequest at byte offset ${asn1.offset}; send exactly one DER OCSPRequest` };
  try {
    return { ok: true, request: new pkijs.OCSPRequest({ schema: asn1.result }) };
  } catch (e) {
    return { ok: false, problem: `the body is not an OCSPRequest (${(e as Error).message}); see RFC 6960 §4.1.1` };
  }
}

/** Answers one DER OCSPRequest; never throws for bad input (malformedRequest instead). */
export async function answerOcspRequest(der: Uint8Array, ctx: OcspContext): Promise<OcspResult> {
  const fail = (status: Exclude<OcspResponseStatus, 'successful'>, problem: string): OcspResult => ({ status, der: ocspStatusOnly(status), problem });
  const parsed = parseRequest(der);
  if (!parsed.ok) return fail('malformedRequest', parsed.problem);
  const requests = parsed.request.tbsRequest.requestList;
  if (requests.length === 0) return fail('malformedRequest', 'the OCSPRequest names no certificate (requestList is empty)');
  if (requests.length > MAX_REQUESTS) return fail('malformedRequest', `the OCSPRequest names ${requests.length} certificates; at most ${MAX_REQUESTS} per request`);

  const anchors = ctx.trustAnchors.map(hashesOf);
  const judged: Array<{ certID: pkijs.CertID; answer: OcspAnswer; issuerKey?: string; thisUpdate: Date; nextUpdate?: Date }> = [];
  for (const [i, { reqCert }] of requests.entries()) {
    const serialHex = normalizeSerialHex(hexOf(reqCert.serialNumber.valueBlock.valueHexView));
    const alg = HASH_OF_OID[reqCert.hashAlgorithm.algorithmId];
    const nameHash = hexOf(reqCert.issuerNameHash.valueBlock.valueHexView);
    const keyHash = hexOf(reqCert.issuerKeyHash.valueBlock.valueHexView);
    const anchor = alg ? anchors.find((a) => a.hashes[alg][0] === nameHash && a.hashes[alg][1] === keyHash) : undefined;
    if (!anchor) {
      judged.push({ certID: reqCert, answer: { serialHex, status: 'unknown' }, thisUpdate: wholeSeconds(ctx.now) });
      continue;
    }
    const state = ctx.lookup(anchor.issuerKey, serialHex, ctx.now);
    if (state.state === 'unknown') return fail('tryLater', `request[${i}] (serial ${serialHex}): ${state.message}`);
    const answer: OcspAnswer =
      state.state === 'active'
        ? { serialHex, status: 'good' }
        : { serialHex, status: 'revoked', revokedAt: state.revokedAt ?? state.crl?.thisUpdate ?? new Date(ctx.now), ...(state.reasonCode !== undefined ? { reasonCode: state.reasonCode } : {}) };
    judged.push({
      certID: reqCert,
      answer,
      issuerKey: anchor.issuerKey,
      thisUpdate: wholeSeconds(state.crl?.thisUpdate ?? ctx.now),
      ...(state.crl?.nextUpdate ? { nextUpdate: wholeSeconds(state.crl.nextUpdate) } : {}),
    });
  }

  const issuerKey = judged.find((j) => j.issuerKey !== undefined)?.issuerKey;
  const signer = issuerKey !== undefined ? ctx.signers.get(issuerKey) : ctx.signers.values().next().value;
  if (!signer) {
    return fail(
      'unauthorized',
      issuerKey === undefined && ctx.signers.size === 0
        ? 'no OCSP signer is configured (PUT /admin/ocsp-signer)'
        : 'no OCSP signer is configured for the CA these certificates name; PUT /admin/ocsp-signer with a signer that CA issued',
    );
  }

  const basic = new pkijs.BasicOCSPResponse();
  basic.tbsResponseData.responderID = signer.certificate.subject;
  basic.tbsResponseData.producedAt = wholeSeconds(ctx.now);
  for (const j of judged) {
    basic.tbsResponseData.responses.push(
      new pkijs.SingleResponse({ certID: j.certID, certStatus: certStatusNode(j.answer), thisUpdate: j.thisUpdate, ...(j.nextUpdate ? { nextUpdate: j.nextUpdate } : {}) }),
    );
  }
  const nonce = parsed.request.tbsRequest.requestExtensions?.find((x) => x.extnID === ID_PKIX_OCSP_NONCE);
  if (nonce) basic.tbsResponseData.responseExtensions = [new pkijs.Extension({ extnID: ID_PKIX_OCSP_NONCE, critical: false, extnValue: nonce.extnValue.valueBlock.valueHexView.slice().buffer })];
  // The signer certificate travels with the answer so a client holding only the CA can check it.
  basic.certs = [signer.certificate];
  try {
    await basic.sign(signer.privateKey, 'SHA-256', cryptoEngine);
  } catch (e) {
    return fail('internalError', `signing the OCSP response failed (${(e as Error).message}); check the signer key`);
  }
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: OCSP_RESPONSE_STATUS.successful }),
    responseBytes: new pkijs.ResponseBytes({ responseType: ID_PKIX_OCSP_BASIC, response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }) }),
  });
  return { status: 'successful', der: new Uint8Array(response.toSchema().toBER(false)), answers: judged.map((j) => j.answer), nonce: nonce !== undefined };
}

/**
 * Checks and imports a signer: the certificate must be a trust anchor itself or be issued (and
 * signed) by one and carry id-kp-OCSPSigning; the PKCS#8 key must be RSA and match the certificate.
 */
export async function importOcspSigner(
  certificateDer: Uint8Array,
  privateKeyPkcs8Der: Uint8Array,
  trustAnchors: readonly Uint8Array[],
): Promise<{ ok: true; signer: OcspSigner } | { ok: false; field: 'certificate' | 'privateKey'; message: string }> {
  let certificate: pkijs.Certificate;
  try {
    const asn1 = asn1js.fromBER(certificateDer);
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    certificate = new pkijs.Certificate({ schema: asn1.result });
  } catch (e) {
    return { ok: false, field: 'certificate', message: `not a DER X.509 certificate (${(e as Error).message})` };
  }
  const issuerKey = hexOf(certificate.issuer.toSchema().toBER(false));
  const self = trustAnchors.some((a) => hexOf(a) === hexOf(certificateDer));
  if (!self) {
    const issuer = trustAnchors.map((a) => new pkijs.Certificate({ schema: asn1js.fromBER(a).result })).find((a) => hexOf(a.subject.toSchema().toBER(false)) === issuerKey);
    if (!issuer) return { ok: false, field: 'certificate', message: 'the signer is not issued by any trust anchor (J-LIS CA) of this central; issue it with the CA (sim-card issueOcspSigner)' };
    const verified = await certificate.verify(issuer, cryptoEngine).catch(() => false);
    if (!verified) return { ok: false, field: 'certificate', message: 'the signer certificate does not verify with its issuer CA key' };
    const eku = certificate.extensions?.find((x) => x.extnID === EXTENDED_KEY_USAGE)?.parsedValue as pkijs.ExtKeyUsage | undefined;
    if (!eku?.keyPurposes.includes(ID_KP_OCSP_SIGNING)) return { ok: false, field: 'certificate', message: 'a delegated signer needs extendedKeyUsage id-kp-OCSPSigning (RFC 6960 §4.2.2.2)' };
  }
  let privateKey: webcrypto.CryptoKey;
  try {
    privateKey = await webcrypto.subtle.importKey('pkcs8', privateKeyPkcs8Der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  } catch (e) {
    return { ok: false, field: 'privateKey', message: `not an RSA PKCS#8 private key (${(e as Error).message})` };
  }
  // The key must be the certificate's: sign a probe and verify with the certificate's public key.
  const probe = new TextEncoder().encode('myna-rig OCSP signer key check');
  const signature = await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, probe);
  const matches = await webcrypto.subtle
    .importKey('spki', certificate.subjectPublicKeyInfo.toSchema().toBER(false), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
    .then((publicKey) => webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature, probe))
    .catch(() => false);
  if (!matches) return { ok: false, field: 'privateKey', message: 'the private key does not belong to the signer certificate' };
  return { ok: true, signer: { certificate, certificateDer, privateKey, issuerKey: self ? hexOf(certificate.subject.toSchema().toBER(false)) : issuerKey, delegated: !self } };
}

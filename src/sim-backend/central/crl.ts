import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parsedCertificate } from './certificate-cache.js';
import type { CertificateRegistryState } from './store.js';

/**
 * J-LIS revocation as central learns it from a CRL (RFC 5280 §5): the CRL is parsed with pkijs,
 * its signature verified against the trust anchor whose subject is the CRL's issuer, and its
 * entries kept by issuer + serial. `certificateHold` (6) means 一時利用停止 (suspended); any other
 * entry (none, cessationOfOperation for a returned card, …) means revoked. A newer CRL of the same
 * issuer replaces the older; an older one is refused.
 */

const cryptoEngine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'] });
const REASON_CODE_OID = '2.5.29.21';
const CERTIFICATE_HOLD = 6;

export interface LoadedCrl {
  /** Hex of the issuer Name's DER. */
  issuerKey: string;
  /** The issuer as text (for messages), e.g. "CN=…, O=…". */
  issuer: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Normalised serial hex → state. */
  entries: ReadonlyMap<string, Exclude<CertificateRegistryState, 'active'>>;
}

export type CrlLoadResult = { ok: true; crl: LoadedCrl; replaced: boolean } | { ok: false; code: 'crl-malformed' | 'crl-untrusted' | 'crl-stale'; message: string };

/** Upper-case hex without leading zeros, so a DER INTEGER's sign byte never matters. */
export function normalizeSerialHex(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

const hexOf = (bytes: ArrayBuffer | Uint8Array): string => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');

function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues.map((tv) => `${tv.type}=${String(tv.value.valueBlock.value)}`).join(', ');
}

/**
 * pkijs refuses an entry whose crlEntryExtensions is an empty SEQUENCE (RFC 5280 wants SIZE 1..MAX,
 * but @peculiar/x509 writes one for an entry without a reason). Such empty sequences are dropped
 * from the parsed tree; the signature is still checked over the original TBS bytes, which pkijs
 * takes from the tree's `valueBeforeDecode`, so nothing unsigned gets in.
 */
function readCrl(der: Uint8Array): pkijs.CertificateRevocationList {
  const asn1 = asn1js.fromBER(der);
  if (asn1.offset === -1) throw new Error(asn1.result.error || 'not BER');
  const tbs = (asn1.result as asn1js.Sequence).valueBlock?.value?.[0];
  for (const child of (tbs as asn1js.Sequence | undefined)?.valueBlock?.value ?? []) {
    if (!(child instanceof asn1js.Sequence)) continue;
    const entries = child.valueBlock.value;
    if (entries.length === 0 || !entries.every((e) => e instanceof asn1js.Sequence && e.valueBlock.value[0] instanceof asn1js.Integer)) continue;
    for (const entry of entries as asn1js.Sequence[]) {
      const ext = entry.valueBlock.value[2];
      if (ext instanceof asn1js.Sequence && ext.valueBlock.value.length === 0) entry.valueBlock.value.splice(2, 1);
    }
  }
  return new pkijs.CertificateRevocationList({ schema: asn1.result });
}

/** Parses and verifies a CRL (DER) against the trust anchors (DER certificates). */
export async function parseCrl(der: Uint8Array, trustAnchors: readonly Uint8Array[]): Promise<{ ok: true; crl: LoadedCrl } | { ok: false; code: 'crl-malformed' | 'crl-untrusted'; message: string }> {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = readCrl(der);
  } catch (e) {
    return { ok: false, code: 'crl-malformed', message: `the bytes are not a DER X.509 CRL (${(e as Error).message}); send the CRL file as published` };
  }
  const issuerKey = hexOf(crl.issuer.toSchema().toBER(false));
  const issuer = nameText(crl.issuer);
  const anchors = trustAnchors.map((a) => parsedCertificate(a, 'CRL trust anchor').certificate).filter((c) => hexOf(c.subject.toSchema().toBER(false)) === issuerKey);
  if (anchors.length === 0) return { ok: false, code: 'crl-untrusted', message: `the CRL issuer (${issuer}) is none of the trust anchors; load the CRL of the J-LIS CA central trusts` };
  let verified = false;
  for (const anchor of anchors) {
    try {
      if (await crl.verify({ issuerCertificate: anchor }, cryptoEngine)) verified = true;
    } catch {
      /* a key the engine cannot use: not verified by this anchor */
    }
  }
  if (!verified) return { ok: false, code: 'crl-untrusted', message: `the CRL signature does not verify with the key of ${issuer}; the file is corrupt or not from that CA` };
  const entries = new Map<string, Exclude<CertificateRegistryState, 'active'>>();
  for (const entry of crl.revokedCertificates ?? []) {
    const serial = normalizeSerialHex(hexOf(entry.userCertificate.valueBlock.valueHexView));
    const reason = entry.crlEntryExtensions?.extensions.find((x) => x.extnID === REASON_CODE_OID)?.parsedValue as asn1js.Enumerated | undefined;
    entries.set(serial, reason?.valueBlock.valueDec === CERTIFICATE_HOLD ? 'suspended' : 'revoked');
  }
  return {
    ok: true,
    crl: { issuerKey, issuer, thisUpdate: crl.thisUpdate.value, ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.value } : {}), entries },
  };
}

/** The latest verified CRL per issuer; what the store asks for a certificate's J-LIS state. */
export class RevocationLists {
  readonly #byIssuer = new Map<string, LoadedCrl>();

  /** Verifies and keeps a CRL; an older (or equally old) CRL of an issuer already loaded is refused. */
  async load(der: Uint8Array, trustAnchors: readonly Uint8Array[]): Promise<CrlLoadResult> {
    const parsed = await parseCrl(der, trustAnchors);
    if (!parsed.ok) return parsed;
    const current = this.#byIssuer.get(parsed.crl.issuerKey);
    if (current && parsed.crl.thisUpdate.getTime() < current.thisUpdate.getTime()) {
      return {
        ok: false,
        code: 'crl-stale',
        message: `the CRL of ${parsed.crl.issuer} issued ${parsed.crl.thisUpdate.toISOString()} is older than the loaded one (${current.thisUpdate.toISOString()}); load a newer CRL`,
      };
    }
    this.#byIssuer.set(parsed.crl.issuerKey, parsed.crl);
    return { ok: true, crl: parsed.crl, replaced: current !== undefined };
  }

  /** The state a loaded CRL gives this certificate; `active` when no CRL of its issuer lists it. */
  stateOf(certificateDer: Uint8Array): CertificateRegistryState {
    if (this.#byIssuer.size === 0) return 'active';
    let key: string;
    try {
      key = parsedCertificate(certificateDer, 'RevocationLists.stateOf').issuerSerialKey;
    } catch {
      return 'active';
    }
    const hash = key.indexOf('#');
    const crl = this.#byIssuer.get(key.slice(0, hash));
    return crl?.entries.get(normalizeSerialHex(key.slice(hash + 1))) ?? 'active';
  }

  loaded(): LoadedCrl[] {
    return [...this.#byIssuer.values()];
  }
}

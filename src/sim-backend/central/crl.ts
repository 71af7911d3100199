import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parsedCertificate } from './certificate-cache.js';
import { normalizeSerialHex } from './certificate-der.js';

export { normalizeSerialHex };
import type { Clock } from '../../domain/index.js';
import type { CertificateRegistryState } from './store.js';

/**
 * J-LIS revocation as central learns it from a CRL (RFC 5280 §5): the CRL is parsed with pkijs,
 * its signature verified against the trust anchor whose subject is the CRL's issuer, and its
 * entries kept by issuer + serial. `certificateHold` (6) means 一時利用停止 (suspended); any other
 * entry (none, cessationOfOperation for a returned card, …) means revoked. A newer CRL of the same
 * issuer replaces the older; an older one is refused.
 *
 * Freshness: a CRL whose nextUpdate has passed (virtual clock) is *stale*. RFC 5280 §6.3.3 makes a
 * relying party fetch a fresh CRL then, and leaves the status undetermined when it cannot. The
 * sources on the real オンライン資格確認 are silent, so this is option `crl_stale_policy`:
 * `refuse` (default: revocation status unknown, the check is refused with `crl-stale`, because a
 * card revoked after the stale list was issued must not pass) or `warn` (the stale list is still
 * used and a warning is kept, the availability-first reading).
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
  /** Normalised serial hex → revocationDate and RFC 5280 reasonCode (absent = unspecified), for OCSP. */
  revocations: ReadonlyMap<string, { revokedAt: Date; reasonCode?: number }>;
}

/** rules: option `crl_stale_policy` (see the comment at the top of this file). */
export type CrlStalePolicy = 'refuse' | 'warn';
export const DEFAULT_CRL_STALE_POLICY: CrlStalePolicy = 'refuse';

/** What the loaded CRLs say about one certificate at an instant. */
export type RevocationStatus =
  | {
      state: CertificateRegistryState;
      /** The issuer's CRL that answered; absent when no CRL of that issuer is loaded. */
      crl?: LoadedCrl;
      revokedAt?: Date;
      reasonCode?: number;
      /** Set when the answer came from a stale CRL under policy `warn`. */
      warning?: string;
    }
  | { state: 'unknown'; reason: 'crl-stale'; message: string; crl: LoadedCrl };

/** The answer when no CRL is loaded (shared: callers only read it). */
const NO_CRL: RevocationStatus = Object.freeze({ state: 'active' });

/** One use of a stale CRL under policy `warn`. */
export interface StaleCrlWarning {
  /** epoch ms (virtual) of the check. */
  at: number;
  issuer: string;
  nextUpdate: string;
  message: string;
}

/** True when the CRL's nextUpdate lies before `now`; the nextUpdate instant itself is still fresh. */
export function isCrlStale(crl: LoadedCrl, now: number): boolean {
  return crl.nextUpdate !== undefined && now > crl.nextUpdate.getTime();
}

export type CrlLoadResult = { ok: true; crl: LoadedCrl; replaced: boolean } | { ok: false; code: 'crl-malformed' | 'crl-untrusted' | 'crl-stale'; message: string };

/** Upper-case hex without leading zeros, so a DER INTEGER's sign byte never matters. */

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
  const revocations = new Map<string, { revokedAt: Date; reasonCode?: number }>();
  for (const entry of crl.revokedCertificates ?? []) {
    const serial = normalizeSerialHex(hexOf(entry.userCertificate.valueBlock.valueHexView));
    const reason = entry.crlEntryExtensions?.extensions.find((x) => x.extnID === REASON_CODE_OID)?.parsedValue as asn1js.Enumerated | undefined;
    const reasonCode = reason?.valueBlock.valueDec;
    entries.set(serial, reasonCode === CERTIFICATE_HOLD ? 'suspended' : 'revoked');
    revocations.set(serial, { revokedAt: entry.revocationDate.value, ...(reasonCode !== undefined ? { reasonCode } : {}) });
  }
  return {
    ok: true,
    crl: { issuerKey, issuer, thisUpdate: crl.thisUpdate.value, ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate.value } : {}), entries, revocations },
  };
}

/** The latest verified CRL per issuer; what the store asks for a certificate's J-LIS state. */
export class RevocationLists {
  readonly #byIssuer = new Map<string, LoadedCrl>();
  #clock: Clock | undefined;
  #policy: CrlStalePolicy;
  readonly #warnings: StaleCrlWarning[] = [];

  constructor(opts: { clock?: Clock; stalePolicy?: CrlStalePolicy } = {}) {
    this.#clock = opts.clock;
    this.#policy = opts.stalePolicy ?? DEFAULT_CRL_STALE_POLICY;
  }

  /** The clock freshness is judged by (stateOf has no instant of its own). Without one, nextUpdate is not judged by stateOf. */
  useClock(clock: Clock): void {
    this.#clock = clock;
  }

  get stalePolicy(): CrlStalePolicy {
    return this.#policy;
  }

  setStalePolicy(policy: CrlStalePolicy): void {
    if (policy !== 'refuse' && policy !== 'warn') throw new RangeError(`RevocationLists: crl_stale_policy must be "refuse" or "warn", received ${JSON.stringify(policy)}`);
    this.#policy = policy;
  }

  /** Uses of a stale CRL under policy `warn`, oldest first (at most the last 100). */
  warnings(): StaleCrlWarning[] {
    return [...this.#warnings];
  }

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

  /**
   * The state a loaded CRL gives this certificate; `active` when no CRL of its issuer lists it.
   * The store asks this (it has no `unknown` state): a stale CRL still answers here, and under
   * policy `warn` the use is recorded; the refusal under `refuse` is `statusOf`'s `unknown`.
   */
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
    if (crl && this.#clock && this.#policy === 'warn' && isCrlStale(crl, this.#clock.now())) this.#warn(crl, this.#clock.now());
    return crl?.entries.get(normalizeSerialHex(key.slice(hash + 1))) ?? 'active';
  }

  /** What the CRLs say about a certificate (DER) at `now`, with the staleness policy applied. */
  statusOf(certificateDer: Uint8Array, now: number): RevocationStatus {
    // The card-check hot path asks on every check; most centrals hold no CRL at all.
    if (this.#byIssuer.size === 0) return NO_CRL;
    let key: string;
    try {
      key = parsedCertificate(certificateDer, 'RevocationLists.statusOf').issuerSerialKey;
    } catch {
      return { state: 'active' };
    }
    const hash = key.indexOf('#');
    return this.statusBySerial(key.slice(0, hash), key.slice(hash + 1), now);
  }

  /** As statusOf, by issuer Name DER (hex) and serial (hex, sign bytes and case ignored): what OCSP asks. */
  statusBySerial(issuerKey: string, serialHex: string, now: number): RevocationStatus {
    const crl = this.#byIssuer.get(issuerKey.toLowerCase());
    if (!crl) return { state: 'active' };
    let warning: string | undefined;
    if (isCrlStale(crl, now)) {
      const message = `the J-LIS CRL of ${crl.issuer} expired at its nextUpdate ${crl.nextUpdate!.toISOString()} (now ${new Date(now).toISOString()}); revocation status is unknown until a newer CRL is loaded (POST /admin/crl)`;
      if (this.#policy === 'refuse') return { state: 'unknown', reason: 'crl-stale', message, crl };
      warning = this.#warn(crl, now).message;
    }
    const serial = normalizeSerialHex(serialHex);
    const state = crl.entries.get(serial) ?? 'active';
    const detail = crl.revocations.get(serial);
    return {
      state,
      crl,
      ...(detail && state !== 'active' ? { revokedAt: detail.revokedAt, ...(detail.reasonCode !== undefined ? { reasonCode: detail.reasonCode } : {}) } : {}),
      ...(warning !== undefined ? { warning } : {}),
    };
  }

  /** The loaded CRLs whose nextUpdate has passed at `now`. */
  staleAt(now: number): LoadedCrl[] {
    return this.loaded().filter((crl) => isCrlStale(crl, now));
  }

  #warn(crl: LoadedCrl, now: number): StaleCrlWarning {
    const warning: StaleCrlWarning = {
      at: now,
      issuer: crl.issuer,
      nextUpdate: crl.nextUpdate!.toISOString(),
      message: `crl_stale_policy warn: used the J-LIS CRL of ${crl.issuer} past its nextUpdate ${crl.nextUpdate!.toISOString()}; load a newer CRL (POST /admin/crl)`,
    };
    this.#warnings.push(warning);
    if (this.#warnings.length > 100) this.#warnings.shift();
    return warning;
  }

  loaded(): LoadedCrl[] {
    return [...this.#byIssuer.values()];
  }
}

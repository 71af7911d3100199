import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';
import { parsedCertificate, type ChainVerdict, type ParsedCertificate } from './certificate-cache.js';
import { certificateStatusOn, jstDate, type CertGraceEnd, type CertificateValidity, type IsoDate } from '../../domain/index.js';
import type { CertificateCheckStatus, RejectionReason } from '../../protocol/central-api.js';

export interface CertificateCheckOptions {
  /** DER certificates of the simulated J-LIS CA (and any intermediates) we trust. */
  trustAnchors: Uint8Array[];
  /** The JST calendar date of the check: validity and grace are judged by whole days. */
  date: IsoDate;
  graceEnd: CertGraceEnd;
  /** The instant of the check (virtual clock): "not yet valid" is judged against notBefore. */
  at: Date;
}

export interface CertificateCheckResult {
  status: CertificateCheckStatus;
  /** Last day of validity: notAfter as a JST date. */
  expiresOn?: IsoDate;
  /** Last day of the 3-month grace (inclusive), when the validity period was judged. */
  graceEndsOn?: IsoDate;
  /** Present when the status refuses the card. */
  reason?: RejectionReason;
  message?: string;
}

/** pkijs is given its engine per call rather than through the global setEngine, so nothing leaks. */
const cryptoEngine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as pkijs.CryptoEngineParameters['crypto'] });

/**
 * Verifies a card's user-authentication certificate the way the central system does: chain and
 * signatures to the J-LIS CA (pkijs), then the validity period with the 3-month grace on the
 * (virtual) check date. Revocation is not judged here: that is J-LIS state (EligibilityStore).
 */
export async function verifyCertificate(der: Uint8Array, opts: CertificateCheckOptions): Promise<CertificateCheckResult> {
  return judgeCertificate(der, opts);
}

/**
 * verifyCertificate, answering at once (no promise) when the chain verdict is already cached for
 * this certificate and check date: the card-check hot path then pays no microtask hops. Validity,
 * grace and the check instant are judged on every call either way.
 */
export function judgeCertificate(der: Uint8Array, opts: CertificateCheckOptions): CertificateCheckResult | Promise<CertificateCheckResult> {
  let leaf: ParsedCertificate;
  try {
    leaf = parsedCertificate(der, 'verifyCertificate');
  } catch (e) {
    return untrusted(`the certificate is not DER X.509: ${(e as Error).message}`);
  }
  let anchors: ParsedCertificate[];
  try {
    anchors = opts.trustAnchors.map((a) => parsedCertificate(a, 'verifyCertificate (trust anchor)'));
  } catch (e) {
    throw new Error(`verifyCertificate: a trust anchor is not DER X.509 (${(e as Error).message}); pass the CA certificate's DER bytes`, {
      cause: e,
    });
  }

  const { notBefore, notAfter } = leaf;

  // pkijs also refuses a certificate outside its validity at checkDate. The cryptographic verdict
  // must not depend on that, so the chain is checked at an instant inside the leaf's validity
  // (the check instant itself whenever possible); the period is judged below, with the grace.
  const checkDate = new Date(Math.min(Math.max(opts.at.getTime(), notBefore.getTime()), notAfter.getTime()));
  const chain = chainVerdict(leaf, anchors, checkDate);
  if (chain instanceof Promise) return chain.then((verdict) => judged(leaf, verdict, opts));
  return judged(leaf, chain, opts);
}

/** The answer once the chain verdict is known: untrusted, or the validity period with its grace. */
function judged(leaf: ParsedCertificate, chain: ChainVerdict, opts: CertificateCheckOptions): CertificateCheckResult {
  const { notBefore, notAfter } = leaf;
  if (!chain.ok) {
    return untrusted(`the certificate does not chain to a trusted J-LIS CA (${chain.message || 'no path'})`);
  }

  if (opts.at.getTime() < notBefore.getTime()) {
    const expiresOn = jstDate(notAfter.getTime());
    return {
      status: 'not-yet-valid',
      expiresOn,
      reason: 'certificate-not-yet-valid',
      message: `the certificate is valid only from ${notBefore.toISOString()}; check the card's issue date or the clock`,
    };
  }

  const validity = validityOn(leaf, opts.date, opts.graceEnd);
  const { expiresOn } = validity;
  if (validity.status === 'expired-beyond-grace') {
    return {
      status: 'expired-beyond-grace',
      expiresOn,
      graceEndsOn: validity.graceEndsOn,
      reason: 'certificate-expired',
      message: `the certificate expired on ${expiresOn} and its 3-month grace ended on ${validity.graceEndsOn}; the holder must renew it at the municipality`,
    };
  }
  return { status: validity.status, expiresOn, graceEndsOn: validity.graceEndsOn };
}

/**
 * The chain verdict, reused from the leaf's cache entry when one was reached for the same anchors
 * at a check date where every certificate of the path is within its validity: there the verdict
 * depends only on signatures and names, so it is the same for any such date (no CRLs are given).
 * Outside that window pkijs runs again, so a date-dependent refusal is never cached. Inside it,
 * concurrent checks of a card not yet cached share one pkijs run (no herd on a cold start).
 */
function chainVerdict(leaf: ParsedCertificate, anchors: ParsedCertificate[], checkDate: Date): ChainVerdict | Promise<ChainVerdict> {
  const anchorsKey = anchors.length === 1 ? anchors[0]!.digest : anchors.map((a) => a.digest).join(',');
  const at = checkDate.getTime();
  const cached = leaf.chainVerdicts.get(anchorsKey);
  if (cached && cached.from <= at && at <= cached.to) return cached;

  let from = leaf.notBefore.getTime();
  let to = leaf.notAfter.getTime();
  for (const a of anchors) {
    from = Math.max(from, a.notBefore.getTime());
    to = Math.min(to, a.notAfter.getTime());
  }
  if (at < from || to < at) return runChainCheck(leaf, anchors, checkDate);

  const pending = leaf.pendingVerdicts.get(anchorsKey);
  if (pending) return pending;
  const run = runChainCheck(leaf, anchors, checkDate).then((verdict) => {
    leaf.chainVerdicts.set(anchorsKey, { ...verdict, from, to });
    leaf.pendingVerdicts.delete(anchorsKey);
    return verdict;
  });
  leaf.pendingVerdicts.set(anchorsKey, run);
  return run;
}

/** pkijs's chain validation; never rejects (an exception is a refusal with its message). */
async function runChainCheck(leaf: ParsedCertificate, anchors: ParsedCertificate[], checkDate: Date): Promise<ChainVerdict> {
  const engine = new pkijs.CertificateChainValidationEngine({ trustedCerts: anchors.map((a) => a.certificate), certs: [leaf.certificate], checkDate });
  try {
    const verdict = await engine.verify({}, cryptoEngine);
    return { ok: verdict.result, message: verdict.resultMessage };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** certificateStatusOn for the leaf's expiry (notAfter as a JST date), memoised on the leaf for the last inputs. */
function validityOn(leaf: ParsedCertificate, date: IsoDate, graceEnd: CertGraceEnd): CertificateValidity {
  const key = `${date}|${graceEnd}`;
  if (leaf.lastValidity?.key === key) return leaf.lastValidity.value;
  const value = certificateStatusOn(jstDate(leaf.notAfter.getTime()), date, graceEnd);
  leaf.lastValidity = { key, value };
  return value;
}

function untrusted(message: string): CertificateCheckResult {
  return { status: 'untrusted', reason: 'certificate-untrusted', message };
}

import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';
import { certificateStatusOn, jstDate, type CertGraceEnd, type IsoDate } from '../../domain/index.js';
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
  let leaf: pkijs.Certificate;
  try {
    leaf = pkijs.Certificate.fromBER(der);
  } catch (e) {
    return untrusted(`the certificate is not DER X.509: ${(e as Error).message}`);
  }
  let anchors: pkijs.Certificate[];
  try {
    anchors = opts.trustAnchors.map((a) => pkijs.Certificate.fromBER(a));
  } catch (e) {
    throw new Error(`verifyCertificate: a trust anchor is not DER X.509 (${(e as Error).message}); pass the CA certificate's DER bytes`, {
      cause: e,
    });
  }

  const notBefore = leaf.notBefore.value;
  const notAfter = leaf.notAfter.value;

  // pkijs also refuses a certificate outside its validity at checkDate. The cryptographic verdict
  // must not depend on that, so the chain is checked at an instant inside the leaf's validity
  // (the check instant itself whenever possible); the period is judged below, with the grace.
  const checkDate = new Date(Math.min(Math.max(opts.at.getTime(), notBefore.getTime()), notAfter.getTime()));
  const engine = new pkijs.CertificateChainValidationEngine({ trustedCerts: anchors, certs: [leaf], checkDate });
  let chainOk: boolean;
  let chainMessage: string;
  try {
    const verdict = await engine.verify({}, cryptoEngine);
    chainOk = verdict.result;
    chainMessage = verdict.resultMessage;
  } catch (e) {
    chainOk = false;
    chainMessage = e instanceof Error ? e.message : String(e);
  }
  if (!chainOk) {
    return untrusted(`the certificate does not chain to a trusted J-LIS CA (${chainMessage || 'no path'})`);
  }

  const expiresOn = jstDate(notAfter.getTime());
  if (opts.at.getTime() < notBefore.getTime()) {
    return {
      status: 'not-yet-valid',
      expiresOn,
      reason: 'certificate-not-yet-valid',
      message: `the certificate is valid only from ${notBefore.toISOString()}; check the card's issue date or the clock`,
    };
  }

  const validity = certificateStatusOn(expiresOn, opts.date, opts.graceEnd);
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

function untrusted(message: string): CertificateCheckResult {
  return { status: 'untrusted', reason: 'certificate-untrusted', message };
}

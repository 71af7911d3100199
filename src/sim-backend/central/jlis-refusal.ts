import type { RejectionReason } from '../../protocol/central-api.js';
import type { RevocationLists } from './crl.js';
import type { EligibilityStore } from './store.js';

export interface JlisRefusal {
  reason: Extract<RejectionReason, 'certificate-status-unknown' | 'certificate-revoked' | 'certificate-suspended'>;
  message: string;
  /** The J-LIS state that refused, when it was one (unknown revocation status has none). */
  registryState?: 'revoked' | 'suspended';
}

/**
 * What J-LIS says against a certificate whose chain and dates passed: revocation status unknown
 * (the issuer's CRL is past its nextUpdate under crl_stale_policy refuse), then the store's state
 * (an explicit one, else the loaded CRL). Undefined when the card may go on. One rule for the
 * reader's card check and the home Web flow.
 */
export function jlisRefusal(store: EligibilityStore, lists: RevocationLists | undefined, certificate: Uint8Array, now: number): JlisRefusal | undefined {
  const revocation = lists?.statusOf(certificate, now);
  if (revocation?.state === 'unknown') return { reason: 'certificate-status-unknown', message: revocation.message };
  const state = store.certificateState(certificate);
  if (state === 'active') return undefined;
  return {
    reason: state === 'revoked' ? 'certificate-revoked' : 'certificate-suspended',
    message: `J-LIS reports the certificate as ${state}; the holder must contact the municipality`,
    registryState: state,
  };
}

/**
 * J-LIS's record of certificates that no longer count: revoked (失効, e.g. a lost card or a
 * change of name), suspended (一時利用停止, after a loss report; can be lifted) and returned (返納
 * of the card). Keyed by CA and serial number.
 *
 * CRL reason codes (RFC 5280 §5.3.1) — our mapping, J-LIS's real codes are not public:
 * - `suspended` → certificateHold (6): the standard code for a temporary hold;
 * - `returned`  → cessationOfOperation (5): the holder stopped using the card;
 * - `revoked`   → no reasonCode extension (RFC 5280 asks to omit "unspecified").
 */
import { x509 } from './x509.js';

export type RevocationReason = 'revoked' | 'suspended' | 'returned';
export type JlisCertificateStatus = 'good' | RevocationReason | 'unknown';
export type JlisCa = 'auth' | 'sign';

export const CRL_REASON: Readonly<Record<RevocationReason, x509.X509CrlReason | undefined>> = {
  revoked: undefined,
  suspended: x509.X509CrlReason.certificateHold,
  returned: x509.X509CrlReason.cessationOfOperation,
};

/** A CRL's nextUpdate is its thisUpdate + 24 h (our choice; J-LIS publishes at least daily). */
export const CRL_VALIDITY_MS = 86_400_000;

const REASONS: ReadonlySet<string> = new Set(['revoked', 'suspended', 'returned']);

/** Upper-case hex without leading zeros: "00 0a0B0c" and "A0B0C" name the same serial. */
export function normalizeSerial(serialHex: string): string {
  const hex = serialHex.replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(hex)) {
    throw new RangeError(`J-LIS: a serial number must be hex digits, received ${JSON.stringify(serialHex)}; copy it from the certificate (openssl x509 -serial)`);
  }
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

interface Entry {
  reason: RevocationReason;
  /** Epoch ms from which it counts; undefined = from before any check. */
  at: number | undefined;
}

export class CertificateStatusRegistry {
  readonly #entries = new Map<string, Entry>();

  revoke(ca: JlisCa, serialHex: string, reason: RevocationReason, at?: number): void {
    if (!REASONS.has(reason)) throw new RangeError(`J-LIS revoke: reason must be revoked, suspended or returned, received ${String(reason)}`);
    if (at !== undefined && !Number.isFinite(at)) throw new RangeError('J-LIS revoke: `at` must be epoch milliseconds from the rig clock');
    this.#entries.set(`${ca}:${normalizeSerial(serialHex)}`, { reason, at });
  }

  reinstate(ca: JlisCa, serialHex: string): void {
    this.#entries.delete(`${ca}:${normalizeSerial(serialHex)}`);
  }

  statusAt(ca: JlisCa, serial: string, at: number): 'good' | RevocationReason {
    const entry = this.#entries.get(`${ca}:${serial}`);
    if (entry === undefined || (entry.at !== undefined && entry.at > at)) return 'good';
    return entry.reason;
  }

  entriesAt(ca: JlisCa, at: number): Array<{ serialHex: string; reason: RevocationReason; at: number | undefined }> {
    const out: Array<{ serialHex: string; reason: RevocationReason; at: number | undefined }> = [];
    for (const [key, entry] of this.#entries) {
      const [owner, serialHex] = key.split(':') as [string, string];
      if (owner === ca && (entry.at === undefined || entry.at <= at)) out.push({ serialHex, ...entry });
    }
    return out.sort((a, b) => (a.serialHex < b.serialHex ? -1 : 1));
  }
}

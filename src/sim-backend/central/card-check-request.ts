import type { CardCheckRequest, QualificationRequest } from '../../protocol/central-api.js';

const INSTITUTION_CODE = /^\d{10}$/;

/**
 * The hot path's body check: a PIN card check (the reader's common case) that certainly passes the
 * CardCheckRequest schema, decoded the way zod would (unknown keys dropped), in a fraction of zod's
 * time. Anything else — face/visual, a missing or mistyped field — gives undefined, and the caller
 * falls back to the schema, which names the offending field. So this check may be stricter than the
 * schema, never looser (card-check-request.test.ts holds it to that).
 */
export function plainPinCheck(body: unknown): CardCheckRequest | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const { medicalInstitutionCode, certificate, challengeId, signature } = b;
  if (b.method !== 'pin' || b.attestation !== undefined) return undefined;
  if (typeof medicalInstitutionCode !== 'string' || !INSTITUTION_CODE.test(medicalInstitutionCode)) return undefined;
  if (typeof certificate !== 'string' || certificate.length === 0) return undefined;
  if (typeof challengeId !== 'string' || challengeId.length === 0) return undefined;
  if (typeof signature !== 'string') return undefined;
  const out: CardCheckRequest = { medicalInstitutionCode, method: 'pin', certificate, challengeId, signature };
  if (b.qualification !== undefined) {
    const qualification = plainQualification(b.qualification);
    if (!qualification) return undefined;
    out.qualification = qualification;
  }
  return out;
}

function plainQualification(value: unknown): QualificationRequest | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { consent, arbitraryFileIdentifier } = value as Record<string, unknown>;
  if (typeof consent !== 'object' || consent === null || Array.isArray(consent)) return undefined;
  const { diagnosis, pharmacy, checkup, operation } = consent as Record<string, unknown>;
  if (typeof diagnosis !== 'boolean' || typeof pharmacy !== 'boolean' || typeof checkup !== 'boolean' || typeof operation !== 'boolean') return undefined;
  const out: QualificationRequest = { consent: { diagnosis, pharmacy, checkup, operation } };
  if (arbitraryFileIdentifier !== undefined) {
    if (typeof arbitraryFileIdentifier !== 'string' || arbitraryFileIdentifier.length > 50) return undefined;
    out.arbitraryFileIdentifier = arbitraryFileIdentifier;
  }
  return out;
}
